"""licheck: is this AI model's license really open source? Judged against the ten OSD criteria."""

from __future__ import annotations

from licheck.regex import preload_compiled

__version__ = "0.1.0"

# Before any other module compiles a pattern (licheck's, PyYAML's and click's at import): the
# patterns a run compiles are found compiled (licheck/regex.py; ignored under another Python).
preload_compiled()
