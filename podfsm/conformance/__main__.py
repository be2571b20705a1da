"""``python -m podfsm.conformance [--jsonl]``: podfsm's oracle behind the program protocol."""

from podfsm.conformance.runner import main

raise SystemExit(main())
