"""Which license is this text, which version, and how does it differ from the original?

A model's LICENSE file is rarely a clean copy: it carries Markdown, reflowed lines, a copyright
header, a version note, a use policy after the license, or two licenses at once. Tools that only
say "MIT" hide the one added clause that makes a model license fail the OSD, so licheck names the
closest known license *and* says what differs, and never gives a confident wrong name.

How it works (no license text ships with licheck, only data derived from it):

- the text is normalised as the SPDX matching guidelines ask (case, whitespace, punctuation,
  bullets and numbering, comment markers, varietal spellings, copyright lines, Markdown markup,
  http/https, words hyphenated across lines, and the replaceable holder's name in BSD- and
  MIT-style clauses), keeping its line count so differences keep their lines;
- its words become hashed word n-grams (`NGRAM` words, `HASH_BITS`-bit hashes);
- a sampled inverted index (built by `python -m licheck.knowledge.build_index` from the
  reference corpus) proposes candidates; each is scored on its full n-gram set (what the
  license explains minus what it misses; an optional appendix such as "How to apply these
  terms" is never missed);
- the best license explains a span of the text; big unexplained blocks beside it are
  identified on their own (a second license, a use policy). Text beside the span that grants,
  forbids, conditions or disclaims nothing (a heading, a preamble, a note between two licenses)
  is not part of the license and is ignored, as is an SPDX license's omitable title block
  ("Apache License, Version 2.0, January 2004", even redated). The rest are differences: added
  or changed text, removed text, and numbers that differ in the same context (a user
  threshold, an AI license's release date, a version) named after the profile parameter they
  change and quoted as written ("2.0", "July 18, 2023").

Statuses say how far to trust the name: "exact" only when nothing but what the guidelines
ignore differs; "modified" names the closest license and what differs, and the text is not
that license; below `MATCH_DICE` the text is "unrecognised" and no license is named.

The data cannot give the texts back: only sorted sets of hashes are stored, cut to
`HASH_BITS` bits so that every guessed next word matches many stored hashes, without order.
"""

from __future__ import annotations

from collections.abc import Sequence

from licheck.knowledge.boilerplate import _in_title_block, _is_title, _normative, _outside_terms
from licheck.knowledge.differences import _describe, _Match, _parameter_change
from licheck.knowledge.index import (
    MATCH_DICE,
    MAX_DEPTH,
    MIN_PART_GRAMS,
    MIN_PART_OF,
    NGRAM,
    PART_OF,
    SHORT_TEXT_TOKENS,
    SIMILARITY_FLOOR,
    SPAN_CLUSTER_GAP,
    SPORADIC,
    FingerprintIndex,
    load_index,
    resolve_reference,
)
from licheck.knowledge.normalise import _URL, _Document, normalise, normalise_url, tokens
from licheck.records import Difference, Identification, MatchStatus

# --- matching ---------------------------------------------------------------------------------


def _measure(
    required: frozenset[int], optional: frozenset[int], region: set[int]
) -> tuple[int, int, float]:
    """(shared n-grams, score, Dice) of a region against a reference.

    The score rewards what the license explains and charges what it misses; optional grams
    (an appendix) are never charged. Dice counts the optional grams only when present.
    """
    inter_opt = len(region & optional) if optional else 0
    return _scores(len(region & required), inter_opt, len(region), len(required))


def _scores(inter_req: int, inter_opt: int, size: int, count: int) -> tuple[int, int, float]:
    """_measure's (shared, score, Dice) from its counts: a region of `size` n-grams holding
    `inter_req` of a reference's `count` required ones and `inter_opt` of its optional ones."""
    inter = inter_req + inter_opt
    missing = count - inter_req
    dice = 2 * inter / (size + count + inter_opt) if size else 0.0
    return inter, inter - missing, dice


def _score_all(index: FingerprintIndex, region: set[int]) -> list[_Match]:
    """Every candidate scored on its full n-gram set, best first.

    The three best estimates and the best by coverage are scored first; the other estimates
    only when none of those is close, since the full sets are most of the cost of a match.
    """
    ranked, extra = index.candidates(region)
    scored: list[_Match] = []
    size = len(region)
    for group in (ranked[:3] + extra, ranked[3:]):
        if scored and max(m.dice for m in scored) >= CLOSE_ENOUGH:
            break
        for ref in group:
            inter, score, dice = _scores(*index.shared(ref, region), size, ref.count)
            if inter:
                scored.append(_Match(index, ref, inter, score, dice))
            if len(scored) >= 2 and any(m.dice == 1.0 for m in scored):
                # The text is exactly one candidate: nothing can score higher (a longer
                # license would miss n-grams, a shorter one leave some unexplained); another
                # one scored is kept as the runner-up.
                break
    scored.sort(key=lambda m: (m.score, m.dice), reverse=True)
    return scored


CLOSE_ENOUGH = 0.97


NEAR_EXACT = 0.02  # share of a license's n-grams that may be missing for it to count as whole


def _best(index: FingerprintIndex, region: set[int]) -> tuple[_Match | None, _Match | None]:
    """The license that best explains a region, and the runner-up.

    The best single explanation can be wrong for a file holding two texts: a longer license
    that resembles both (Llama 3's file holds its license and its use policy) beats Llama 4's
    license followed by Llama 4's policy. So when the winner is not whole, a license that is
    whole in the text is tried as the first of two parts, and the cheaper cover wins (cost:
    n-grams missing from the licenses plus n-grams no license explains).
    """
    scored = _score_all(index, region)
    if not scored:
        return None, None
    best = scored[0]
    missing = best.inter - best.score
    if missing > NEAR_EXACT * best.ref.count:
        cost = len(region) - best.score
        for alt in scored[1:]:
            alt_missing = alt.inter - alt.score
            if alt_missing > NEAR_EXACT * alt.ref.count or alt.inter < MIN_PART_GRAMS:
                continue
            rest = region - alt.full
            alt_cost = alt_missing + len(rest)
            if len(rest) >= MIN_PART_GRAMS:
                others = _score_all(index, rest)
                if others and others[0].score > 0:
                    alt_cost = alt_missing + len(rest) - others[0].score
            if alt_cost < cost:
                best, cost = alt, alt_cost
    if best.dice < MATCH_DICE:
        # No license is close to the whole text, but the text may be a large piece of one.
        pieces = [m for m in scored if m.inter >= max(MIN_PART_OF, PART_OF * len(region))]
        if pieces:
            best = max(pieces, key=lambda m: m.inter)
    runner = next((m for m in scored if m.ref.id != best.ref.id), None)
    return best, runner


def _clusters(flags: Sequence[bool], gap: int) -> list[tuple[int, int, int]]:
    """(start, end, matched count) of runs of matched grams separated by at most `gap` misses."""
    found: list[tuple[int, int, int]] = []
    start = last = -1
    count = 0
    for i, hit in enumerate(flags):
        if not hit:
            continue
        if start < 0 or i - last > gap:
            if start >= 0:
                found.append((start, last + 1, count))
            start, count = i, 0
        last = i
        count += 1
    if start >= 0:
        found.append((start, last + 1, count))
    return found


def _span(grams: Sequence[int], flags: Sequence[bool], size: int) -> tuple[int, int]:
    """The stretch of a region one copy of the license covers (indices into the region).

    Clusters of matched n-grams too small to matter are chance hits ("fitness for a particular
    purpose" is in many licenses) and are ignored. From the largest cluster, a neighbouring one
    is taken in only while it brings n-grams of the license not seen yet: an insertion splits a
    license into clusters that complete each other, whereas a second license (or a second
    copy) sharing some phrases brings little that is new.
    """
    if False not in flags:
        return 0, len(flags)  # the whole region is the license: the common case
    significant = max(4, int(0.02 * size))
    clusters = [c for c in _clusters(flags, SPAN_CLUSTER_GAP) if c[2] >= significant]
    if not clusters:
        clusters = [max(_clusters(flags, SPAN_CLUSTER_GAP), key=lambda c: c[2])]
    core = max(range(len(clusters)), key=lambda i: clusters[i][2])
    first = last = core
    seen = {grams[i] for i in range(clusters[core][0], clusters[core][1]) if flags[i]}
    while True:
        grown = False
        for side in (first - 1, last + 1):
            if side < 0 or side >= len(clusters):
                continue
            start, end, _ = clusters[side]
            new = {grams[i] for i in range(start, end) if flags[i]} - seen
            if len(new) >= max(3, 0.3 * clusters[side][2]):
                seen |= new
                first, last = min(first, side), max(last, side)
                grown = True
        if not grown:
            return _trim(flags, clusters[first][0], clusters[last][1])


def _trim(flags: Sequence[bool], start: int, end: int, window: int = 8) -> tuple[int, int]:
    """Shrink a span until each edge sits in a stretch where most n-grams match.

    A cluster can begin with chance hits in a neighbouring text ("or business interruption"
    is in many licenses); the license proper starts where matches become dense.
    """
    # A few chance matches just past the end (a heading of the next text that echoes this
    # license) are not the license: runs shorter than SPORADIC after a gap are dropped.
    while True:
        run = 0
        while run < end - start and flags[end - 1 - run]:
            run += 1
        if run >= SPORADIC or run == end - start:
            break
        end -= run
        while end > start and not flags[end - 1]:
            end -= 1
    while True:
        run = 0
        while run < end - start and flags[start + run]:
            run += 1
        if run >= SPORADIC or run == end - start:
            break
        start += run
        while start < end and not flags[start]:
            start += 1
    dense = 3 * window  # three matches in four
    while end - start > window and sum(flags[start : start + window]) * 4 < dense:
        start += 1
        while start < end and not flags[start]:
            start += 1
    while end - start > window and sum(flags[end - window : end]) * 4 < dense:
        end -= 1
        while end > start and not flags[end - 1]:
            end -= 1
    return start, end


def _unexplained(flags: Sequence[bool], lo: int) -> list[tuple[int, int]]:
    """Runs of unmatched grams, merged across chance hits shorter than SPORADIC grams."""
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(flags)
    while i < n:
        if flags[i]:
            i += 1
            continue
        j = i
        while j < n and not flags[j]:
            j += 1
        runs.append((i, j))
        i = j
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < SPORADIC and end - start >= 2:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(lo + s, lo + e) for s, e in merged]


def identify(
    text: str, *, path: str | None = None, index: FingerprintIndex | None = None
) -> Identification:
    """Identify a license text: known license, version, similarity, and what differs.

    `index` is the run's fingerprint index (knowledge.bundle.Knowledge holds it); without one,
    the shipped index is loaded for this call alone, with a fresh catalog to name references.
    `path` is accepted for the caller's convenience; the answer depends on the text alone.
    """
    del path
    if index is None:
        from licheck.knowledge.catalog import Catalog

        index = load_index(catalog=Catalog())
    return identify_with(index, text)


# Words that make a short text a license term (a grant or a restriction) rather than a pointer
# or a note: such a text goes to the clause engine as "unrecognised", never "no-license".
TERMS_WORDS = frozenset(
    {"permission", "permitted", "permit", "permits", "grant", "granted", "grants", "licensed",
     "licensee", "licensor", "may", "must", "shall", "prohibited", "forbidden", "redistribute",
     "redistribution", "distribute", "distribution", "modify", "modification", "sublicense",
     "commercial", "noncommercial", "royalty", "warranty"}
)  # fmt: skip


def identify_with(index: FingerprintIndex, text: str) -> Identification:
    """`identify` against a given fingerprint index (tests build one from fixture texts)."""
    doc = _Document(text)
    if not doc.grams:
        return Identification("no-license", None, None, 0.0)
    short = len(doc.words) < SHORT_TEXT_TOKENS
    if short:
        pointer = _pointer(index, doc)
        if pointer is not None:
            return pointer
    result = _identify_region(index, doc, 0, len(doc.grams), depth=0)
    if result.status == "unrecognised" and short and not TERMS_WORDS.intersection(doc.words):
        # A few words that match nothing and grant or forbid nothing: a pointer ("see LICENSE
        # at ...") or a usage note. Naming a license here would be a confident wrong name.
        urls = _URL.findall(text)
        return Identification(
            "no-license",
            None,
            None,
            result.similarity,
            result.runner_up,
            pointer=urls[0].rstrip(".,;:)>]") if urls else None,
            line=result.line,
            end_line=result.end_line,
            spans=result.spans,
        )
    return result


def _pointer(index: FingerprintIndex, doc: _Document) -> Identification | None:
    """A short file that only points to a known license URL names that license.

    The result carries `pointer`: the file holds no text of its own, it refers to the license
    published at that address (the LICENSE of Code Llama points to Llama 2's, for example).
    """
    for url in _URL.findall(doc.text):
        ref_index = index.urls.get(normalise_url(url))
        if ref_index is None:
            continue
        ref = index.reference(ref_index)
        license_id, name = resolve_reference(index, ref)
        last = len(doc.lines)
        if _normative(tokens(normalise(_URL.sub(" ", doc.text)))):
            # "See LICENSE at ...; you may not use it commercially": the words beside the
            # address may add a restriction (OSD 6), so the file is not the license as published.
            excerpt = doc.excerpt(1, last)
            return Identification(
                "modified",
                license_id,
                f"{name} (modified)",
                1.0,
                differences=(
                    Difference("added", f"text beside the pointer: {excerpt}", 1, last, excerpt),
                ),
                equivalent=ref.members,
                pointer=url.rstrip(".,;:)>]"),
                line=1,
                end_line=last,
                spans=(doc.span(1, last),),
            )
        return Identification(
            "exact",
            license_id,
            name,
            1.0,
            equivalent=ref.members,
            pointer=url.rstrip(".,;:)>]"),
            line=1,
            end_line=last,
        )
    return None


def _identify_region(
    index: FingerprintIndex, doc: _Document, lo: int, hi: int, depth: int
) -> Identification:
    """Identify the n-grams lo..hi-1 of a document: one license, or several parts."""
    grams = doc.grams[lo:hi]
    region = set(grams)
    best, runner = _best(index, region)
    first_line, last_line = doc.gram_lines(lo, hi)
    if best is None:
        return Identification(
            "unrecognised",
            None,
            None,
            0.0,
            line=first_line,
            end_line=last_line,
            spans=(doc.span(first_line, last_line),),
        )
    if best.inter == len(region):
        flags = [True] * len(grams)  # every n-gram is the license's: no need to look them up
    else:
        flags = list(map(best.full.__contains__, grams))
    s_lo, s_hi = _span(grams, flags, best.ref.count)
    whole = s_lo == 0 and s_hi == len(grams)
    span_set = region if whole else set(grams[s_lo:s_hi])
    # The whole region is what best was scored on: its Dice is known, and the license's own
    # n-gram sets are not needed (an exact copy, the common case, never builds them).
    dice = best.dice if whole else _measure(best.required, best.optional, span_set)[2]
    if dice < best.dice:
        # The license is the whole region (one whose sections repeat the same phrases, such
        # as Net-SNMP's, splits into clusters that each look like a copy).
        s_lo, s_hi, dice, span_set = 0, len(grams), best.dice, region
    runner_up = None
    if runner is not None:
        runner_up = (resolve_reference(index, runner.ref)[0], round(runner.dice, 4))
    if dice < MATCH_DICE and not _part_of(best, span_set):
        return Identification(
            "unrecognised",
            None,
            None,
            round(max(dice, best.dice), 4),
            (resolve_reference(index, best.ref)[0], round(max(dice, best.dice), 4)),
            line=first_line,
            end_line=last_line,
            spans=(doc.span(first_line, last_line),),
        )
    span_lo, span_hi = lo + s_lo, lo + s_hi
    # Text beside the license (before or after its span): another license, a use policy, a
    # header or a note. Big blocks are identified on their own; small ones are differences.
    parts: list[tuple[int, Identification]] = []
    added: list[tuple[int, int]] = []
    # The n-grams beside the span share no word with it (an n-gram overlaps NGRAM-1 words).
    for start, end in ((lo, span_lo - NGRAM + 1), (span_hi + NGRAM - 1, hi)):
        words_end = min(end + NGRAM - 1, len(doc.words))
        if end <= start or _is_title(doc, best.ref, start, words_end):
            continue
        if end - start >= MIN_PART_GRAMS and depth < MAX_DEPTH:
            sub = _identify_region(index, doc, start, end, depth + 1)
            if sub.license_id is not None:
                parts.append((start, sub))
                continue
            if end - start >= 2 * MIN_PART_GRAMS:
                # A long unknown text beside the license (a use policy licheck does not know):
                # a part of its own for the clause engine, not a change to this license, unless
                # it is positively no terms at all (headings, names, links, notices).
                if not _outside_terms(doc, best.ref, start, words_end):
                    parts.append((start, sub))
                continue
        if start < span_lo and _in_title_block(
            doc, best.ref, doc.token_line(start), doc.token_line(words_end - 1)
        ):
            continue  # the license's own title, its version line changed: omitable
        # Text beside a license is dropped only when it is positively recognised as no terms
        # (the license's title, a heading, a name, a link, an identifier line); anything else
        # may restrict, in any language and without any keyword, so it is an addition the
        # clause engine reads.
        if (
            not _outside_terms(doc, best.ref, start, words_end)
            or _parameter_change(doc, best, start, words_end) is not None
        ):
            added.append((start, end))
    # Text inside the span that the license does not contain: changes and insertions, except
    # in an SPDX license's title block (omitable: a changed date there changes no term).
    inside = flags[s_lo:s_hi]
    if False in inside:
        title_top = doc.token_line(span_lo)
        for start, end in _unexplained(inside, span_lo):
            last = doc.token_line(min(end + NGRAM - 2, len(doc.words) - 1))
            if not _in_title_block(doc, best.ref, title_top, last):
                added.append((start, end))
    # The similarity shown is that of the license's own text, added words included.
    similarity = dice
    if added:
        own = set(span_set)
        for start, end in added:
            own.update(doc.grams[start:end])
        similarity = _measure(best.required, best.optional, own)[2]
    if similarity < SIMILARITY_FLOOR and not _part_of(best, span_set):
        # So much of the text is not this license that naming it would be a confident wrong
        # name: the clause engine judges the whole text on its own instead.
        return Identification(
            "unrecognised",
            None,
            None,
            round(similarity, 4),
            (resolve_reference(index, best.ref)[0], round(similarity, 4)),
            line=first_line,
            end_line=last_line,
            spans=(doc.span(first_line, last_line),),
        )
    # The license's n-grams the span lacks: known from best's score when it is the region.
    missing = best.inter - best.score if span_set is region else len(best.required - span_set)
    main = _describe(doc, best, missing, span_lo, span_hi, _merge(added), runner_up, similarity)
    if not parts:
        return main
    ordered = sorted([(span_lo, main), *parts], key=lambda p: p[0])
    flat: list[Identification] = []
    for _, item in ordered:
        flat.extend(item.parts or (item,))
    return _combine(flat)


def _part_of(best: _Match, region: set[int]) -> bool:
    """Is the region a large piece of the license (one language of a bilingual text)?

    Dice is low for half of a license, yet every n-gram of it comes from that license: it is
    the license with a part missing, which `_describe` reports.
    """
    inter = len(region & best.full)
    return inter >= MIN_PART_OF and inter >= PART_OF * len(region)


def _combine(parts: list[Identification]) -> Identification:
    """One Identification for a file of several parts: ids joined with AND, worst status."""
    known = [p for p in parts if p.license_id]
    ids: list[str] = []
    names: list[str] = []
    for p in known:
        if p.license_id and p.license_id not in ids:
            ids.append(p.license_id)
            names.append(p.name or p.license_id)
    statuses = {p.status for p in parts}
    status: MatchStatus = "exact" if statuses == {"exact"} else "modified"
    differences = tuple(
        Difference(
            "added",
            f"lines {p.line}-{p.end_line} hold text that is not a license licheck knows",
            p.line,
            p.end_line,
        )
        for p in parts
        if p.license_id is None
    )
    similarity = min(p.similarity for p in known) if known else 0.0
    return Identification(
        status,
        " AND ".join(ids) if ids else None,
        " AND ".join(names) or None,
        similarity,
        None,
        differences,
        tuple(parts),
        line=min(p.line or 1 for p in parts),
        end_line=max(p.end_line or 1 for p in parts),
    )


def _merge(blocks: list[tuple[int, int]], gap: int = 6) -> list[tuple[int, int]]:
    """Blocks a few matching n-grams apart are one change for a reader ("changed on line 3")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(blocks):
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
