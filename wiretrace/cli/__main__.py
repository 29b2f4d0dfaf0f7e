"""``python -m wiretrace.cli`` is the ``wiretrace`` command."""

from wiretrace.cli import main

raise SystemExit(main())
