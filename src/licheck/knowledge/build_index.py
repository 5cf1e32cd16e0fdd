"""Build the fingerprint data that `licheck.identify` ships, from the reference corpus.

licheck must name licenses offline on a fresh install, yet the repository may hold no license
text. So this maintainer's command turns the corpus (../shared/corpus: the SPDX texts, the AI
model licenses, and the labelled real-world files whose license has no other reference text) into
hashed word n-gram sets that cannot give the texts back, and records where they came from
(folder, file count, sha256 of the inputs, date) inside the data.

An SPDX text's title block (its name, version/date line and URL, omitable under the SPDX
templates) is stored as optional n-grams, like an appendix: a file without it is the license.
Licenses made only of phrases common to many others (BSD-2-Clause) get a short list of their
rarest n-grams so the sampled index can still propose them. Numbers are recorded as written
("2.0, january 2004") under the hash of their context, for parameter differences.

Equivalence classes come from the texts themselves: references whose n-gram sets are identical
cannot be told apart by any text, so they are stored once with all their ids (GPL-2.0-only,
GPL-2.0-or-later and the deprecated GPL-2.0 share one text).

    python -m licheck.knowledge.build_index [--corpus PATH]
"""

from __future__ import annotations

import argparse
import array
import hashlib
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from licheck.knowledge.boilerplate import own_words, title_end
from licheck.knowledge.index import (
    DATA_DIR,
    DATA_NAME,
    HASH_BITS,
    INVERTED_SLOTS,
    MAX_POSTINGS,
    NGRAM,
    RESCUE_GRAMS,
    SAMPLE_EVERY,
)
from licheck.knowledge.normalise import (
    gram_hashes,
    normalise,
    normalise_url,
    number_contexts,
    number_phrases,
    number_surface,
    token_spans,
    tokens,
)

DEFAULT_CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
SOURCE_ORDER = {"spdx": 0, "ai": 1, "wild": 2}


@dataclass
class Text:
    """One reference text before hashing."""

    key: str
    id: str
    name: str
    source: str
    path: Path
    deprecated: bool = False
    urls: list[str] = field(default_factory=list)


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def collect(corpus: Path) -> list[Text]:
    """Every reference text of the corpus with its id, name and provenance."""
    texts: list[Text] = []
    spdx_labels = _read_json(corpus / "spdx" / "labels.json")
    for path in sorted((corpus / "spdx").glob("*.txt")):
        if path.name == "not-open.txt":
            continue
        spdx_id = path.stem
        label = spdx_labels.get(spdx_id, {})
        if label.get("has_text") is False:
            continue
        texts.append(
            Text(
                key=spdx_id,
                id=spdx_id,
                name=str(label.get("name", spdx_id)),
                source="spdx",
                path=path,
                deprecated=bool(label.get("isDeprecatedLicenseId")),
                urls=[
                    f"https://spdx.org/licenses/{spdx_id}",
                    f"https://spdx.org/licenses/{spdx_id}.html",
                ],
            )
        )
    ai_labels = _read_json(corpus / "ai" / "labels.json")
    for path in sorted((corpus / "ai").glob("*.txt")):
        key = path.stem
        label = ai_labels.get(key, {})
        url = label.get("homepage_url")
        texts.append(
            Text(
                key=key,
                id=str(label.get("spdx_license_key") or f"LicenseRef-scancode-{key}"),
                name=str(label.get("name", key)),
                source="ai",
                path=path,
                urls=[url] if isinstance(url, str) and url.startswith("http") else [],
            )
        )
    # Real files whose license has no reference text elsewhere (no SPDX id, no ScanCode text):
    # the labelled file is the only reference there is. Compound and NONE labels are skipped.
    known = {t.key.lower() for t in texts} | {t.id.lower() for t in texts}
    wild_labels = _read_json(corpus / "wild" / "labels.json")
    for name in sorted(wild_labels):
        label = wild_labels[name]
        license_key = str(label.get("license", ""))
        path = corpus / "wild" / name
        if (
            not license_key
            or license_key == "NONE"
            or " " in license_key
            or license_key.lower() in known
            or not path.is_file()
        ):
            continue
        known.add(license_key.lower())
        texts.append(
            Text(
                key=license_key,
                id=license_key
                if license_key.startswith("LicenseRef-")
                else f"LicenseRef-scancode-{license_key}",
                name=license_key,
                source="wild",
                path=path,
            )
        )
    return texts


_OPTIONAL_MARKERS = (
    ("end", "of", "terms", "and", "conditions"),
    ("how", "to", "apply", "these", "terms"),
    ("how", "to", "apply", "this", "license"),
    ("how", "to", "apply", "the"),
)


def optional_start(words: list[str]) -> int:
    """Where a license's optional appendix begins ("How to apply these terms"), or the end.

    SPDX templates mark such appendices optional; real LICENSE files often drop them, and a
    file without the appendix is still the license. Only the second half of a text is searched,
    so a table of contents naming the appendix does not cut the license short.
    """
    half = len(words) // 2
    best = len(words)
    for marker in _OPTIONAL_MARKERS:
        size = len(marker)
        for i in range(half, len(words) - size + 1):
            if tuple(words[i : i + size]) == marker:
                best = min(best, i + (size if marker[0] == "end" else 0))
                break
    return best


def optional_head(text: Text, normalised: str, words: list[str]) -> int:
    """How many leading words of an SPDX text are its title block (0 for other texts).

    The SPDX templates mark the title and the version/date line omitable ("Apache License,
    Version 2.0, January 2004"): a LICENSE file without them, or with the header mangled, is
    still the license. An AI license's header holds its release date, a term: kept required.
    A "title" longer than half the text is the text itself (a one-line license).
    """
    if text.source != "spdx":
        return 0
    head = title_end(normalised, own_words(text.name, text.id, text.key))
    return head if head < len(words) // 2 else 0


def _shown(corpus: Path) -> str:
    """The corpus folder as recorded: relative to the repository, so the data names no machine."""
    repo = Path(__file__).resolve().parents[3]
    return os.path.relpath(corpus.resolve(), repo).replace(os.sep, "/")


def _source_url(source: str) -> str | None:
    """ "github:owner/repo@commit:path" (a label's source) as the file's web address."""
    if not source.startswith("github:") or "@" not in source or ":" not in source[7:]:
        return None
    repo, _, rest = source[7:].partition("@")
    commit, _, path = rest.partition(":")
    return f"https://github.com/{repo}/blob/{commit}/{path}" if path else None


def _representative(group: list[Text]) -> Text:
    """The id a class is reported under: a current (non-deprecated) SPDX id first, then AI keys."""
    return sorted(group, key=lambda t: (SOURCE_ORDER[t.source], t.deprecated, t.id))[0]


def build(corpus: Path) -> tuple[dict[str, Any], bytes, list[dict[str, str]]]:
    """The metadata, binary blob and number facts of the fingerprint data for a corpus folder."""
    texts = collect(corpus)
    digest = hashlib.sha256()
    fingerprints: dict[frozenset[int], list[Text]] = {}
    facts_of: dict[frozenset[int], dict[str, str]] = {}
    optional_of: dict[frozenset[int], frozenset[int]] = {}
    for text in texts:
        raw = text.path.read_bytes()
        digest.update(text.path.relative_to(corpus).as_posix().encode("utf-8") + b"\0" + raw)
        normalised = normalise(raw.decode("utf-8", errors="replace"))
        words = tokens(normalised)
        sequence = gram_hashes(words)
        grams = frozenset(sequence)
        if not grams:
            continue
        fingerprints.setdefault(grams, []).append(text)
        cut = optional_start(words)
        head = optional_head(text, normalised, words)
        optional_of[grams] = frozenset(sequence[cut:] + sequence[:head]) - frozenset(
            sequence[head:cut]
        )
        numbers = facts_of.setdefault(grams, {})
        places = token_spans(normalised)
        for start, end in number_phrases(words):
            # As written ("2.0, january 2004"), so a difference quotes it as a reader wrote it.
            value = number_surface(normalised, places, start, end)
            for ctx in number_contexts(words, start, end):
                if ctx is not None:
                    numbers.setdefault(str(ctx), value)
    hashes = array.array("I")
    postings: list[tuple[int, int]] = []
    references: list[dict[str, Any]] = []
    facts: list[dict[str, str]] = []
    urls: dict[str, int] = {}
    groups = sorted(fingerprints.items(), key=lambda item: _representative(item[1]).id)
    for number, (grams, group) in enumerate(groups):
        rep = _representative(group)
        optional = optional_of[grams]
        ordered = sorted(grams - optional)
        sampled = [g for g in ordered if g % SAMPLE_EVERY == 0]
        postings.extend((g, number) for g in sampled)
        references.append(
            {
                "key": rep.key,
                "id": rep.id,
                "name": rep.name,
                "source": rep.source,
                "offset": len(hashes),
                "count": len(ordered),
                "optional": len(optional),
                "sampled": len(sampled),
                "members": sorted({t.id for t in group} - {rep.id}),
            }
        )
        facts.append(dict(sorted(facts_of[grams].items())))
        hashes.extend(ordered)
        hashes.extend(sorted(optional))
        for text in group:
            for url in text.urls:
                urls.setdefault(normalise_url(url), number)
    # The public address of each labelled real file points to its license: a pointer file
    # ("see https://github.com/.../LICENSE") names what that file holds.
    by_key = {k.lower(): n for n, (_, g) in enumerate(groups) for t in g for k in (t.key, t.id)}
    for label in _read_json(corpus / "wild" / "labels.json").values():
        owner = by_key.get(str(label.get("license", "")).lower())
        address = _source_url(str(label.get("source", "")))
        if owner is not None and address:
            urls.setdefault(normalise_url(address), owner)
    # An n-gram in many licenses ("the software is") proposes no candidate worth scoring, yet
    # walking its postings is most of the lookup time: such n-grams stay out of the index.
    frequency: dict[int, int] = {}
    for g, _ in postings:
        frequency[g] = frequency.get(g, 0) + 1
    postings = sorted(p for p in postings if frequency[p[0]] <= MAX_POSTINGS)
    rescue = _rescue(groups, postings)
    inv_refs = array.array("H", (r for _, r in postings))
    # Postings are found by their n-gram's slot (hash // SAMPLE_EVERY): slot k's run of
    # inv_refs starts at starts[k] and ends at starts[k + 1], so a lookup reads two numbers
    # where a sorted table of keys needed two binary searches.
    starts = array.array("I", bytes(4 * INVERTED_SLOTS))
    for g, _ in postings:
        starts[g // SAMPLE_EVERY + 1] += 1
    for slot in range(1, INVERTED_SLOTS):
        starts[slot] += starts[slot - 1]
    blob_parts = [hashes, inv_refs]
    if len(inv_refs) % 2:
        blob_parts.append(array.array("H", [0]))  # the slot table starts on a 4-byte boundary
    blob_parts.append(starts)
    if sys.byteorder != "little":
        for part in blob_parts:
            part.byteswap()
    blob = b"".join(part.tobytes() for part in blob_parts)
    counts = {source: sum(1 for t in texts if t.source == source) for source in SOURCE_ORDER}
    meta = {
        "schema_version": 1,
        "ngram": NGRAM,
        "hash_bits": HASH_BITS,
        "sample_every": SAMPLE_EVERY,
        "provenance": {
            "corpus": _shown(corpus),
            "folders": "spdx/, ai/, wild/ (texts named by id, labels.json beside them)",
            "files": len(texts),
            "files_by_folder": counts,
            "sha256": digest.hexdigest(),
            "built": datetime.now(UTC).date().isoformat(),
            "builder": "python -m licheck.knowledge.build_index",
        },
        "classes": sum(1 for _, g in groups if len(g) > 1),
        "total_hashes": len(hashes),
        "inverted_entries": len(inv_refs),
        "inverted_slots": INVERTED_SLOTS,
        "references": references,
        "urls": dict(sorted(urls.items())),
        "rescue": rescue,
    }
    return meta, blob, facts


def _rescue(
    groups: list[tuple[frozenset[int], list[Text]]], postings: list[tuple[int, int]]
) -> dict[str, list[int]]:
    """A few n-grams for each license the inverted index can no longer propose.

    A license whose every phrase is in many others (BSD-2-Clause is inside dozens of BSD
    variants, all the more once the holder's name is replaceable text) keeps almost no
    postings, so no text would ever propose it. Its least common n-grams are listed apart:
    `FingerprintIndex.candidates` proposes it when most of them are present.
    """
    kept = Counter(ref for _, ref in postings)
    frequency = Counter(g for grams, _ in groups for g in grams)
    found: dict[str, list[int]] = {}
    for number, (grams, _) in enumerate(groups):
        if kept[number] >= RESCUE_GRAMS or len(grams) <= kept[number]:
            continue
        rarest = sorted(grams, key=lambda g: (frequency[g], g))[:RESCUE_GRAMS]
        found[str(number)] = sorted(rarest)
    return found


def write(
    meta: dict[str, Any], blob: bytes, facts: list[dict[str, str]], out_dir: Path = DATA_DIR
) -> None:
    """Write the data files identify loads (the facts only when a number differs)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{DATA_NAME}-facts.json").write_text(
        json.dumps(facts, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    (out_dir / f"{DATA_NAME}.json").write_text(
        json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    (out_dir / f"{DATA_NAME}.bin").write_bytes(blob)


def main(argv: list[str] | None = None) -> int:
    """Rebuild src/licheck/knowledge/data/ from the corpus (a maintainer's command)."""
    parser = argparse.ArgumentParser(
        prog="python -m licheck.knowledge.build_index", description=__doc__
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "spdx" / "labels.json").is_file():
        sys.stderr.write(f"no reference corpus at {corpus} (expected spdx/, ai/, wild/)\n")
        return 2
    meta, blob, facts = build(corpus)
    write(meta, blob, facts, args.out)
    sys.stderr.write(
        f"wrote {args.out}: {len(meta['references'])} references "
        f"({meta['provenance']['files']} files, {meta['classes']} shared texts), "
        f"{len(blob) // 1024} KiB\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
