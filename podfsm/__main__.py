"""``python -m podfsm``: the same as the ``podfsm`` console script."""

from podfsm.cli import main

raise SystemExit(main())
