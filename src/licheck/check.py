"""One check run: read the inputs, choose the policy, evaluate each model, gather a Report.

This is the core entry point the CLI calls and library users can call too; it returns data and
prints nothing.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from licheck.errors import LicheckError
from licheck.inputs.policy_file import fail_threshold, named_policy
from licheck.inputs.registry import InputOptions
from licheck.knowledge.bundle import Knowledge
from licheck.knowledge.catalog import Catalog
from licheck.parallel import evaluate_in_pool, jobs_for
from licheck.records import IdentifiedFile, ModelRecord, ObligationResult, Policy, Report, replace

if TYPE_CHECKING:
    from licheck.engine.evaluate import ObligationChecker
    from licheck.engine.judge import TextIdentifier
    from licheck.engine.judgment import ModelJudgment, SameRunModel


def choose_policy(
    *,
    catalog: Catalog,
    policy_file: Path | None = None,
    require: str | None = None,
    search_from: Path | None = None,
    fail_on: str | None = None,
) -> Policy:
    """The policy for a run: `--policy FILE`, else the nearest .licheck.yaml or pyproject.toml
    [tool.licheck], else the default (OSI-approved only); `--require` overrides its requirement
    and `--fail-on` its threshold.
    """
    from licheck.inputs.policy_file import find_policy_file, load_policy

    path = policy_file or find_policy_file(search_from or Path.cwd())
    policy = Policy()
    if path is not None:
        shown = (
            os.path.relpath(path) if not path.is_absolute() or policy_file is None else str(path)
        )
        policy = load_policy(path, catalog=catalog, shown=shown)
    if require is not None:
        policy = replace(policy, require=named_policy(require).require)
    if fail_on is not None:
        policy = replace(policy, fail_on=fail_threshold(fail_on))
    return policy


class Selection(msgspec.Struct, frozen=True):
    """The models some paths stand for, each once; what was left out, counted by reason; and
    warnings about what was chosen (a model folder an --exclude matched only in part)."""

    chosen: list[Path]
    skipped: Counter[str]
    notes: list[str]


def model_paths(
    paths: list[Path], options: InputOptions | None = None, exclude: tuple[str, ...] = ()
) -> Selection:
    """The models the given paths stand for, each once, and what was left out, by reason.

    One model, one verdict: a file of a model folder (its model.yaml, card, MOT file, LICENSE*
    or USE_POLICY*) stands for the folder, judged with all its files, so every entry point
    (a folder, one of its files, the pre-commit hook's changed files) judges it the same way.
    With `skip_non_models` (the hook), a license file outside any model folder is no model of
    its own and is left out (counted). `exclude` globs (relative to the current folder) leave
    paths out, counted too, by the rule `scan` follows (inputs/tree.py): a folder is left out
    when it, or every one of its files, is matched; one matched only in part is judged whole,
    with a note. `--input-format` reads each path as given.
    """
    from licheck.inputs.layout import license_role
    from licheck.inputs.tree import (
        excluded,
        folder_exclusion,
        model_folder_of,
        partly_excluded_note,
    )

    options = options or InputOptions()
    chosen: list[Path] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    notes: list[str] = []
    for path in paths:
        target = path
        if options.input_format is None:
            target = model_folder_of(path) or path
        key = os.path.realpath(target)
        if key in seen:
            continue  # one model, counted once, whichever of its files were named
        seen.add(key)
        if target.is_dir():
            exclusion = folder_exclusion(target, exclude)
            pattern = exclusion.pattern
            if pattern is None and exclusion.partly is not None:
                notes.append(partly_excluded_note(str(target), exclusion.partly))
        else:
            pattern = excluded(target, exclude)
        if pattern is not None:
            skipped[f"--exclude {pattern}"] += 1
            continue
        if (
            target is path
            and options.input_format is None
            and options.skip_non_models
            and not path.is_dir()
            and license_role(path.name) is not None
        ):
            skipped["license files outside a model folder"] += 1
            continue
        chosen.append(target)
    return Selection(chosen, skipped, notes)


def read_records(
    paths: list[Path], options: InputOptions | None = None, catalog: Catalog | None = None
) -> list[ModelRecord]:
    """Every model described by the given paths, in order.

    Nothing checked is not a pass: paths that hold no model are an error, unless the caller
    asked to skip what is not a model (the pre-commit hook).
    """
    from licheck.errors import InputError
    from licheck.inputs import load_path

    options = options or InputOptions()
    records: list[ModelRecord] = []
    for path in paths:
        records.extend(load_path(path, options, catalog))
    if not records and not options.skip_non_models:
        raise InputError(
            "no model found in " + ", ".join(str(p) for p in paths),
            hint="point licheck at a model.yaml, a model card, a model folder or a license text",
        )
    return records


def check_records(
    records: list[ModelRecord],
    *,
    policy: Policy | None = None,
    today: date | None = None,
    catalog: Catalog | None = None,
    knowledge: Knowledge | None = None,
    skipped: Iterable[tuple[str, int]] = (),
    notes: Iterable[str] = (),
    only_obligations: bool = False,
    online: bool = False,
    jobs: int | None = None,
    bases: Mapping[str, SameRunModel] | None = None,
) -> Report:
    """Judge already-read records under a policy, as of `today` (exceptions expire).

    With `online`, the bases that neither the run nor the built-in table knows are resolved
    from their cards on the Hub first (licheck.online_bases); the engine then judges offline.
    `bases` are bases resolved before this call (CardChecker.with_online_bases), by base key.

    `knowledge` (or a `catalog` to build it from) is the run's: built once by the caller and
    used for every record, identification included. Under the policy's `obligations: warn` or
    `enforce` (or `only_obligations`: `licheck obligations`), each model's licenses' duties are
    checked against the files of its folder.

    A run with enough license text to read is judged on `jobs` processes (default: as many as
    the work pays for, up to every core; see parallel.jobs_for), with the same result.
    """
    from licheck.engine.evaluate import evaluate_all, run_bases
    from licheck.engine.readers import text_readers
    from licheck.engine.report import build_report

    knowledge = knowledge or Knowledge(catalog)
    policy = policy or Policy()
    today = today or date.today()
    known_bases = run_bases(records, _online_bases(records, bases) if online else bases)
    obligations = policy.obligations != "off" or only_obligations
    # Obligations read each model's folder in this process, once for the run: judged here.
    workers = 1 if obligations else jobs_for(records, jobs)
    subjects = None
    if workers > 1:
        subjects = evaluate_in_pool(records, policy, today, known_bases, workers)
    if subjects is None:
        readers = text_readers(knowledge)
        checker = _obligation_checker(records, knowledge, readers.identify) if obligations else None
        subjects = evaluate_all(
            records,
            catalog=knowledge.catalog,
            policy=policy,
            today=today,
            analyse_text=readers.analyse,
            identify_text=readers.identify,
            check_obligations=checker,
            only_obligations=only_obligations,
            known_bases=known_bases,
        )
    return build_report(
        subjects,
        policy=policy,
        kb_version=knowledge.catalog.version,
        today=today,
        skipped=skipped,
        notes=notes,
    )


def _online_bases(
    records: list[ModelRecord], known: Mapping[str, SameRunModel] | None = None
) -> dict[str, SameRunModel]:
    """The Hub's cards for the bases this run's records name and nothing offline knows
    (`known`: bases already resolved, kept and not fetched again)."""
    from licheck.engine.judgment import same_run_index, same_run_model
    from licheck.online_bases import online_bases

    index = {**(known or {}), **same_run_index(records)}
    return {**(known or {}), **online_bases([same_run_model(r) for r in records], index)}


def _obligation_checker(
    records: list[ModelRecord], knowledge: Knowledge, identify: TextIdentifier
) -> ObligationChecker:
    """Obligations checked against each model's folder (read here, once per folder: a base in
    the same run lends its NOTICE to a derivative's check)."""
    from licheck.engine.judgment import model_folder
    from licheck.engine.obligations import Published, check_obligations
    from licheck.inputs.published import published_files

    published: dict[str, Published] = {}
    for record in records:
        folder = str(model_folder(record.source, record.format))
        published.setdefault(folder, published_files(record))

    def check(
        judgment: ModelJudgment, bases: Mapping[str, SameRunModel]
    ) -> tuple[ObligationResult, ...]:
        return check_obligations(
            judgment,
            catalog=knowledge.catalog,
            identify=identify,
            published=published,
            bases=bases,
        )

    return check


def run_obligations(
    paths: list[Path],
    *,
    strict: bool = False,
    policy_file: Path | None = None,
    today: date | None = None,
    options: InputOptions | None = None,
    knowledge: Knowledge | None = None,
    fail_on: str | None = None,
) -> Report:
    """`licheck obligations`: every obligation of every license of the models at `paths`,
    checked against their files; a violation for each unmet one (and unknown, with `strict`)."""
    knowledge = knowledge or Knowledge()
    policy = choose_policy(catalog=knowledge.catalog, policy_file=policy_file, fail_on=fail_on)
    policy = replace(
        policy, obligations="enforce", obligations_unknown="fail" if strict else "warn"
    )
    selection = model_paths(paths, options, policy.exclude)
    return check_records(
        _records_of(selection, options, knowledge),
        policy=policy,
        today=today,
        knowledge=knowledge,
        skipped=selection.skipped.items(),
        notes=selection.notes,
        only_obligations=True,
    )


def run_check(
    paths: list[Path],
    *,
    require: str | None = None,
    policy_file: Path | None = None,
    today: date | None = None,
    options: InputOptions | None = None,
    knowledge: Knowledge | None = None,
    exclude: tuple[str, ...] = (),
    jobs: int | None = None,
    fail_on: str | None = None,
) -> Report:
    """Read and judge the models at `paths` under the project's policy (each model once, as
    its folder when a path is one of a model folder's files: see model_paths), on `jobs`
    processes (default: as many as the run pays for; see check_records)."""
    knowledge = knowledge or Knowledge()
    policy = choose_policy(
        catalog=knowledge.catalog, policy_file=policy_file, require=require, fail_on=fail_on
    )
    selection = model_paths(paths, options, (*policy.exclude, *exclude))
    return check_records(
        _records_of(selection, options, knowledge),
        policy=policy,
        today=today,
        knowledge=knowledge,
        skipped=selection.skipped.items(),
        notes=selection.notes,
        online=(options or InputOptions()).online,
        jobs=jobs,
    )


def _records_of(
    selection: Selection, options: InputOptions | None, knowledge: Knowledge
) -> list[ModelRecord]:
    """The chosen models read; none when every path was left out (nothing read is no error
    then: the summary counts what was left out)."""
    if not selection.chosen and selection.skipped:
        return []
    return read_records(selection.chosen, options, knowledge.catalog)


class CardChecker:
    """Judges Hugging Face model cards from their text alone: no file or network access.

    For a distributed engine (Dask, Spark, Ray) over many cards: build one, map it over the
    card texts. It pickles without its knowledge, which each process builds on first use and
    keeps with the object (never in a module global), so a worker pays that cost once.
    A broken card gives a subject of format "unreadable" with the error as its violation, so
    a batch job never stops on one bad row.

    `--online` for a batch: `checker.with_online_bases(texts)`, once, in the driver, resolves
    the bases those cards name that licheck's table does not know from their Hub cards
    (licheck.online_bases: bounded, cached); the checker it returns carries them, pickled with
    it, so a map broadcasts them with the checker and no worker ever fetches.
    """

    def __init__(
        self,
        *,
        require: str = "osi-approved",
        today: date | None = None,
        bases: Mapping[str, SameRunModel] | None = None,
    ) -> None:
        self.policy = named_policy(require)
        self.today = today
        self.bases: dict[str, SameRunModel] = dict(bases or {})
        self._knowledge: Knowledge | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_knowledge"] = None  # rebuilt where the checker lands
        return state

    def with_online_bases(self, texts: Iterable[str]) -> CardChecker:
        """This checker, also knowing the bases the cards `texts` name (and their bases) that
        neither it nor the built-in table knows, from their cards on the Hub. Unreadable cards
        are passed over here (judging them reports them); a base that cannot be fetched is
        kept with the reason and judged unknown, never a pass."""
        from licheck.engine.judgment import same_run_model
        from licheck.inputs.hf_card import parse_card
        from licheck.online_bases import online_bases

        models = []
        for text in texts:
            try:
                record = parse_card(text, source="README.md", folder=None)
            except LicheckError:
                continue
            models.append(replace(same_run_model(record), folder=None))
        found = online_bases(models, self.bases)
        resolved = copy.copy(self)
        resolved.bases = {**self.bases, **found}
        return resolved

    def __call__(self, text: str, source: str = "README.md") -> dict[str, Any]:
        """The JSON subject (`licheck --format json`'s `subjects[0]`) of one card's text."""
        from licheck.engine.report import unreadable
        from licheck.formats.json_format import subject_to_dict
        from licheck.inputs.hf_card import parse_card

        if self._knowledge is None:
            self._knowledge = Knowledge()
        try:
            record = parse_card(text, source=source, folder=None)
            report = check_records(
                [record],
                policy=self.policy,
                today=self.today,
                knowledge=self._knowledge,
                bases=self.bases,
            )
            subject = report.subjects[0]
        except LicheckError as exc:
            subject = unreadable(exc.file or source, exc.message, exc.line)
        return subject_to_dict(subject)


def check_card(
    text: str,
    *,
    source: str = "README.md",
    require: str = "osi-approved",
    today: date | None = None,
) -> dict[str, Any]:
    """Judge one card's text (see CardChecker, which a batch job should build once and reuse)."""
    return CardChecker(require=require, today=today)(text, source)


def identify_files(paths: list[Path], knowledge: Knowledge | None = None) -> list[IdentifiedFile]:
    """Identify and judge each license file (`licheck identify`)."""
    from licheck.engine.judge import judge_unmatched_texts, read_texts
    from licheck.engine.readers import text_readers
    from licheck.inputs import shown_path
    from licheck.inputs.license_text import load_license_text

    knowledge = knowledge or Knowledge()
    readers = text_readers(knowledge)
    found = []
    for path in paths:
        record = load_license_text(path, shown=shown_path(path))
        texts = read_texts(record, knowledge.catalog, readers.analyse, readers.identify)
        judged = judge_unmatched_texts(record, texts, knowledge.catalog)
        (text,) = record.license_texts
        identification = readers.identify(text.text, text.path)
        found.append(IdentifiedFile(text.path, identification, tuple(r for _, r in judged)))
    return found
