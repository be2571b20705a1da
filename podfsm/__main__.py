"""``python -m podfsm``: the same as the ``podfsm`` console script."""

try:
    from podfsm.cli import main
except KeyboardInterrupt:  # Ctrl-C before the command line is even imported: as later, no traceback
    import os

    os._exit(130)  # not SystemExit: see podfsm.cli.exit_interrupted

raise SystemExit(main())
