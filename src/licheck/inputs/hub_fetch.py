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

The repo ids come from strangers' cards, so only a plain `ORG/NAME` id is fetched (no URL, no
path, no `..`) and always at `main`. The endpoint is not checked against private addresses as
inputs/fetch.py checks a card's license_link: it is the user's choice (`HF_ENDPOINT`, an
internal mirror is a normal set-up, and the tests' 127.0.0.1 server), never a card's, and a card
can only choose the repo id inside it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CARD_BYTES = 1024 * 1024
FETCH_TIMEOUT = 10.0
REVISION = "main"
# A Hub repo id: one org and one name of letters, digits, `-`, `_` and `.` (not `..`).
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")


@dataclass(frozen=True)
class CardFetch:
    """What fetching one base's card gave: its text, or why there is none (errors as values:
    a base that cannot be fetched is unknown, never a pass). `cached` says the answer came
    from the cache because the Hub could not be reached."""

    repo_id: str
    text: str | None = None
    reason: str | None = None
    cached: bool = False
    commit: str | None = None


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
) -> CardFetch:
    """The README.md of the Hub model `repo_id` at `main`, or the reason it cannot be had.

    A 404 (no such repo or no card), a 401/403 (gated or private without HF_TOKEN), a timeout
    or a card over `max_bytes` gives a reason; an unreachable Hub falls back to the cache.
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
        return _cached(repo_id, cache, failed(_network(exc, timeout)))
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
    return _read(repo_id, path, max_bytes, failed, commit=meta.commit_hash)


def _cached(repo_id: str, cache: str, unreachable: CardFetch) -> CardFetch:
    """The cached card when the Hub cannot be reached, else the reason it could not be."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, "README.md", cache_dir=cache, revision=REVISION)
    if not isinstance(found, str):
        return unreachable

    def failed(why: str) -> CardFetch:
        return CardFetch(repo_id, reason=f"its cached card cannot be read: {why}")

    fetched = _read(repo_id, Path(found), MAX_CARD_BYTES, failed)
    return CardFetch(repo_id, fetched.text, fetched.reason, cached=fetched.text is not None)


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
