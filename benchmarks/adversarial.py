"""Does licheck pass only on positive evidence? Measured on disguised and restricted corpus texts.

licheck's central promise is that what it could not read is `unknown`, never a pass. This
benchmark tries to make it read less than is there: every corpus text (spdx/, ai/, wild/) is
judged as written and in disguise (invisible characters inside words, Cyrillic look-alikes,
words hyphenated across lines), and every open one again with one restriction added (OSD 5/6) in
another language or hidden in Markdown structure (benchmarks/variants.py makes the variants).

A not-open text stays not open in disguise, and an open text with a restriction is not open: for
all of those, licheck must never say `open`/`osi-approved` nor pass under either policy (the
default, OSI-approved only, and `--require osd`); `unknown` is an honest answer and counted
apart from `not-open`. Every evidence quote must come from the text being judged.

It measures, it does not assert: exit 0 even when a target is missed, the table says so.

    PYTHONPATH=src python benchmarks/adversarial.py [--limit N] [--variants a,b] [--jobs N]
        [--seed N] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from variants import DISGUISES, LATIN_OF, RESTRICTIONS, VARIANTS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = date(2026, 12, 1)
OPEN_VERDICTS = ("open", "osi-approved")
# Restrictions in a language licheck has no rules for (yet): the honest answer is "unknown".
UNREADABLE = ("restrict-de", "restrict-fr", "restrict-ja")
CHINESE = ("restrict-zh",)


# --- the one place that knows licheck's API (the package is being reorganised) ---------------


@dataclass(frozen=True)
class Judged:
    """What licheck said about one LICENSE file, as plain picklable fields."""

    passed: bool  # the default policy (OSI-approved only) accepted it
    passed_osd: bool  # `--require osd` accepted it
    licenses: tuple[tuple[str, str, str], ...]  # (id or declared, verdict, match) per license
    quotes: tuple[tuple[str, int | None, str], ...]  # (evidence, line, criterion/source)


def judge(path: Path) -> Judged:
    """Judge `path` under both policies; the only function that imports licheck."""
    from licheck.check import run_check

    default = run_check([path], today=TODAY).subjects[0]
    osd = run_check([path], require="osd", today=TODAY).subjects[0]
    quotes: dict[tuple[str, int | None, str], None] = {}
    for subject in (default, osd):
        for lic in subject.licenses:
            for criterion in lic.criteria:
                for finding in criterion.findings:
                    if finding.evidence:
                        where = f"{criterion.id}/{finding.source}"
                        quotes[(finding.evidence, finding.line, where)] = None
    return Judged(
        passed=default.passed,
        passed_osd=osd.passed,
        licenses=tuple(
            (lic.id or "(no id)", lic.verdict, lic.match or "-") for lic in default.licenses
        ),
        quotes=tuple(quotes),
    )


# --- evidence quotes: does each occur in the judged text? -------------------------------------


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def fold(text: str, join_breaks_with: str | None = "") -> str:
    """The text as licheck should read it: NFKC, no format characters (zero-width, soft hyphen),
    the Cyrillic look-alikes we inserted mapped back, typographic quotes as ASCII, "-\\n" breaks
    joined (unless `join_breaks_with` is None), case-folded, words only."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(LATIN_OF.get(ch, ch) for ch in text if unicodedata.category(ch) != "Cf")
    # Typographic quotes as ASCII: a profile quoting "Meta's" for "Meta\u2019s" quotes the text.
    text = text.translate(_QUOTES)
    if join_breaks_with is not None:
        text = re.sub(r"-[ \t]*\r?\n[ \t]*", join_breaks_with, text)
    # Only the words count, as licheck reads them: Markdown and HTML marks, punctuation and white
    # space are folded away ("[here](url)" is quoted as "here (url)"; a CJK quote keeps no
    # spaces of its own).
    return re.sub(r"[\W_]+", "", text.casefold())


def quote_found(quote: str, folded_texts: Iterable[str]) -> bool:
    """True when the quote (ellipses at either end dropped; one inside splits it into parts that
    must each occur) is in one of the folded texts."""
    parts = [fold(p) for p in quote.replace("\u2026", "...").split("...")]
    parts = [p for p in parts if p]
    if not parts:
        return True
    return any(all(p in folded for p in parts) for folded in folded_texts)


# --- the corpus and its labels -----------------------------------------------------------------


Task = tuple[str, str, str, tuple[str, ...], int]  # folder, file, class, variant names, seed
# folder, file, class, variant, verdict, licenses, passed, passed osd, quotes, quotes without a
# line, offending quotes (line, where, quote), error
Outcome = tuple[
    str,
    str,
    str,
    str,
    str,
    str,
    bool,
    bool,
    int,
    int,
    tuple[tuple[int | None, str, str], ...],
    str | None,
]


def _json(path: Path) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def corpus_texts(corpus: Path, limit: int | None) -> list[tuple[str, str, str]]:
    """(folder, file name, class) for every text; class is "open", "not-open" or "other"
    (unlabelled, or arguable: null labels are kept off the open side)."""
    texts: list[tuple[str, str, str]] = []
    spdx = _json(corpus / "spdx" / "labels.json")
    not_open = {
        line.split()[0]
        for line in (corpus / "spdx" / "not-open.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    found = sorted(p.name for p in (corpus / "spdx").glob("*.txt") if p.name != "not-open.txt")
    for name in found[:limit]:
        stem = name.removesuffix(".txt")
        if stem in not_open:
            cls = "not-open"
        elif spdx.get(stem, {}).get("isOsiApproved"):
            cls = "open"
        else:
            cls = "other"
        texts.append(("spdx", name, cls))
    for folder, key, suffix in (("ai", "osd_open", ".txt"), ("wild", "osi_open", "")):
        labels = _json(corpus / folder / "labels.json")
        for label_key in sorted(labels)[:limit]:
            name = label_key + suffix
            if not (corpus / folder / name).is_file():
                continue
            value = labels[label_key].get(key)
            cls = "not-open" if value is False else "open" if value is True else "other"
            texts.append((folder, name, cls))
    return texts


def expects_not_open(cls: str, variant: str) -> bool:
    """A not-open text in any disguise, or an open text with a restriction, is not open."""
    return (cls == "not-open" and variant in DISGUISES) or (
        cls == "open" and variant in RESTRICTIONS
    )


# --- the worker --------------------------------------------------------------------------------


def text_seed(seed: int, folder: str, name: str, variant: str) -> int:
    """A seed per (text, variant), stable across runs and processes (crc32, not hash())."""
    return zlib.crc32(f"{seed}:{folder}/{name}:{variant}".encode())


def run_task(task: Task, corpus: Path) -> list[Outcome]:
    """Judge each variant of one text; errors come back as values, never raised."""
    folder, name, cls, variant_names, seed = task
    text = (corpus / folder / name).read_text(encoding="utf-8", errors="replace")
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="licheck-adv-") as tmp:
        for variant in variant_names:
            if variant in RESTRICTIONS and cls != "open":
                continue
            try:
                judged_text = VARIANTS[variant](text, text_seed(seed, folder, name, variant))
                path = Path(tmp) / variant / "LICENSE"
                path.parent.mkdir()
                path.write_text(judged_text, encoding="utf-8")
                judged = judge(path)
            except Exception as error:  # a crash is a finding, not the end of the run
                outcomes.append(
                    (folder, name, cls, variant, "error", "", False, False, 0, 0, (), repr(error))
                )
                continue
            # A quote may join a "-\n" break, keep its hyphen, or keep it as "- ": all are honest.
            folded = (fold(judged_text, ""), fold(judged_text, "-"), fold(judged_text, None))
            bad = tuple(
                (line, where, quote)
                for quote, line, where in judged.quotes
                if not quote_found(quote, folded)
            )
            outcomes.append(
                (
                    folder,
                    name,
                    cls,
                    variant,
                    _worst(judged.licenses),
                    " + ".join(f"{i} {v}/{m}" for i, v, m in judged.licenses) or "no license",
                    judged.passed,
                    judged.passed_osd,
                    len(judged.quotes),
                    sum(1 for _, line, _ in judged.quotes if line is None),
                    bad,
                    None,
                )
            )
    return outcomes


def _worst(licenses: tuple[tuple[str, str, str], ...]) -> str:
    """The subject's verdict: its weakest license (no license at all is unknown)."""
    order = ("not-open", "unknown", "open", "osi-approved")
    verdicts = [v for _, v, _ in licenses]
    if not verdicts:
        return "unknown"
    return min(verdicts, key=lambda v: order.index(v) if v in order else 0)


class _Worker:
    """A picklable callable carrying the corpus path (no globals in the workers)."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus

    def __call__(self, task: Task) -> list[Outcome]:
        return run_task(task, self.corpus)


def run_all(tasks: list[Task], corpus: Path, jobs: int) -> Iterator[Outcome]:
    """Every outcome, over `jobs` processes (1: in this process)."""
    worker = _Worker(corpus)
    if jobs <= 1:
        for task in tasks:
            yield from worker(task)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for outcomes in pool.map(worker, tasks, chunksize=4):
            yield from outcomes


# --- the report --------------------------------------------------------------------------------


def _escape(text: str, limit: int = 100) -> str:
    """A quote made safe and visible: control, format and look-alike characters as \\uXXXX."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    out = []
    for ch in text:
        if ch in LATIN_OF or not ch.isprintable() or unicodedata.category(ch) == "Cf":
            out.append(f"\\u{ord(ch):04x}")
        elif ch in "|`\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _pct(good: int, total: int) -> str:
    return f"{good}/{total} ({100 * good / total:.1f} %)" if total else "0/0"


def _what(o: Outcome) -> str:
    passes = [p for p, flag in (("passed default", o[6]), ("passed --require osd", o[7])) if flag]
    return f"verdict {o[4]} ({o[5]})" + (", " + ", ".join(passes) if passes else "")


def render(outcomes: list[Outcome], names: list[str], wall: float, jobs: int) -> str:
    """The Markdown tables and every miss."""
    lines: list[str] = []
    targeted = [o for o in outcomes if expects_not_open(o[2], o[3])]
    false_pass = [o for o in targeted if o[4] in OPEN_VERDICTS or o[6] or o[7]]
    quotes = sum(o[8] for o in outcomes)
    no_line = sum(o[9] for o in outcomes)
    bad_quotes = [(o, b) for o in outcomes for b in o[10]]
    errors = [o for o in outcomes if o[11] is not None]

    def not_passed(variants: tuple[str, ...]) -> tuple[int, int, list[Outcome]]:
        chosen = [o for o in outcomes if o[2] == "open" and o[3] in variants]
        missed = [o for o in chosen if o[4] in OPEN_VERDICTS or o[6] or o[7]]
        return len(chosen) - len(missed), len(chosen), missed

    unreadable_ok, unreadable_n, _ = not_passed(UNREADABLE)
    zh_ok, zh_n, _ = not_passed(CHINESE)
    originals = [o for o in outcomes if o[2] == "open" and o[3] == "original"]
    regressed = [o for o in originals if o[4] not in OPEN_VERDICTS]

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    lines += [
        "| measure | result | target | met |",
        "|---|---|---|---|",
        f"| non-open text (or open text + restriction) judged open/osi-approved or passing"
        f" (default or --require osd), any variant | {len(false_pass)} of {len(targeted)}"
        f" judgments | 0 | {met(not false_pass)} |",
        f"| evidence quotes not in the judged text (corpus + variants) | {len(bad_quotes)} of"
        f" {quotes} quotes | 0 | {met(not bad_quotes)} |",
        f"| evidence quotes with no line | {no_line} of {quotes} | — | — |",
        f"| open text + restriction in de/fr/ja → not passed | {_pct(unreadable_ok, unreadable_n)}"
        f" | 100 % | {met(unreadable_ok == unreadable_n)} |",
        f"| open text + restriction in zh → not passed | {_pct(zh_ok, zh_n)} | 100 % once"
        f" Chinese rules exist | {met(zh_ok == zh_n)} |",
        f"| original texts: open ones still open/osi-approved | "
        f"{_pct(len(originals) - len(regressed), len(originals))} | report the figure | — |",
        f"| judgments that crashed | {len(errors)} | 0 | {met(not errors)} |",
        "",
        "Per variant, over the texts that variant makes not open (not-open texts as written and"
        " in disguise; open texts with a restriction). `unknown` is an honest answer;"
        " `judged open` is a false pass.",
        "",
        "| variant | texts | judged open (false pass) | unknown | not-open | passed-default"
        " | passed-osd |",
        "|---|---|---|---|---|---|---|",
    ]
    for variant in names:
        rows = [o for o in targeted if o[3] == variant]
        verdicts = Counter(o[4] for o in rows)
        lines.append(
            f"| {variant} | {len(rows)} | {sum(verdicts[v] for v in OPEN_VERDICTS)} |"
            f" {verdicts['unknown']} | {verdicts['not-open']} | {sum(o[6] for o in rows)} |"
            f" {sum(o[7] for o in rows)} |"
        )
    lines += [
        "",
        "Open texts in disguise (the terms unchanged: these should stay open; a drop is a lost"
        " pass, not a false one).",
        "",
        "| variant | open texts | still open/osi-approved | unknown | not-open | passed-default |",
        "|---|---|---|---|---|---|",
    ]
    for variant in names:
        if variant not in DISGUISES:
            continue
        rows = [o for o in outcomes if o[2] == "open" and o[3] == variant]
        verdicts = Counter(o[4] for o in rows)
        lines.append(
            f"| {variant} | {len(rows)} | {sum(verdicts[v] for v in OPEN_VERDICTS)} |"
            f" {verdicts['unknown']} | {verdicts['not-open']} | {sum(o[6] for o in rows)} |"
        )
    texts = len({(o[0], o[1]) for o in outcomes})
    lines += [
        "",
        f"{len(outcomes)} judgments (each under both policies) of {texts} texts;"
        f" wall time {wall:.1f} s on {jobs} process{'es' if jobs != 1 else ''}.",
        "",
        f"**False passes** ({len(false_pass)}):",
        "",
    ]
    lines += [f"- {o[0]}/{o[1]}, {o[3]}: {_what(o)}" for o in false_pass] or ["- none"]
    lines += ["", f"**Evidence quotes not in the judged text** ({len(bad_quotes)}; first 20):", ""]
    lines += [
        f'- {o[0]}/{o[1]}, {o[3]}, line {line}, {where}: "{_escape(quote)}"'
        for o, (line, where, quote) in bad_quotes[:20]
    ] or ["- none"]
    lines += ["", f"**Open originals not open** ({len(regressed)}):", ""]
    lines += [f"- {o[0]}/{o[1]}: {_what(o)}" for o in regressed] or ["- none"]
    if errors:
        lines += ["", f"**Crashes** ({len(errors)}):", ""]
        lines += [f"- {o[0]}/{o[1]}, {o[3]}: {_escape(o[11] or '', 300)}" for o in errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate the variants, judge them, print the tables."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="texts per folder")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help=f"comma-separated, of: {', '.join(VARIANTS)}"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        parser.error(f"unknown variant(s) {', '.join(unknown) or '(none given)'}")
    corpus: Path = args.corpus
    if not corpus.is_dir():
        sys.stdout.write(f"corpus not found at {corpus}: nothing measured\n")
        return 0
    tasks: list[Task] = [
        (folder, name, cls, tuple(names), args.seed)
        for folder, name, cls in corpus_texts(corpus, args.limit)
    ]
    start = time.perf_counter()
    outcomes = list(run_all(tasks, corpus, args.jobs))
    wall = time.perf_counter() - start
    order = {n: i for i, n in enumerate(names)}
    outcomes.sort(key=lambda o: (o[0], o[1], order[o[3]]))
    sys.stdout.write(render(outcomes, names, wall, args.jobs) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
