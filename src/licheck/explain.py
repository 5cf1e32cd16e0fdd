"""`licheck explain ID` and `licheck licenses`: what the knowledge base knows, made readable.

Both reuse the engine's judgment of a single license, so `explain llama2` shows exactly what a
check of a model under llama2 would report, plus the profile's summary, aliases and parameters.
"""

from __future__ import annotations

from typing import Any

from licheck.engine.judge import judge_license
from licheck.errors import LicheckError
from licheck.knowledge.catalog import Catalog, did_you_mean
from licheck.records import Explanation


def explain_license(name: str, catalog: Catalog | None = None) -> Explanation:
    """Resolve any alias and judge it; an unknown name is an error with the closest names."""
    catalog = catalog or Catalog()
    resolution = catalog.resolve(name)
    if resolution is None:
        hint = did_you_mean(catalog.suggest(name)) or (
            "run `licheck licenses` for the list of known licenses"
        )
        raise LicheckError(f"licheck does not know the license '{name}'", hint=hint)
    result = judge_license(name, resolution, catalog)
    if resolution.kind != "profile":
        return Explanation(result=result, kb_version=catalog.version)
    profile = catalog.profile(resolution.id)
    return Explanation(
        result=result,
        kb_version=catalog.version,
        summary=profile.summary,
        version=profile.version,
        date=profile.date,
        kind=profile.kind,
        aliases=profile.aliases,
        parameters=profile.parameters,
        profile_file=f"licenses/{profile.file}",
    )


def list_licenses(
    *, verdict: str | None = None, family: str | None = None, catalog: Catalog | None = None
) -> list[dict[str, Any]]:
    """The profiles of the knowledge base (from the index: no YAML parsed), filtered."""
    catalog = catalog or Catalog()
    rows = []
    for license_id in catalog.profile_ids():
        entry = catalog.summary(license_id)
        if verdict and entry["verdict"] != verdict:
            continue
        if family and (entry.get("family") or "").lower() != family.lower():
            continue
        rows.append({"id": license_id, **entry, "kb_version": catalog.version})
    return rows
