"""Fetching a base model's card (README.md) from the Hugging Face Hub, only with `--online`.

A fine-tune's base may be neither in the run nor in licheck's table; its card on the Hub says
what the base declares and what it derives from. This module only fetches and caches card
texts: it reads nothing into records and judges nothing (check.py resolves, the engine judges).

The download goes through `huggingface_hub`, the field's own client (imported here, inside the
function, so that an offline run never pays for it): it honours `HF_ENDPOINT` (a mirror, or a
test server) and `HF_TOKEN` (a gated or private base), and keeps its answers in a cache keyed by
repo id and revision under `$XDG_CACHE_HOME/licheck/hub` (else `~/.cache/licheck/hub`), which is
used when the Hub cannot be reached. A card over MAX_CARD_BYTES is refused before it is
downloaded (and after, should the server have lied about its size).

A cached card is used only while it is younger than the cache's age limit (DEFAULT_MAX_AGE,
7 days; `LICHECK_HUB_CACHE_MAX_AGE`, e.g. `12h`, `30d`, `0` for never): a base relicensed
since (SDXL-Turbo's LICENSE was) must not be judged for ever by what the Hub said once. A
card's age is the time since the Hub last served or confirmed it: every successful fetch
touches the cached file (os.utime), huggingface_hub itself never rewrites an unchanged one.
An older card is refused with its age, so the base is unknown, not passed.

The repo ids come from strangers' cards, so only a plain `ORG/NAME` id is fetched (no URL, no
path, no `..`) and always at `main`. The endpoint is not checked against private addresses as
inputs/fetch.py checks a card's license_link: it is the user's choice (`HF_ENDPOINT`, an
internal mirror is a normal set-up, and the tests' 127.0.0.1 server), never a card's, and a card
can only choose the repo id inside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from licheck.errors import InputError

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CARD_BYTES = 1024 * 1024
FETCH_TIMEOUT = 10.0
REVISION = "main"
# How old a cached card may be when the Hub cannot be reached (see the module docstring): long
# enough to ride out an outage of the Hub or of a CI runner's network over a weekend, short
# enough that a relicensing upstream shows within a week.
DEFAULT_MAX_AGE = 7 * 24 * 3600.0
MAX_AGE_ENV = "LICHECK_HUB_CACHE_MAX_AGE"
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", re.IGNORECASE)
# A Hub repo id: one org and one name of letters, digits, `-`, `_` and `.` (not `..`).
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")


class CardFetch(msgspec.Struct, frozen=True):
    """What fetching one base's card gave: its text, or why there is none (errors as values:
    a base that cannot be fetched is unknown, never a pass). `cached` says the answer came
    from the cache because the Hub could not be reached; `age` is then how long ago (seconds)
    the Hub last served or confirmed that card."""

    repo_id: str
    text: str | None = None
    reason: str | None = None
    cached: bool = False
    commit: str | None = None
    age: float | None = None


def cache_max_age() -> float:
    """The cache's age limit in seconds: `LICHECK_HUB_CACHE_MAX_AGE` (`90s`, `45m`, `12h`,
    `30d`, a bare number of seconds; `0`: never use the cache), else DEFAULT_MAX_AGE."""
    raw = os.environ.get(MAX_AGE_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_AGE
    match = _DURATION.fullmatch(raw)
    if match is None:
        raise InputError(
            f"{MAX_AGE_ENV}={raw.strip()[:40]!r} is not a duration",
            hint=f"give a number with an optional unit s, m, h or d ({MAX_AGE_ENV}=12h); "
            "0 never uses cached cards",
        )
    return float(match.group(1)) * _UNITS[match.group(2).lower() or "s"]


def describe_age(seconds: float) -> str:
    """An age as a person says it: `40 s`, `12 minutes`, `5 hours`, `3 days`."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} s"


def is_repo_id(name: str) -> bool:
    """Whether `name` is a plain Hub repo id licheck may fetch (`ORG/NAME`, nothing else)."""
    return bool(_REPO_ID.fullmatch(name)) and ".." not in name


def cache_root() -> Path:
    """Where fetched cards are kept: `$XDG_CACHE_HOME/licheck/hub`, else `~/.cache/licheck/hub`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "licheck" / "hub"


def endpoint() -> str:
    """The Hub's address: `HF_ENDPOINT` when set (read on every call, not at import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def fetch_card(
    repo_id: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = MAX_CARD_BYTES,
    cache_dir: Path | None = None,
    max_age: float | None = None,
) -> CardFetch:
    """The README.md of the Hub model `repo_id` at `main`, or the reason it cannot be had.

    A 404 (no such repo or no card), a 401/403 (gated or private without HF_TOKEN), a timeout
    or a card over `max_bytes` gives a reason; an unreachable Hub falls back to the cache, for
    a card younger than `max_age` seconds (default: cache_max_age()).
    """
    try:
        from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
        from huggingface_hub.errors import (
            EntryNotFoundError,
            GatedRepoError,
            HfHubHTTPError,
            LocalEntryNotFoundError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )
    except ImportError:
        why = "huggingface_hub is not installed (pip install 'licheck-ai[online]'); not fetched"
        return CardFetch(repo_id, reason=why)

    if not is_repo_id(repo_id):
        return CardFetch(repo_id, reason="it is not a Hub repo id (ORG/NAME); not fetched")
    where = endpoint()
    if not where.lower().startswith(("http://", "https://")):
        return CardFetch(repo_id, reason=f"HF_ENDPOINT {where!r} is not an http(s) URL")
    cache = str(cache_dir or cache_root())

    def failed(why: str) -> CardFetch:
        return CardFetch(repo_id, reason=f"its card could not be fetched from {where}: {why}")

    try:
        url = hf_hub_url(repo_id, "README.md", revision=REVISION, endpoint=where)
        meta = get_hf_file_metadata(url, timeout=timeout, endpoint=where)
    except GatedRepoError:
        return failed("the repository is gated (set HF_TOKEN to a token that has access)")
    except RepositoryNotFoundError:
        return failed("no such repository, or it is private (401/404)")
    except RevisionNotFoundError:
        return failed(f"no revision {REVISION!r}")
    except EntryNotFoundError:
        return failed("the repository has no README.md")
    except HfHubHTTPError as exc:
        return failed(_status(exc))
    except Exception as exc:
        # The transport's errors (a refused connection, a timeout): huggingface_hub's HTTP
        # library changes between versions (requests, httpx, httpx2), so they are caught whole;
        # whatever they are, the base is unknown (or cached), never passed.
        limit = cache_max_age() if max_age is None else max_age
        return _cached(repo_id, cache, failed(_network(exc, timeout)), limit)
    if meta.size is not None and meta.size > max_bytes:
        return failed(f"the card is too large ({meta.size:,} bytes; the limit is {max_bytes:,})")
    try:
        path = Path(
            hf_hub_download(
                repo_id,
                "README.md",
                revision=REVISION,
                cache_dir=cache,
                endpoint=where,
                etag_timeout=timeout,
            )
        )
    except LocalEntryNotFoundError as exc:
        return failed(_network(exc, timeout))
    except HfHubHTTPError as exc:
        return failed(_status(exc))
    except Exception as exc:  # the transport's errors, as above
        return failed(_network(exc, timeout))
    fetched = _read(repo_id, path, max_bytes, failed, commit=meta.commit_hash)
    if fetched.text is not None:
        # The Hub has just served or confirmed this card: its age in the cache starts now. A
        # read-only cache keeps the older time, which errs on the side of refusing it later.
        with contextlib.suppress(OSError):
            os.utime(path)
    return fetched


def _cached(repo_id: str, cache: str, unreachable: CardFetch, max_age: float) -> CardFetch:
    """The cached card when the Hub cannot be reached and it is younger than `max_age`
    seconds, else the reason there is none (its age, when it is too old)."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, "README.md", cache_dir=cache, revision=REVISION)
    if not isinstance(found, str):
        return unreachable

    def failed(why: str) -> CardFetch:
        return CardFetch(repo_id, reason=f"its cached card cannot be read: {why}")

    try:
        age = max(0.0, time.time() - Path(found).stat().st_mtime)
    except OSError as exc:
        return failed(str(exc))
    if age > max_age:
        limit = describe_age(max_age) if max_age > 0 else "0 (never use cached cards)"
        why = (
            f"its card could not be fetched from {endpoint()}, and licheck's cached copy is "
            f"{describe_age(age)} old, older than the cache's limit of {limit} "
            f"({MAX_AGE_ENV}), so it was not used"
        )
        return CardFetch(repo_id, reason=why)
    fetched = _read(repo_id, Path(found), MAX_CARD_BYTES, failed)
    cached = fetched.text is not None
    return CardFetch(repo_id, fetched.text, fetched.reason, cached=cached, age=age)


def _read(
    repo_id: str,
    path: Path,
    max_bytes: int,
    failed: Callable[[str], CardFetch],
    commit: str | None = None,
) -> CardFetch:
    """The card's text from a downloaded file, checked against the size limit once more."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return failed(f"the card is too large ({size:,} bytes; the limit is {max_bytes:,})")
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return failed(str(exc))
    return CardFetch(repo_id, text=text, commit=commit)


def _status(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None)
    return f"the Hub answered {code}" if code else "the Hub answered with an error"


def _network(exc: BaseException, timeout: float) -> str:
    text = str(exc).lower()
    if "timed out" in text or "timeout" in text:
        return f"no answer within {timeout:g} s"
    return "the Hub could not be reached, and the card is not in licheck's cache"
