"""Judgment: licenses against the ten OSD criteria, Open Source AI openness, and the one policy."""
