"""The worker of `licheck scan`: a chunk of units read, judged and kept, in a pool process.

Split from scan.py, which finds the units and runs the two passes: this module is what one
process does with a chunk. The first pass (`ScanWorker.collect`) reads each unit once and
judges it against no index of the run yet, and keeps the chunk in the spool (licheck/spool.py)
with its models as bases; the second (`ScanWorker.__call__`) releases a spooled chunk against
the run's index, judging again only the units whose chains look up a model of it, or reads and
judges a chunk the spool did not take. Picklable, errors returned as values, no module globals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from licheck.engine.readers import ReadersOnFirstUse
from licheck.engine.report import Tally, tally, unreadable
from licheck.errors import LicheckError
from licheck.inputs import shown_path
from licheck.inputs.registry import LOOSE_UNIT_FORMATS, InputOptions
from licheck.inputs.tree import CANDIDATE_SUFFIXES, Unit
from licheck.knowledge.bundle import Knowledge
from licheck.pool import TimeBoundError, bounded_section, within
from licheck.records import ModelRecord, SubjectReport
from licheck.spool import SpooledChunk, SpoolError, SpoolReader, SpoolWriter

if TYPE_CHECKING:
    from licheck.engine.judgment import RunPlace, SameRunModel
    from licheck.records import Policy

# One unit's models as bases: (their same-run keys, what they declare), and each one's bases.
UnitBases = list[tuple[tuple[str, ...], "SameRunModel"]]
# A unit's models as read, each with where it stands in the run (judged without a second read).
Spooled = list[tuple[ModelRecord, "RunPlace"]]
# A unit as the first pass read it: the unit as the second pass would take it (None: no model),
# its models as bases, and the records read with their places (None: not read, or not a model).
_Read = tuple["Unit | None", UnitBases, "Spooled | None"]
# Each unit's results as the first pass judged them, with the keys its walk looked up first.
Judged = list[tuple[tuple[str, ...], list["UnitResult"]]]
# The sections of a chunk file in the spool (licheck/spool.py): its models as bases; each unit's
# results; each unit with its records (kept only for a unit that looked a base up).
FACTS, JUDGED, UNITS = 0, 1, 2


def _loose_unit(path: Path) -> tuple[str, bytes | None] | None:
    """The input format of a file outside a model folder that describes a model on its own (a
    card, an SBOM), with the file's bytes when its head was all of it; else None. The caller
    reads the file with that reader, not sniffing again, and from those bytes, not opening it
    again (a card is a few hundred bytes: a second open and its checks cost more than YAML).

    A file that cannot be read raises (the caller reports it unreadable): what licheck did not
    read is never passed over as "not a model".
    """
    from licheck.inputs.detect import HEAD_BYTES, detect_format
    from licheck.inputs.guarded import read_regular

    if not path.name.lower().endswith(CANDIDATE_SUFFIXES):
        return None
    from licheck.inputs.weights import is_later_part

    if is_later_part(path.name):
        return None  # a part of a split model: its first part is the unit
    head = read_regular(path, limit=HEAD_BYTES, shown=shown_path(path), head=True)
    try:
        kind = detect_format(path, head)
    except LicheckError:
        return None
    # Fewer bytes than asked for: the read met the end of the file (guarded.read_regular).
    whole = head if len(head) < HEAD_BYTES else None
    if kind == "hf-card":
        from licheck.inputs.detect import has_front_matter

        return (kind, whole) if has_front_matter(head.decode("utf-8", errors="replace")) else None
    return (kind, whole) if kind in LOOSE_UNIT_FORMATS else None


class ScanLine(msgspec.Struct, frozen=True):
    """A subject already rendered as a JSON line by the worker, with its tally."""

    line: str
    tally: Tally


UnitResult = SubjectReport | ScanLine


class ChunkOutcome(msgspec.Struct, frozen=True):
    """What the first pass makes of a chunk, as the main process holds it until the run's
    index is complete: the chunk's file in the spool (`spooled`), or, when the spool refused
    it, its units and their models as bases, which the second pass reads and judges again.
    `named` is every key the chunk's chains look up: the index keeps the models found under
    one of them, and no other (a model no chain names is no one's base)."""

    spooled: SpooledChunk | None
    named: frozenset[str] = frozenset()
    units: list[Unit] = msgspec.field(default_factory=list)
    facts: UnitBases = msgspec.field(default_factory=list)


class ScanWorker(ReadersOnFirstUse):
    """Checks chunks of units: picklable, errors returned as values, no module globals.

    Sent to each worker process (or used in this one). Its knowledge (catalog, fingerprints,
    the text readers' memory) is built on first use where it runs and kept with the object,
    never pickled. Each unit is judged within its time bound (`pool.within`).
    """

    def __init__(
        self,
        policy: Policy,
        today: date,
        options: InputOptions,
        timeout: float,
        *,
        lines_kb_version: str | None = None,
        spool: SpoolWriter | None = None,
    ) -> None:
        self.policy = policy
        self.today = today
        self.options = options
        self.timeout = timeout
        # Where the first pass keeps each chunk until the run's index is complete (spool.py).
        self.spool = spool
        self._spooled = SpoolReader()
        # When set, the worker renders each subject as a JSON line itself (in parallel) and
        # sends only the line and its tally: the main process just writes, memory stays flat.
        self.lines_kb_version = lines_kb_version
        # The run's index of bases (the models some chain names), for the second pass.
        self.bases: dict[str, SameRunModel] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_spooled"] = SpoolReader()  # the last spool file read stays where it was read
        return state

    def collect(self, units: list[Unit]) -> ChunkOutcome:
        """The first pass over a chunk: read each unit once, judge it against no index of the
        run yet, and keep the chunk in the spool with its models as bases.

        A loose file found to be no model is left out; anything that could not be read is
        judged as the second pass would judge it (an unreadable subject). When the spool has
        no room, the chunk comes back as its units, to be read and judged again.
        """
        knowledge, _ = self._ready()
        with bounded_section():
            if self.spool is None:
                return self._in_memory(self._read_units(units, knowledge))
            if self.spool.full:
                return self._light(self._read_units(units, knowledge), self.spool)
            read, judged = self._judge_units(units, knowledge)
        facts = [fact for _, unit_facts, _ in read for fact in unit_facts]
        kept = [(unit, records) for unit, _, records in read if unit is not None]
        path = self.spool.write([facts, judged, kept])
        if path is None:
            return self._light(read, self.spool)
        named = {key for lookups, _ in judged for key in lookups} | _fact_keys(facts)
        return ChunkOutcome(SpooledChunk(path, len(kept)), frozenset(named))

    def _judge_units(self, units: list[Unit], knowledge: Knowledge) -> tuple[list[_Read], Judged]:
        """Each unit read and judged against no index, within one time bound: as read (its
        records kept only when its walk looked a base up), and its results with its lookups."""
        from licheck.engine.judgment import same_run_model
        from licheck.records import replace

        resolved: dict[str, Path] = {}
        read: list[_Read] = []
        judged: Judged = []
        for given in units:
            lookups: list[str] = []
            if given.kind in ("cache-repo", "unreadable"):
                # A cache repo's facts come from its folder as a model, its verdict from the
                # cache's reading of it (a repo with no card is still a model): both, as before.
                ((unit, facts, _),) = self._read_units([given], knowledge, resolved)
                subjects = self.check_unit(given, None, lookups, {})
                records = None
            else:
                seen: list[Spooled] = []
                subjects = self.check_unit(given, None, lookups, {}, (seen, resolved))
                if given.kind == "candidate" and not seen and not subjects:
                    read.append((None, [], None))  # a loose file that is no model
                    continue
                records = seen[0] if seen else None
                unit = replace(given, kind="model") if seen and given.kind != "model" else given
                facts = []
                if records is not None and not unit.dataset:
                    facts = [(place.keys, same_run_model(r, place)) for r, place in records]
            lookups = list(dict.fromkeys(lookups))
            read.append((unit, facts, records if lookups else None))
            judged.append((tuple(lookups), self._form(subjects)))
        return read, judged

    def _light(self, read: list[_Read], spool: SpoolWriter) -> ChunkOutcome:
        """A chunk kept without results (the spool's budget for them is spent): its models as
        bases and its units, judged in the second pass from a fresh read; in memory when the
        spool takes nothing more."""
        outcome = self._in_memory(read)
        path = spool.write(
            [outcome.facts, None, [(unit, None) for unit in outcome.units]], light=True
        )
        if path is None:
            return outcome
        return ChunkOutcome(SpooledChunk(path, len(outcome.units), light=True), outcome.named)

    def _in_memory(self, read: list[_Read]) -> ChunkOutcome:
        """A chunk the spool did not take: its units, to be judged in the second pass."""
        facts = [fact for _, unit_facts, _ in read for fact in unit_facts]
        units = [unit for unit, _, _ in read if unit is not None]
        # Every base its models name, as the walk would look it up (the walk may look up more:
        # the index then holds those of its models that are bases of some chunk's).
        named = _fact_keys(facts)
        return ChunkOutcome(None, frozenset(named), units, facts)

    def _read_units(
        self, units: list[Unit], knowledge: Knowledge, resolved: dict[str, Path] | None = None
    ) -> list[_Read]:
        """Each unit read once: its models as bases, and the records read (see _Read).

        `resolved` holds each folder's real path, asked of the filesystem once for the chunk
        (loose cards share a folder), and forgotten with it."""
        from licheck.engine.judgment import run_place, same_run_model
        from licheck.inputs import load_path
        from licheck.records import replace

        resolved = {} if resolved is None else resolved
        found: list[_Read] = []
        for given in units:
            if given.kind == "unreadable":
                found.append((given, [], None))
                continue
            unit = given
            try:
                kind = content = None  # a model folder's: load_path detects it
                if given.kind == "candidate":
                    loose = within(self.timeout, partial(_loose_unit, given.path))
                    if loose is None:
                        found.append((None, [], None))
                        continue
                    kind, content = loose
                    unit = replace(given, kind="model")
                catalog, path = knowledge.catalog, unit.path
                read = partial(load_path, path, self.options, catalog, kind=kind, content=content)
                records = within(self.timeout, read)
            except (LicheckError, OSError, ValueError, TimeBoundError):
                # Passed on as it was: judging reads it again, within its own bound, and
                # reports what stopped it.
                found.append((unit, [], None))
                continue
            places = [run_place(r, resolved) for r in records]
            # What judging would read again: kept as read, before any renaming.
            kept = list(zip(records, places, strict=True)) if unit.kind == "model" else None
            if unit.dataset:
                # A dataset is judged, never inherited from: it is no model's base.
                found.append((unit, [], kept))
                continue
            if unit.repo_id:
                # Renamed, the models stand under other keys.
                records = [replace(r, name=unit.repo_id) for r in records]
                places = [run_place(r, resolved) for r in records]
            facts = [(p.keys, same_run_model(r, p)) for r, p in zip(records, places, strict=True)]
            found.append((unit, facts, kept))
        return found

    def __call__(
        self, units: list[Unit] | SpooledChunk, known_bases: dict[str, SameRunModel] | None = None
    ) -> list[UnitResult]:
        """The second pass over a chunk, in order; what cannot be read is an unreadable subject.

        A spooled chunk gives its first-pass results, each unit whose chains look up a model of
        the index judged again; a list of units is read and judged. `known_bases` is the run's
        index (by default the one the worker carries).
        """
        known = self.bases if known_bases is None else known_bases
        if isinstance(units, SpooledChunk):
            return self.release(units, known)
        results: list[SubjectReport] = []
        with bounded_section():
            for unit in units:
                results.extend(self.check_unit(unit, known=known))
        return self._form(results)

    def release(self, chunk: SpooledChunk, known: Mapping[str, SameRunModel]) -> list[UnitResult]:
        """A spooled chunk's results against the run's index `known`: a unit none of whose
        first lookups is in the index keeps the results judged without it (the walk reaches
        no further than what it finds: engine.judgment.first_lookups); the others are judged
        again from the records the first pass read. Needs no knowledge when none is."""
        try:
            judged: Judged | None = self._spooled.section(chunk.path, JUDGED)
            kept: list[tuple[Unit, Spooled | None]] | None = None
            results: list[UnitResult] = []
            with bounded_section():
                for position in range(chunk.units):
                    if judged is not None:  # None: a light chunk, every unit judged here
                        lookups, first = judged[position]
                        if not any(key in known for key in lookups):
                            results.extend(first)
                            continue
                    if kept is None:
                        kept = self._spooled.section(chunk.path, UNITS)
                    unit, records = kept[position]
                    results.extend(self._form(self.check_unit(unit, records, known=known)))
            return results
        except SpoolError as exc:
            # Its units are known only from the file: the chunk is one unreadable subject that
            # says how many models it held (never a pass, never a silent gap).
            why = f"{chunk.units} models of this scan were not judged: {exc}"
            return self._form([unreadable(chunk.path, why)])

    def _form(self, subjects: list[SubjectReport]) -> list[UnitResult]:
        """The subjects in the form this run sends them: as they are, or as JSON lines."""
        if self.lines_kb_version is None:
            return list(subjects)
        from licheck.formats.jsonl_format import subject_line

        version = self.lines_kb_version
        return [ScanLine(subject_line(s, version), tally(s, self.policy)) for s in subjects]

    def check_unit(
        self,
        unit: Unit | Path,
        records: Spooled | None = None,
        lookups: list[str] | None = None,
        known: Mapping[str, SameRunModel] | None = None,
        seen: tuple[list[Spooled], dict[str, Path]] | None = None,
    ) -> list[SubjectReport]:
        """Read and judge one unit within the time bound; errors become unreadable subjects.

        Everything happens inside the bound, deciding whether a loose file is a model included
        (its first read may meet a FIFO swapped in since the walk). `records` are the unit's
        records as already read, with their places; the keys its walk looks up first go to
        `lookups`; `known` is the run's index (by default the one the worker carries); `seen`
        takes the records as read, placed with a chunk's resolved folders.
        """
        if isinstance(unit, Path):
            unit = Unit(unit, "model")
        if unit.kind == "unreadable":
            return [_named(unreadable(shown_path(unit.path), unit.note), unit.name)]
        index = self.bases if known is None else known
        try:
            return within(self.timeout, lambda: self._judge(unit, records, lookups, index, seen))
        except TimeBoundError:
            shown = shown_path(unit.path)
            name = unit.name or shown
            return [_named(unreadable(shown, f"not judged within {self.timeout:g} s"), name)]
        except LicheckError as exc:
            shown = shown_path(unit.path)
            name = unit.name or shown
            where = exc.file or shown
            message = exc.message + (f" ({exc.hint})" if exc.hint else "")
            return [_named(unreadable(where, message, exc.line), name)]
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            shown = shown_path(unit.path)
            name = unit.name or shown
            # A bug in licheck on one model: that model is unreadable (never a pass) and the
            # scan goes on; the message says it is a bug, so that it gets reported.
            message = f"internal error ({type(exc).__name__}: {exc}); this is a bug in licheck"
            return [_named(unreadable(shown, message), name)]

    def _judge(
        self,
        unit: Unit,
        read: Spooled | None,
        lookups: list[str] | None,
        known: Mapping[str, SameRunModel],
        seen: tuple[list[Spooled], dict[str, Path]] | None = None,
    ) -> list[SubjectReport]:
        from licheck.engine.evaluate import evaluate
        from licheck.engine.judgment import first_lookups, run_place
        from licheck.inputs import load_path

        knowledge, readers = self._ready()
        places: list[RunPlace | None]
        if read is not None:
            records = [record for record, _ in read]
            places = [place for _, place in read]
        else:
            kind = content = None
            if unit.kind == "candidate":
                loose = _loose_unit(unit.path)
                if loose is None:
                    return []
                kind, content = loose
            if unit.kind == "cache-repo":
                records = self._cache_records(unit, knowledge)
            else:
                records = load_path(
                    unit.path, self.options, knowledge.catalog, kind=kind, content=content
                )
            places = [None] * len(records)
            if seen is not None:
                kept, resolved = seen
                placed = [run_place(record, resolved) for record in records]
                kept.append(list(zip(records, placed, strict=True)))
                places = list(placed)
        if lookups is not None:
            for record, place in zip(records, places, strict=True):
                lookups.extend(first_lookups(record, place))
        subjects = [
            evaluate(
                record,
                catalog=knowledge.catalog,
                policy=self.policy,
                today=self.today,
                analyse_text=readers.analyse,
                identify_text=readers.identify,
                known_bases=known,
                place=place,
            )
            for record, place in zip(records, places, strict=True)
        ]
        return [_named(s, unit.name) for s in subjects] if unit.name else subjects

    def lost(self, unit: Unit, why: str) -> list[UnitResult]:
        """What a unit whose worker died or hung becomes: unreadable, in this worker's form."""
        return self._form([_named(unreadable(shown_path(unit.path), why), unit.name)])

    def _cache_records(self, unit: Unit, knowledge: Knowledge) -> list[ModelRecord]:
        """A cache repo is a model even with no card or no front matter: then it declares no
        license, which the engine reports as cannot verify (never a pass)."""
        from licheck.inputs.folder import NO_DESCRIPTION, load_folder

        try:
            return load_folder(
                unit.path,
                allow_outside=self.options.allow_outside,
                online=self.options.online,
                catalog=knowledge.catalog,
            )
        except LicheckError as exc:
            if exc.message != NO_DESCRIPTION:
                raise
        return [
            ModelRecord(
                source=shown_path(unit.path), format="folder", name=unit.name or "", license=None
            )
        ]


def _fact_keys(facts: UnitBases) -> set[str]:
    """The keys under which the walk looks up the bases these models name (a model found in
    the index is followed to its own bases: those keys must be in the index too)."""
    from licheck.engine.judgment import base_key

    pairs = {(base, model.folder) for _, model in facts for base in model.bases}
    return {base_key(base, folder) for base, folder in pairs}


def _named(subject: SubjectReport, name: str | None) -> SubjectReport:
    """A cache repo's subject is named by its repo id, not by what its card calls itself."""
    from licheck.records import replace

    return replace(subject, name=name) if name and subject.name != name else subject
