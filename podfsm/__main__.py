"""``python -m podfsm``: the same as the ``podfsm`` console script."""

try:
    from podfsm.cli import main
except KeyboardInterrupt:  # Ctrl-C before the command line is even imported: as later, no traceback
    raise SystemExit(130) from None

raise SystemExit(main())
