"""What the engine finds about one model before any policy: every set of terms that binds it.

A model is bound by the licenses it declares, the license texts it ships (identified or read
clause by clause), the conditions of getting it (a Hub gate) and the terms of every base model it
derives from. `judge_model` gathers them as a ModelJudgment; `engine.policy.decide` then decides.
Keeping the two apart is what lets one policy module make every accept/reject decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import msgspec

from licheck.engine.expression import Leaf, Node, leaves, parse
from licheck.engine.judge import (
    ReadText,
    TextAnalyser,
    TextIdentifier,
    _access,
    _judge_declared,
    judge_license,
    judge_unmatched_texts,
    read_texts,
)
from licheck.errors import LicheckError
from licheck.inputs.registry import FILE_FORMATS
from licheck.knowledge.catalog import Catalog
from licheck.records import LicenseResult, ModelRecord, Openness, replace

# A chain of bases longer than this is reported, not followed (real chains are 1 to 4 deep).
MAX_BASE_DEPTH = 12


class SameRunModel(msgspec.Struct, frozen=True):
    """A model read in the same run, as a base of another: its declared license and its bases.

    `folder` is where its card lives, so that a base given as a relative path resolves there.
    `source` says where its license was read (a base fetched from the Hub with `--online` is
    not "the same run"); `note` is why it declares no license, when it does not (a card that
    could not be fetched).
    """

    name: str
    expression: str | None
    bases: tuple[str, ...] = ()
    folder: str | None = None
    source: str = "the same run"
    note: str | None = None


class BaseJudgment(msgspec.Struct, frozen=True):
    """A base model's license terms, which a derivative inherits (judged leaf by leaf).

    `judged` holds the leaves the derivative does not already declare; `source` says where the
    base's license came from ("the same run", or the built-in table's source URL). `via` is the
    chain of bases between the derivative and this one (empty for a direct base): a derivative
    inherits its base's effective terms, declared and inherited, to any depth; `via_declared`
    is what each of them declares (None: nothing), so that a message shows every hop's own
    word. `reupload` is the table's word for a base matched as a re-upload ("trusted" or
    "resemblance").
    """

    base: str
    source: str
    tree: Node
    judged: dict[Leaf, LicenseResult]
    via: tuple[str, ...] = ()
    reupload: str | None = None
    family: str | None = None
    via_declared: tuple[str | None, ...] = ()


class BaseGap(msgspec.Struct, frozen=True):
    """A base whose terms licheck cannot know: not in the run or the table (`unknown`), a chain
    that loops (`cycle`) or runs too deep (`too-deep`). The policy's `unknown_base` decides."""

    base: str
    kind: str
    reason: str
    via: tuple[str, ...] = ()
    via_declared: tuple[str | None, ...] = ()


def chain_text(via: tuple[str, ...], declared: tuple[str | None, ...]) -> str:
    """The bases between a derivative and a base, each with what its own card declares:
    "org/a (mit declared) → org/base (apache-2.0 declared)". Laundering hides at a hop, so the
    message names each hop's word, not only the last base's terms."""
    words = (*declared, *(None,) * (len(via) - len(declared)))
    return " → ".join(
        f"{name} ({word} declared)" if word else f"{name} (no license declared)"
        for name, word in zip(via, words, strict=False)
    )


class ModelJudgment(msgspec.Struct, frozen=True):
    """Every set of terms that binds one model, judged against the OSD, and nothing decided."""

    record: ModelRecord
    tree: Node | None
    declared: dict[Leaf, LicenseResult]
    texts: tuple[tuple[ReadText, LicenseResult], ...]
    access: LicenseResult | None
    bases: tuple[BaseJudgment, ...]
    openness: Openness
    warnings: tuple[str, ...] = ()
    gaps: tuple[BaseGap, ...] = ()

    @property
    def results(self) -> tuple[LicenseResult, ...]:
        """Every judged license in report order: declared, shipped texts, access, inherited."""
        found = [*self.declared.values(), *(result for _, result in self.texts)]
        if self.access is not None:
            found.append(self.access)
        for base in self.bases:
            found.extend(base.judged.values())
        return tuple(found)


def judge_model(
    record: ModelRecord,
    *,
    catalog: Catalog,
    analyse_text: TextAnalyser | None = None,
    identify_text: TextIdentifier | None = None,
    known_bases: Mapping[str, str | SameRunModel] | None = None,
    place: RunPlace | None = None,
) -> ModelJudgment:
    """Judge every set of terms of a record (see the module docstring); decide nothing.

    `place` is where the model stands in the run (run_place), when the caller has it already.

    `identify_text(text, path)` names a license text, `analyse_text(text, path)` reads its
    clauses (the clause engine); without them, texts are not judged. `known_bases` maps model
    names seen in the same run to their license expressions (a derivative inherits its base's
    terms from the run before the built-in table).
    """
    texts = read_texts(record, catalog, analyse_text, identify_text)
    tree: Node | None = None
    declared: dict[Leaf, LicenseResult] = {}
    unmatched = list(texts)
    if record.license is not None:
        tree = parse(record.license, source=record.source, line=record.license_line)
        declared, unmatched = _judge_declared(record, tree, texts, catalog)
    shipped = judge_unmatched_texts(record, unmatched, catalog)
    declared_ids = frozenset(r.id for r in [*declared.values(), *(r for _, r in shipped)] if r.id)
    access = _access(record) if record.access else None
    bases, gaps = _inherited(record, catalog, known_bases or {}, declared_ids, place)
    return ModelJudgment(
        record=record,
        tree=tree,
        declared=declared,
        texts=tuple(shipped),
        access=access,
        bases=tuple(bases),
        openness=_openness(record, catalog),
        warnings=record.warnings,
        gaps=tuple(gaps),
    )


def model_folder(source: str, format: str | None = None) -> Path:
    """The folder of a model's card or file (a folder given as the source is its own).

    `format` is the record's: a file reader's record needs no question to the filesystem (a
    scan places every card it reads)."""
    path = Path(source)
    if format in FILE_FORMATS:
        return path.parent
    return path if path.is_dir() else path.parent


class RunPlace(NamedTuple):
    """Where a model stands in its run: its folder and the keys of same_run_keys.

    Worked out once per model (it asks the filesystem); scan's first pass hands it to the
    second with the model's record (see licheck/spool.py).
    """

    folder: str
    keys: tuple[str, ...]


def run_place(record: ModelRecord, resolved: dict[str, Path] | None = None) -> RunPlace:
    """The model's folder and same-run keys (see same_run_keys). `resolved` remembers each
    folder's real path for a caller placing many models of few folders (a scan's chunk of
    loose cards): the filesystem is asked once per folder."""
    folder = model_folder(record.source, record.format)
    return RunPlace(str(folder), _keys(record, folder, resolved))


def same_run_keys(record: ModelRecord) -> tuple[str, ...]:
    """The names under which a model of this run may be another's base: its full Hub id
    (`org/name`, from its card or its folder and the folder above) and its folder's path.

    Never its last name part alone: a folder `Llama-2-7b-hf` holding an MIT card must not
    answer for `meta-llama/Llama-2-7b-hf` (issue 14).
    """
    return _keys(record, model_folder(record.source, record.format))


def _keys(
    record: ModelRecord, folder: Path, resolved: dict[str, Path] | None = None
) -> tuple[str, ...]:
    keys: list[str] = []
    if "/" in record.name.strip("/"):
        keys.append(_hub_key(record.name))
    real = resolved.get(str(folder)) if resolved is not None else None
    if real is None:
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            real = folder
        if resolved is not None:
            resolved[str(folder)] = real
    if real.parent.name and real.name:
        keys.append(f"{real.parent.name}/{real.name}".lower())
    keys.append(str(real))
    return tuple(dict.fromkeys(keys))


def same_run_model(record: ModelRecord, place: RunPlace | None = None) -> SameRunModel:
    """What a model of the run says as a base: its license, its own bases, its folder."""
    folder = place.folder if place is not None else str(model_folder(record.source, record.format))
    return SameRunModel(record.name, record.license, record.base_models, folder)


def same_run_index(records: Iterable[ModelRecord]) -> dict[str, SameRunModel]:
    """Every model of a run by the keys `same_run_keys` gives, for its derivatives to inherit."""
    index: dict[str, SameRunModel] = {}
    # Each folder's real path asked of the filesystem once: a run of many license texts or
    # cards from a few folders resolved one path per model (35 ms of 840 texts, now 17 ms).
    resolved: dict[str, Path] = {}
    for record in records:
        model = same_run_model(record)
        for key in _keys(record, model_folder(record.source, record.format), resolved):
            index.setdefault(key, model)
    return index


def _hub_key(name: str) -> str:
    from licheck.knowledge.base_models import normalise_id

    return normalise_id(name)


def base_key(base: str, folder: str | None) -> str:
    """How a derivative's base reference is looked up in the run: a path resolves from the
    derivative's folder; anything else is a Hub id, compared whole."""
    if base.startswith((".", "/", "~")) and folder is not None:
        try:
            return str((Path(folder) / Path(base).expanduser()).resolve())
        except (OSError, RuntimeError):
            return base
    return _hub_key(base)


def first_lookups(record: ModelRecord, place: RunPlace | None = None) -> tuple[str, ...]:
    """The keys under which a model's walk of its bases first looks in the run's index: its
    direct bases' (see _inherited). The walk reaches further only through a model it finds, so
    a judgment made against no index is the judgment against any index that holds none of
    these keys: a scan judges each model as it reads it, and again only the few that look up a
    model of the tree."""
    if not record.base_models:
        return ()
    folder = place.folder if place is not None else str(model_folder(record.source, record.format))
    return tuple(dict.fromkeys(base_key(base, folder) for base in record.base_models))


def _inherited(
    record: ModelRecord,
    catalog: Catalog,
    known_bases: Mapping[str, str | SameRunModel],
    declared_ids: frozenset[str],
    place: RunPlace | None = None,
) -> tuple[list[BaseJudgment], list[BaseGap]]:
    """The base models' effective terms, which a derivative (fine-tune, quantisation, merge)
    inherits: each base's own declared license and everything that base inherits, to any depth.

    The built-in table of original publishers always applies to an id it knows; a model of the
    same run applies when its full id or path is the base named (both bind when both match).
    """
    if not record.base_models:
        return [], []  # most models: no folder to stat, no index to look in
    walk = _Walk(catalog, known_bases, declared_ids, record)
    place = place or run_place(record)
    # The model's own keys start every chain's path: a base that leads back to it is a loop.
    own = frozenset(place.keys)
    for base in record.base_models:
        walk.follow(base, place.folder, (), own)
    return walk.bases, walk.gaps


class _Walk:
    """One derivative's walk down its chains of bases: terms found, gaps, what was seen."""

    def __init__(
        self,
        catalog: Catalog,
        index: Mapping[str, str | SameRunModel],
        declared_ids: frozenset[str],
        record: ModelRecord,
    ) -> None:
        self.catalog = catalog
        # The run's known bases, looked up by key; a bare expression (a caller's table) stands
        # for a model that declares it and names no base.
        self.index = index
        self.declared_ids = declared_ids
        self.record = record
        self.bases: list[BaseJudgment] = []
        self.gaps: list[BaseGap] = []
        self.done: set[str] = set()

    def follow(
        self,
        base: str,
        folder: str | None,
        via: tuple[str, ...],
        path: frozenset[str],
        declared: tuple[str | None, ...] = (),
    ) -> None:
        from licheck.knowledge.base_models import lookup_base_model

        key = base_key(base, folder)
        if key in path:
            loop = " → ".join((*via, base))
            self.gaps.append(
                BaseGap(base, "cycle", f"the chain of base models loops ({loop})", via, declared)
            )
            return
        if key in self.done:
            return  # reached again by another branch (a merge of two fine-tunes of one base)
        self.done.add(key)
        if len(via) >= MAX_BASE_DEPTH:
            self.gaps.append(
                BaseGap(
                    base,
                    "too-deep",
                    f"the chain of base models is longer than {MAX_BASE_DEPTH}; not followed",
                    via,
                    declared,
                )
            )
            return
        found = self.index.get(key)
        same = SameRunModel(key, found) if isinstance(found, str) else found
        fact = None if key.startswith("/") else lookup_base_model(base)
        known = False
        if fact is not None and fact.license is not None:
            known = self._add(
                base, fact.license, fact.source, (via, declared), fact.reupload, fact.family
            )
        if same is not None:
            if same.expression is not None:
                known = self._add(base, same.expression, same.source, (via, declared)) or known
            for parent in same.bases:
                hops = (*via, base), (*declared, same.expression)
                self.follow(parent, same.folder, hops[0], path | {key}, hops[1])
        if not known:
            if fact is not None and fact.note:
                why = fact.note
            elif same is not None and same.note is not None:
                why = same.note
            elif same is not None:
                why = "its card in this run declares no license"
            else:
                why = "it is neither in this run nor in licheck's table of base models"
            self.gaps.append(BaseGap(base, "unknown", why, via, declared))

    def _add(
        self,
        base: str,
        expression: str,
        source: str,
        chain: tuple[tuple[str, ...], tuple[str | None, ...]],
        reupload: str | None = None,
        family: str | None = None,
    ) -> bool:
        via, declared = chain
        try:
            tree = parse(expression)
        except LicheckError:
            self.gaps.append(
                BaseGap(
                    base, "unknown", f"its license '{expression}' cannot be read", via, declared
                )
            )
            return False
        through = f" through {chain_text(via, declared)}" if via else ""
        judged: dict[Leaf, LicenseResult] = {}
        for leaf in leaves(tree):
            resolution = self.catalog.resolve(leaf.key)
            if resolution is not None and resolution.id in self.declared_ids:
                continue  # the derivative already declares its base's license: judged above
            result = judge_license(leaf.key, resolution, self.catalog)
            judged[leaf] = replace(
                result,
                note=f"inherited from base model {base}{through} ({source})",
                inherited_from=base,
            )
        self.bases.append(BaseJudgment(base, source, tree, judged, via, reupload, family, declared))
        return True


def _openness(record: ModelRecord, catalog: Catalog) -> Openness:
    """OSAID and MOF for a record, with every license name it uses judged by this engine."""
    from licheck.engine.openness import license_names, openness

    verdicts: dict[str, str] = {}
    for name, license_id in license_names(record, catalog).items():
        resolution = catalog.resolve(license_id) if license_id else None
        verdicts[name] = (
            judge_license(name, resolution, catalog).verdict if resolution else "unknown"
        )
    return openness(record, verdicts)
