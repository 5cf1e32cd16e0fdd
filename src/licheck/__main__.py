"""`python -m licheck` runs the same command-line interface as the `licheck` script."""

from __future__ import annotations

import sys

from licheck.cli import main

sys.exit(main())
