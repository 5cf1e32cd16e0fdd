"""`--online`: the bases that neither the run nor licheck's table knows, resolved from the Hub.

The engine is pure: it judges a derivative's chain of bases from the index it is given (the
run's models by full id or path, engine.judgment.same_run_index). With `--online`, check and
scan first call `online_bases`, which fetches the card of every base the index and the built-in
table both lack (inputs/hub_fetch.py), reads it as a card (inputs/hf_card.py) and follows that
card's own bases the same way, within bounds on depth, fetches and time. Each fetched base
becomes one more index entry (engine.judgment.SameRunModel), so the engine's chain walk, its
cycle and depth checks and its findings are the same ones a same-run base gets.

A base that cannot be fetched (404, gated, timeout, too large, over a bound, only a cached card
older than the cache's age limit) becomes an entry that declares no license, with the reason:
the engine reports it as an unknown base, never a pass. A cached card that is used says so, and
how long ago the Hub served it, in the base's source. Without `--online` this module is never
called and nothing is fetched.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping

from licheck.engine.judgment import SameRunModel, base_key
from licheck.errors import LicheckError
from licheck.inputs.hub_fetch import CardFetch, fetch_card, is_repo_id

# How far down a chain of Hub bases licheck fetches (the engine's own bound is 12), how many
# cards one run fetches at most, and how long all the fetches of a run may take.
MAX_ONLINE_DEPTH = 8
MAX_ONLINE_FETCHES = 64
ONLINE_BUDGET = 120.0

Fetcher = Callable[[str], CardFetch]


def online_bases(
    models: Iterable[SameRunModel],
    index: Mapping[str, SameRunModel],
    *,
    fetch: Fetcher = fetch_card,
    max_depth: int = MAX_ONLINE_DEPTH,
    max_fetches: int = MAX_ONLINE_FETCHES,
    budget: float = ONLINE_BUDGET,
) -> dict[str, SameRunModel]:
    """Index entries, by base key, for the bases of `models` (and theirs, transitively) that
    are in neither `index` (the run) nor the built-in table, from their cards on the Hub."""
    from licheck.inputs.hub_fetch import cache_max_age
    from licheck.knowledge.base_models import lookup_base_model

    cache_max_age()  # a malformed LICHECK_HUB_CACHE_MAX_AGE stops the run here (exit 2)
    found: dict[str, SameRunModel] = {}
    queue = deque((base, model.folder, 1) for model in models for base in model.bases)
    fetches = 0
    deadline = time.monotonic() + budget
    while queue:
        base, folder, depth = queue.popleft()
        key = base_key(base, folder)
        if key in index or key in found or lookup_base_model(base) is not None:
            continue  # the run or the table binds it (the table always does, issue 14)
        name = base.strip()
        if not is_repo_id(name):
            continue  # a path outside the run, a URL: the engine reports it as unknown
        if depth > max_depth:
            why = f"it is more than {max_depth} bases down a chain of Hub cards; not fetched"
            found[key] = SameRunModel(name, None, note=why)
            continue
        if fetches >= max_fetches or time.monotonic() > deadline:
            why = (
                f"--online fetches at most {max_fetches} cards in {budget:g} s per run; "
                "this one was not fetched"
            )
            found[key] = SameRunModel(name, None, note=why)
            continue
        fetches += 1
        model = _hub_model(fetch(name))
        found[key] = model
        queue.extend((parent, None, depth + 1) for parent in model.bases)
    return found


def _hub_model(fetched: CardFetch) -> SameRunModel:
    """A fetched card as an index entry: its declared license and its own bases."""
    from licheck.inputs.hf_card import parse_card
    from licheck.inputs.hub_fetch import describe_age, endpoint

    name = fetched.repo_id
    if fetched.text is None:
        return SameRunModel(name, None, note=fetched.reason)
    shown = f"{endpoint()}/{name}/blob/main/README.md"
    try:
        record = parse_card(fetched.text, source=shown, folder=None)
    except LicheckError as exc:
        return SameRunModel(name, None, note=f"its card on the Hub cannot be read: {exc.message}")
    source = "its card on the Hub, fetched with --online"
    if fetched.cached:
        age = f"; the Hub served it {describe_age(fetched.age)} ago" if fetched.age else ""
        source = f"its card on the Hub, from licheck's cache (the Hub could not be reached{age})"
    note = None if record.license else "its card on the Hub declares no license"
    return SameRunModel(name, record.license, record.base_models, None, source, note)
