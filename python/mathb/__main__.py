"""`python -m mathb`: the same command line as the `mathb` script."""

from .cli import main

raise SystemExit(main())
