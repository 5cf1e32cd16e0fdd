"""What the engine finds about one model before any policy: every set of terms that binds it.

A model is bound by the licenses it declares, the license texts it ships (identified or read
clause by clause), the conditions of getting it (a Hub gate) and the terms of every base model it
derives from. `judge_model` gathers them as a ModelJudgment; `engine.policy.decide` then decides.
Keeping the two apart is what lets one policy module make every accept/reject decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

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
from licheck.knowledge.catalog import Catalog
from licheck.records import LicenseResult, ModelRecord, Openness


@dataclass(frozen=True)
class BaseJudgment:
    """A base model's license terms, which a derivative inherits (judged leaf by leaf).

    `judged` holds the leaves the derivative does not already declare; `source` says where the
    base's license came from ("the same scan", or the built-in table's source URL).
    """

    base: str
    source: str
    tree: Node
    judged: dict[Leaf, LicenseResult]


@dataclass(frozen=True)
class ModelJudgment:
    """Every set of terms that binds one model, judged against the OSD, and nothing decided."""

    record: ModelRecord
    tree: Node | None
    declared: dict[Leaf, LicenseResult]
    texts: tuple[tuple[ReadText, LicenseResult], ...]
    access: LicenseResult | None
    bases: tuple[BaseJudgment, ...]
    openness: Openness
    warnings: tuple[str, ...] = ()

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
    known_bases: Mapping[str, str] | None = None,
) -> ModelJudgment:
    """Judge every set of terms of a record (see the module docstring); decide nothing.

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
    bases, warnings = _inherited(record, catalog, known_bases or {}, declared_ids)
    return ModelJudgment(
        record=record,
        tree=tree,
        declared=declared,
        texts=tuple(shipped),
        access=access,
        bases=tuple(bases),
        openness=_openness(record, catalog),
        warnings=(*record.warnings, *warnings),
    )


def _inherited(
    record: ModelRecord,
    catalog: Catalog,
    known_bases: Mapping[str, str],
    declared_ids: frozenset[str],
) -> tuple[list[BaseJudgment], list[str]]:
    """The base models' licenses, which a derivative (fine-tune, quantisation, merge) inherits.

    A base found in the same run wins over the built-in table of well-known families.
    """
    from licheck.knowledge.base_models import lookup_base_model

    bases: list[BaseJudgment] = []
    warnings: list[str] = []
    for base in record.base_models:
        expression = known_bases.get(base.lower()) or known_bases.get(
            base.rsplit("/", 1)[-1].lower()
        )
        source = "the same scan"
        if expression is None:
            fact = lookup_base_model(base)
            if fact is None or fact.license is None:
                why = (
                    fact.note
                    if fact and fact.note
                    else "it is not in licheck's table of base models"
                )
                warnings.append(
                    f"{record.name}: the license of base model '{base}' is unknown ({why}); "
                    "check it: a derivative inherits its base's terms"
                )
                continue
            expression, source = fact.license, fact.source
        try:
            tree = parse(expression)
        except LicheckError:
            warnings.append(
                f"{record.name}: base model '{base}' has an unreadable license '{expression}'"
            )
            continue
        judged: dict[Leaf, LicenseResult] = {}
        for leaf in leaves(tree):
            resolution = catalog.resolve(leaf.key)
            if resolution is not None and resolution.id in declared_ids:
                continue  # the derivative already declares its base's license: judged above
            result = judge_license(leaf.key, resolution, catalog)
            judged[leaf] = replace(
                result, note=f"inherited from base model {base} ({source})", inherited_from=base
            )
        bases.append(BaseJudgment(base, source, tree, judged))
    return bases, warnings


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
