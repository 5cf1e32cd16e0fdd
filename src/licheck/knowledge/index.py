"""The fingerprint index: hashed word n-grams of every known license text, never the texts.

Built by `python -m licheck.knowledge.build_index` from the reference corpus, shipped in
`knowledge/data/`; only sorted sets of hashes cut to `HASH_BITS` bits are stored, so the data
cannot give the texts back. Loaded once per process by whoever builds the run's knowledge.
"""

from __future__ import annotations

import array
import heapq
import mmap
import sys
from collections import Counter
from collections.abc import Collection, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from licheck.knowledge import jsondata

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

NGRAM = 3
HASH_BITS = 20
HASH_MASK = (1 << HASH_BITS) - 1
# One n-gram in SAMPLE_EVERY goes into the inverted index: enough to propose candidates, four
# times smaller than indexing every n-gram. The full sets are scored afterwards.
SAMPLE_EVERY = 4  # a power of two (candidates() tests a gram's low bits)
MAX_POSTINGS = 48  # n-grams in more licenses than this stay out of the index (fingerprints.py)
# The sampled n-grams' slots (hash // SAMPLE_EVERY), plus one: where each slot's postings end.
INVERTED_SLOTS = HASH_MASK // SAMPLE_EVERY + 2
RESCUE_GRAMS = 8  # a license left with fewer postings is proposed by its rarest n-grams instead
DATA_DIR = Path(__file__).parent / "data"
DATA_NAME = "fingerprints"

# Thresholds, chosen on the reference corpus and its perturbed copies (benchmarks/identify.py).
MATCH_DICE = 0.80  # a span this close to a license is that license, exact or modified
# Below this a text is no version of any license, however much of one it holds: naming a family
# at 0.54 similarity is a confident wrong name (the clause engine reads the whole text instead).
SIMILARITY_FLOOR = 0.60
MIN_PART_GRAMS = 40  # an unexplained block this long is identified on its own
PART_OF = 0.9  # share of a text's n-grams a license must hold for the text to be a part of it
MIN_PART_OF = 200  # ... counted only for texts this long (a paragraph is too common to tell)
SPORADIC = 4  # matched runs shorter than this inside an unexplained block are chance hits
SHORT_TEXT_TOKENS = 80  # below this, an unmatched text is a pointer or a note, not a license
CANDIDATES = 6
LOOKUPS = 160  # sampled n-grams looked up per text, at most (about)
SPAN_CLUSTER_GAP = 12  # unmatched n-grams that still keep two matched runs in one cluster
EXCERPT_CHARS = 160  # how much of a changed line a difference quotes
MAX_DEPTH = 4  # parts within parts: a file of more licenses reports the rest as added text
# --- the shipped data -----------------------------------------------------------------------


class Reference(msgspec.Struct, frozen=True):
    """One known license text as the fingerprint data describes it.

    `count` n-grams are required; `optional` more (an appendix such as "How to apply these
    terms") may be absent from a file that is still the license.
    """

    index: int
    key: str
    id: str
    name: str
    source: str
    offset: int
    count: int
    optional: int
    sampled: int
    members: tuple[str, ...]


SET_CACHE = 96  # n-gram sets kept per process: the licenses a run keeps meeting


class FingerprintIndex:
    """The shipped n-gram data: per-license sorted hash arrays plus a sampled inverted index.

    Loading maps the binary file into memory (no parsing, no copy on little-endian hosts) and
    reads a small JSON table, so a cold `licheck identify` stays within its start-up budget.
    """

    def __init__(
        self,
        meta: dict[str, Any],
        blob: bytes | mmap.mmap,
        data_dir: Path = DATA_DIR,
        catalog: Catalog | None = None,
    ) -> None:
        self.meta = meta
        self.data_dir = data_dir
        # The catalog names a reference by its profile (an AI license's licheck id); without
        # one (a test index of fixture texts) a reference keeps its own id.
        self.catalog = catalog
        self._resolved: dict[str, tuple[str, str]] = {}
        total = meta["total_hashes"]
        inverted = meta["inverted_entries"]
        self.hashes = _ints("I", blob, 0, total)
        self.inv_refs = _ints("H", blob, 4 * total, inverted)
        # The slot table (build_index): starts[k]..starts[k + 1] are slot k's postings.
        table = 4 * total + 2 * (inverted + inverted % 2)  # after the refs and their padding
        self.inv_starts = _ints("I", blob, table, INVERTED_SLOTS)
        self._entries: list[dict[str, Any]] = meta["references"]
        self._references: dict[int, Reference] = {}
        self.sampled = [e["sampled"] for e in self._entries]
        self.urls: dict[str, int] = meta.get("urls", {})
        self._sets: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
        self._facts: list[dict[str, str]] | None = None
        # Licenses made only of common phrases, proposed by their rarest n-grams (fingerprints.py).
        self.rescue: dict[int, list[int]] = {}
        for number, grams in meta.get("rescue", {}).items():
            for g in grams:
                self.rescue.setdefault(g, []).append(int(number))
        self.rescue_keys = frozenset(self.rescue)
        self.rescue_size = {int(n): len(g) for n, g in meta.get("rescue", {}).items()}

    def __len__(self) -> int:
        return len(self._entries)

    def reference(self, number: int) -> Reference:
        """The reference at a position of the table, built on first use."""
        found = self._references.get(number)
        if found is None:
            e = self._entries[number]
            found = Reference(
                index=number,
                key=e["key"],
                id=e["id"],
                name=e["name"],
                source=e["source"],
                offset=e["offset"],
                count=e["count"],
                optional=e.get("optional", 0),
                sampled=e["sampled"],
                members=tuple(e.get("members", ())),
            )
            self._references[number] = found
        return found

    def facts(self, ref: Reference) -> dict[str, str]:
        """Numbers of a reference by the hash of their context: where parameters live."""
        if self._facts is None:
            path = self.data_dir / f"{DATA_NAME}-facts.json"
            self._facts = jsondata.read(path)
        return self._facts[ref.index]

    def grams(self, ref: Reference) -> tuple[frozenset[int], frozenset[int]]:
        """(required, optional) n-gram sets of a reference, kept for the next texts."""
        found = self._sets.pop(ref.index, None)
        if found is None:
            middle = ref.offset + ref.count
            found = (
                frozenset(self.hashes[ref.offset : middle]),
                frozenset(self.hashes[middle : middle + ref.optional]),
            )
            if len(self._sets) >= SET_CACHE:
                del self._sets[next(iter(self._sets))]
        self._sets[ref.index] = found
        return found

    def shared(self, ref: Reference, region: set[int]) -> tuple[int, int]:
        """(required, optional) n-grams of a reference that a region holds.

        Counted against the reference's kept sets when it has them; otherwise straight off the
        stored arrays (what the region loses to them), without building its sets: most of the
        candidates a text is scored against are never looked at again, and building a set of
        a thousand n-grams costs twice what counting them does.
        """
        found = self._sets.get(ref.index)
        if found is not None:
            required, optional = found
            return len(region & required), len(region & optional) if optional else 0
        middle = ref.offset + ref.count
        inter_req = len(region) - len(region.difference(self.hashes[ref.offset : middle]))
        if not ref.optional:
            return inter_req, 0
        # An appendix is short: each of its n-grams looked up in the region.
        appendix = self.hashes[middle : middle + ref.optional]
        return inter_req, sum(map(region.__contains__, appendix))

    def candidates(
        self, grams: Collection[int], limit: int = CANDIDATES
    ) -> tuple[list[Reference], list[Reference]]:
        """References sharing the most sampled n-grams with the text, best first, and the few
        whose sampled n-grams are most completely present (short licenses).

        A long text is sampled more sparsely (every 8th, 16th... n-gram) so a lookup costs about
        the same for a GPL as for an MIT text; scores are scaled back to the index's rate.
        """
        stride = SAMPLE_EVERY
        while len(grams) // stride > LOOKUPS:
            stride *= 2
        scale = stride // SAMPLE_EVERY
        starts = self.inv_starts
        refs = self.inv_refs
        postings = []
        # g % stride == 0 as a bit test: SAMPLE_EVERY, and so every stride, is a power of two.
        # This loop visits every n-gram of the text; the rest only the sampled ones.
        low_bits = stride - 1
        for g in grams:
            if not g & low_bits:
                slot = g // SAMPLE_EVERY
                i, j = starts[slot], starts[slot + 1]
                if i != j:
                    postings.append(refs[i : j if j - i <= MAX_POSTINGS else i + MAX_POSTINGS])
        hits = Counter(chain.from_iterable(postings))
        sampled = self.sampled
        double = 2 * scale
        ranked = [(double * h - sampled[r], r) for r, h in hits.items()]
        top = [r for _, r in heapq.nlargest(limit, ranked)]
        # A short license (MIT, 0BSD) is fully present in a text far more often than it wins
        # on raw counts: add the best by coverage too.
        cover = [(h / (sampled[r] or 1), r) for r, h in hits.items()]
        extra = [r for _, r in heapq.nlargest(limit // 2, cover) if r not in top]
        # A long license only partly present (one language of a bilingual text) shares the
        # most n-grams yet loses on both scores above.
        for r, _ in hits.most_common(2):
            if r not in top and r not in extra:
                extra.append(r)
        # A license made of phrases common to many others (BSD-2-Clause) has next to no
        # postings: it is proposed when most of its rarest n-grams are in the text.
        present = self.rescue_keys.intersection(grams)
        if present:
            rescued = Counter(chain.from_iterable(self.rescue[g] for g in present))
            for r, h in rescued.items():
                if 2 * h >= self.rescue_size[r] and r not in top and r not in extra:
                    extra.append(r)
        return [self.reference(r) for r in top], [self.reference(r) for r in extra]


def _ints(
    code: Literal["I", "H"], blob: bytes | mmap.mmap, start: int, count: int
) -> Sequence[int]:
    """A typed view of part of the blob: zero-copy on little-endian hosts, a copy elsewhere."""
    values = array.array(code)
    view = memoryview(blob)[start : start + count * values.itemsize]
    if sys.byteorder == "little" and values.itemsize == {"I": 4, "H": 2}[code]:
        typed: memoryview[int] = view.cast(code)
        return typed
    values.frombytes(view)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def load_index(data_dir: Path = DATA_DIR, catalog: Catalog | None = None) -> FingerprintIndex:
    """The shipped fingerprint data (a run loads it once: see knowledge.bundle.Knowledge).

    Missing or mismatched data is a packaging fault, reported as a knowledge-base error with
    the command that rebuilds it.
    """
    from licheck.errors import KnowledgeBaseError

    hint = "reinstall licheck; in a checkout, run `python -m licheck.knowledge.build_index`"
    where = data_dir / f"{DATA_NAME}.json"
    try:
        meta = jsondata.read(where)
        with (data_dir / f"{DATA_NAME}.bin").open("rb") as handle:
            blob = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        raise KnowledgeBaseError(
            f"the license fingerprints cannot be read: {exc}", file=str(where), hint=hint
        ) from exc
    if (
        meta.get("ngram") != NGRAM
        or meta.get("hash_bits") != HASH_BITS
        or meta.get("sample_every") != SAMPLE_EVERY
        or meta.get("inverted_slots") != INVERTED_SLOTS
    ):
        raise KnowledgeBaseError(
            "the license fingerprints were built with other settings", file=str(where), hint=hint
        )
    return FingerprintIndex(meta, blob, data_dir, catalog)


def resolve_reference(index: FingerprintIndex, ref: Reference) -> tuple[str, str]:
    """A reference's licheck id and name: its profile's where one exists (an AI license's
    `LicenseRef-licheck-*` id), its SPDX id otherwise. Remembered per index."""
    known = index._resolved.get(ref.key)
    if known is not None:
        return known
    found = (ref.id, ref.name)
    if index.catalog is not None:
        from licheck.errors import LicheckError
        from licheck.knowledge.catalog import normalise_alias

        try:
            data = index.catalog.index
        except LicheckError:
            data = None  # no knowledge base: the reference's own id
        if data is not None:
            aliases = data["aliases"]
            owner = aliases.get(normalise_alias(ref.key)) or aliases.get(normalise_alias(ref.id))
            if owner is not None and owner in data["profiles"]:
                found = (owner, str(data["profiles"][owner]["name"]))
    index._resolved[ref.key] = found
    return found
