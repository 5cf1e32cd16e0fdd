"""Knowledge built once at a run's entry point and passed down: the catalog and the fingerprints.

As license-expression's `get_spdx_licensing()` is built once by its caller, a run builds one
Knowledge and hands it to every stage that names or judges a license, so that a caller's own
`Catalog(kb_dir=...)` is the one identification uses too, and no module keeps a hidden copy.
The fingerprint index is loaded on first use only (an exact model.yaml never needs it).
"""

from __future__ import annotations

from pathlib import Path

from licheck.knowledge.catalog import Catalog
from licheck.knowledge.index import DATA_DIR, FingerprintIndex, load_index
from licheck.records import Identification


class Knowledge:
    """The catalog of license profiles and the identification index of one run."""

    def __init__(self, catalog: Catalog | None = None, *, data_dir: Path = DATA_DIR) -> None:
        self.catalog = catalog if catalog is not None else Catalog()
        self.data_dir = data_dir
        self._index: FingerprintIndex | None = None

    @property
    def index(self) -> FingerprintIndex:
        """The fingerprint index, loaded on first use, naming references by this catalog."""
        if self._index is None:
            self._index = load_index(self.data_dir, self.catalog)
        return self._index

    def identify(self, text: str) -> Identification:
        """Which known license a text is (knowledge.match), against this run's index."""
        from licheck.knowledge.match import identify_with

        return identify_with(self.index, text)
