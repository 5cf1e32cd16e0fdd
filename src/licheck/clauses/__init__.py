"""The clause engine: reads any license text and finds the clauses that break the OSD.

Most model licenses are custom and new ones appear every month, so naming a license is not enough:
licheck must read the text the way a careful lawyer skims it, in three steps, one module each:
`segment` splits the text into clauses with their lines and modality, `rules` holds the legal
concepts as data (`rules/*.yaml`, each mapped to an OSD criterion), and `analysis` matches them.
`patterns` keeps that fast without reading less.
"""
