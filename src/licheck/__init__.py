"""licheck: is this AI model's license really open source? Judged against the ten OSD criteria."""

from __future__ import annotations

__version__ = "0.1.0"
