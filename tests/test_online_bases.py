"""`--online`: a base neither the run nor the table knows, resolved from its card on the Hub.

Every request goes to a server we start on 127.0.0.1 in a thread, reached through HF_ENDPOINT
as huggingface_hub reaches a mirror: the HEAD and GET of `/{repo_id}/resolve/main/README.md`,
with the headers the Hub sends (X-Repo-Commit, ETag, Content-Length; X-Error-Code on errors).
Nothing leaves the host.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.engine.judgment import SameRunModel
from licheck.inputs.hub_fetch import CardFetch, fetch_card, is_repo_id
from licheck.online_bases import online_bases

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CARDS = {
    # A chain of two bases on the Hub, ending in Llama 2 (which the built-in table knows).
    "remote/ft-b": "---\nlicense: mit\nbase_model: remote/ft-a\n---\n# B\n",
    "remote/ft-a": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# A\n",
    "remote/open": "---\nlicense: apache-2.0\n---\n# an open base\n",
}
ERRORS = {
    "remote/gone": (404, "RepoNotFound"),
    "remote/gated": (403, "GatedRepo"),
}
HUGE = "remote/huge"
SLOW = "remote/slow"


@dataclass
class Hub:
    """The fake Hub: its address and every request it was sent (method, path)."""

    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _route(self, body_too: bool) -> None:
            hub.requests.append((self.command, self.path))
            repo, sep, rest = self.path.lstrip("/").partition("/resolve/")
            if not sep or rest != "main/README.md":
                self._send(404, b"", {"X-Error-Code": "EntryNotFound"}, body_too)
            elif repo in ERRORS:
                code, error = ERRORS[repo]
                self._send(code, b"", {"X-Error-Code": error}, body_too)
            elif repo == SLOW:
                time.sleep(1.5)  # longer than the test's timeout
                self._send(200, b"", {}, False)
            elif repo == HUGE:
                # Claims 2 MB; nothing of it must be downloaded.
                self._send(200, b"", {"Content-Length": str(2 * 1024 * 1024)}, False)
            elif repo in CARDS:
                body = CARDS[repo].encode()
                etag = f'"{abs(hash(body)):x}"'
                self._send(200, body, {"X-Repo-Commit": COMMIT, "ETag": etag}, body_too)
            else:
                self._send(404, b"", {"X-Error-Code": "RepoNotFound"}, body_too)

        def _send(self, code: int, body: bytes, headers: dict[str, str], body_too: bool) -> None:
            self.send_response(code)
            headers.setdefault("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body_too:
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self._route(body_too=False)

        def do_GET(self) -> None:
            self._route(body_too=True)

    return Handler


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Hub]:
    """A fake Hub on 127.0.0.1, as HF_ENDPOINT; licheck's cache in a fresh folder."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    fake = Hub(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    # huggingface_hub's own files and telemetry stay in the test: no request leaves 127.0.0.1.
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HF_ENDPOINT at a port where nothing listens: the Hub is unreachable."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")


def fine_tune(tmp_path: Path, base: str, license: str = "mit") -> Path:
    folder = tmp_path / "ours" / "ft"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(f"---\nlicense: {license}\nbase_model: {base}\n---\n")
    return folder / "README.md"


def run(*args: str | Path) -> tuple[int, dict[str, object]]:
    with CliRunner().isolation() as (out, _err, _):
        code = main([*(str(a) for a in args), "--format", "json"])
        return code, json.loads(out.getvalue().decode())


def subject(document: dict[str, object]) -> dict[str, object]:
    subjects = document["subjects"]
    assert isinstance(subjects, list)
    first = subjects[0]
    assert isinstance(first, dict)
    return first


def messages(document: dict[str, object], rule: str) -> list[str]:
    violations = subject(document)["violations"]
    assert isinstance(violations, list)
    return [v["message"] for v in violations if v["rule"] == rule]


# --- the fetcher ---------------------------------------------------------------------------


def test_a_card_is_fetched_through_huggingface_hub(hub: Hub) -> None:
    fetched = fetch_card("remote/open")
    assert fetched.text == CARDS["remote/open"]
    assert fetched.commit == COMMIT
    assert ("HEAD", "/remote/open/resolve/main/README.md") in hub.requests


def test_a_missing_repo_gives_the_reason(hub: Hub) -> None:
    fetched = fetch_card("remote/gone")
    assert fetched.text is None
    assert fetched.reason is not None and "no such repository" in fetched.reason


def test_a_gated_repo_gives_the_reason(hub: Hub) -> None:
    fetched = fetch_card("remote/gated")
    assert fetched.reason is not None and "gated" in fetched.reason


def test_a_card_over_the_size_limit_is_refused_before_download(hub: Hub) -> None:
    fetched = fetch_card(HUGE)
    assert fetched.reason is not None and "too large" in fetched.reason
    assert [m for m, p in hub.requests if p.startswith(f"/{HUGE}/")] == ["HEAD"]


def test_a_hub_that_does_not_answer_in_time_gives_the_reason(hub: Hub) -> None:
    fetched = fetch_card(SLOW, timeout=0.3)
    assert fetched.text is None
    assert fetched.reason is not None and "no answer within 0.3 s" in fetched.reason


def test_without_huggingface_hub_the_base_is_unknown_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # the import fails
    fetched = fetch_card("remote/open")
    assert fetched.text is None
    assert fetched.reason is not None and "licheck-ai[online]" in fetched.reason


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "https://evil.example/x", "a/b/c", "one", "a/.."]
)
def test_only_plain_repo_ids_are_fetched(name: str) -> None:
    assert not is_repo_id(name)
    assert fetch_card(name).reason is not None


def test_the_cache_answers_when_the_hub_is_unreachable(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fetch_card("remote/open").text is not None
    stop(monkeypatch)
    again = fetch_card("remote/open")
    assert again.text == CARDS["remote/open"]
    assert again.cached


def test_an_unreachable_hub_without_a_cache_gives_the_reason(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop(monkeypatch)
    fetched = fetch_card("remote/open")
    assert fetched.text is None
    assert fetched.reason is not None and "could not be reached" in fetched.reason


# --- the resolver (no network: a fetcher given as a function) -------------------------------


def _fake_fetch(cards: dict[str, str]) -> tuple[list[str], object]:
    asked: list[str] = []

    def fetch(name: str) -> CardFetch:
        asked.append(name)
        if name in cards:
            return CardFetch(name, text=cards[name])
        return CardFetch(name, reason="not there")

    return asked, fetch


def test_known_bases_are_not_fetched() -> None:
    asked, fetch = _fake_fetch({})
    models = [SameRunModel("ft", "mit", ("meta-llama/Llama-2-7b-hf", "ours/base"))]
    index = {"ours/base": SameRunModel("ours/base", "mit")}
    assert online_bases(models, index, fetch=fetch) == {}  # type: ignore[arg-type]
    assert asked == []


def test_a_chain_deeper_than_the_bound_is_not_fetched_further() -> None:
    cards = {f"o/m{i}": f"---\nlicense: mit\nbase_model: o/m{i + 1}\n---\n" for i in range(10)}
    asked, fetch = _fake_fetch(cards)
    found = online_bases(
        [SameRunModel("ft", "mit", ("o/m0",))],
        {},
        fetch=fetch,  # type: ignore[arg-type]
        max_depth=3,
    )
    assert asked == ["o/m0", "o/m1", "o/m2"]
    assert found["o/m3"].expression is None
    assert "more than 3 bases down" in (found["o/m3"].note or "")


def test_fetches_per_run_are_bounded() -> None:
    asked, fetch = _fake_fetch({})
    bases = tuple(f"o/m{i}" for i in range(5))
    found = online_bases(
        [SameRunModel("ft", "mit", bases)],
        {},
        fetch=fetch,  # type: ignore[arg-type]
        max_fetches=2,
    )
    assert len(asked) == 2
    assert "at most 2 cards" in (found["o/m4"].note or "")


# Each hop of the chain with what its own card declares (issue 18).
CHAIN = (
    "meta-llama/Llama-2-7b-hf through remote/ft-b (mit declared) → "
    "remote/ft-a (apache-2.0 declared)"
)


# --- check, end to end ----------------------------------------------------------------------


def test_a_chain_of_two_hub_bases_ending_in_llama_2_fails_naming_the_chain(
    hub: Hub, tmp_path: Path
) -> None:
    code, document = run("--online", fine_tune(tmp_path, "remote/ft-b"))
    assert code == 1
    found = json.dumps(subject(document), ensure_ascii=False)
    assert CHAIN in found
    assert not messages(document, "unknown-base")


def test_a_hub_base_that_is_not_found_is_unknown_with_the_reason(hub: Hub, tmp_path: Path) -> None:
    code, document = run("--online", fine_tune(tmp_path, "remote/gone"))
    assert code == 1
    (message,) = messages(document, "unknown-base")
    assert "remote/gone" in message and "no such repository" in message


def test_an_open_hub_base_lets_its_fine_tune_pass(hub: Hub, tmp_path: Path) -> None:
    code, document = run("--online", fine_tune(tmp_path, "remote/open", "apache-2.0"))
    assert code == 0, subject(document)["violations"]


def test_the_cache_is_reused_with_the_hub_stopped(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = fine_tune(tmp_path, "remote/ft-b")
    first, _ = run("--online", card)
    stop(monkeypatch)
    code, document = run("--online", card)
    assert first == code == 1
    found = json.dumps(subject(document), ensure_ascii=False)
    assert CHAIN in found
    assert "licheck's cache" in found


def test_without_online_nothing_is_fetched(hub: Hub, tmp_path: Path) -> None:
    code, document = run(fine_tune(tmp_path, "remote/ft-b"))
    assert code == 1
    assert hub.requests == []
    (message,) = messages(document, "unknown-base")
    assert "remote/ft-b" in message


def test_scan_resolves_hub_bases_too(hub: Hub, tmp_path: Path) -> None:
    fine_tune(tmp_path, "remote/ft-b")
    code, document = run("scan", "--online", "--jobs", "1", tmp_path / "ours")
    assert code == 1
    found = json.dumps(subject(document), ensure_ascii=False)
    assert CHAIN in found


# --- card dumps and CardChecker: resolved once, in the main process --------------------------


def _dump(tmp_path: Path, rows: int = 3) -> Path:
    """A card dump whose `rows` fine-tunes (MIT) all name the Hub chain remote/ft-b → ft-a."""
    lines = [
        {"modelId": f"ours/ft{n}", "card": "---\nlicense: mit\nbase_model: remote/ft-b\n---\n"}
        for n in range(rows)
    ]
    lines.append({"modelId": "ours/open", "card": "---\nlicense: mit\n---\n"})
    path = tmp_path / "cards.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _downloads(hub: Hub, repo: str) -> int:
    return sum(1 for m, p in hub.requests if m == "GET" and p.startswith(f"/{repo}/"))


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_card_dump_scan_resolves_hub_bases_once_before_judging(
    hub: Hub, tmp_path: Path, engine: str
) -> None:
    if engine == "dask":
        pytest.importorskip("distributed")
    dump = _dump(tmp_path)
    code, document = run("scan", "--online", "--engine", engine, "--jobs", "2", dump)
    assert code == 1
    by_name = {s["name"]: s for s in document["subjects"]}  # type: ignore[union-attr]
    for n in range(3):
        found = json.dumps(by_name[f"ours/ft{n}"], ensure_ascii=False)
        assert CHAIN in found
        assert "fetched with --online" in found
    assert by_name["ours/open"]["passed"]
    # Three rows name the chain, two workers judge them: each card is downloaded once, by the
    # main process (the workers have no Hub: they only see the broadcast graph).
    assert _downloads(hub, "remote/ft-b") == _downloads(hub, "remote/ft-a") == 1


def test_a_card_dump_scan_without_online_fetches_nothing(hub: Hub, tmp_path: Path) -> None:
    code, document = run("scan", "--jobs", "1", _dump(tmp_path, rows=1))
    assert code == 1
    assert hub.requests == []
    assert "remote/ft-b" in " ".join(messages(document, "unknown-base"))


def test_card_checker_with_online_bases_carries_them_to_workers(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from licheck.check import CardChecker

    card = "---\nlicense: mit\nbase_model: remote/ft-b\n---\n"
    checker = pickle.loads(pickle.dumps(CardChecker().with_online_bases([card, "---\n[\n"])))
    stop(monkeypatch)  # a worker that tried to fetch now would find no Hub
    fetched = len(hub.requests)
    result = checker(card)
    assert not result["passed"]
    assert CHAIN in json.dumps(result, ensure_ascii=False)
    assert len(hub.requests) == fetched
    # Without the resolved bases the same card's base is unknown, never a pass.
    plain = CardChecker()(card)
    assert not plain["passed"]
    assert any(v["rule"] == "unknown-base" for v in plain["violations"])


# --- the cache's age limit ---------------------------------------------------------------------


def _age_cached(repo: str, seconds: float) -> Path:
    """Make the cached card of `repo` look as if the Hub served it `seconds` ago."""
    import os

    from huggingface_hub import try_to_load_from_cache

    from licheck.inputs.hub_fetch import cache_root

    found = try_to_load_from_cache(repo, "README.md", cache_dir=str(cache_root()), revision="main")
    assert isinstance(found, str)
    then = time.time() - seconds
    os.utime(found, (then, then))
    return Path(found)


def test_a_cached_card_older_than_the_limit_is_refused_with_its_age(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fetch_card("remote/open").text is not None
    _age_cached("remote/open", 8 * 86400)
    stop(monkeypatch)
    fetched = fetch_card("remote/open")
    assert fetched.text is None and not fetched.cached
    assert fetched.reason is not None
    assert "8 days old" in fetched.reason and "limit of 7 days" in fetched.reason
    assert "LICHECK_HUB_CACHE_MAX_AGE" in fetched.reason


def test_a_cached_card_within_the_limit_is_used_with_its_age(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fetch_card("remote/open").text is not None
    _age_cached("remote/open", 2 * 3600 + 5)
    stop(monkeypatch)
    fetched = fetch_card("remote/open")
    assert fetched.cached and fetched.text == CARDS["remote/open"]
    assert fetched.age is not None and 2 * 3600 <= fetched.age < 3 * 3600


@pytest.mark.parametrize(("limit", "used"), [("1h", False), ("3h", True), ("0", False)])
def test_the_age_limit_is_set_by_the_environment(
    hub: Hub, monkeypatch: pytest.MonkeyPatch, limit: str, used: bool
) -> None:
    assert fetch_card("remote/open").text is not None
    _age_cached("remote/open", 2 * 3600)
    stop(monkeypatch)
    monkeypatch.setenv("LICHECK_HUB_CACHE_MAX_AGE", limit)
    assert fetch_card("remote/open").cached is used


def test_a_fresh_fetch_makes_the_cached_card_young_again(hub: Hub) -> None:
    assert fetch_card("remote/open").text is not None
    path = _age_cached("remote/open", 30 * 86400)
    assert fetch_card("remote/open").text is not None  # the Hub answers: confirmed now
    assert time.time() - path.stat().st_mtime < 60


def test_a_malformed_age_limit_is_exit_2_naming_the_variable(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LICHECK_HUB_CACHE_MAX_AGE", "a week")
    with CliRunner().isolation() as (_out, err, _):
        code = main(["--online", str(fine_tune(tmp_path, "remote/ft-b"))])
        message = err.getvalue().decode()
    assert code == 2
    assert "LICHECK_HUB_CACHE_MAX_AGE='a week' is not a duration" in message
    assert "Traceback" not in message


def test_the_finding_says_a_cached_card_was_used_and_how_old_it_is(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = fine_tune(tmp_path, "remote/ft-b")
    assert run("--online", card)[0] == 1
    for repo in ("remote/ft-b", "remote/ft-a"):
        _age_cached(repo, 3 * 3600 + 5)
    stop(monkeypatch)
    code, document = run("--online", card)
    assert code == 1
    found = json.dumps(subject(document), ensure_ascii=False)
    assert CHAIN in found
    assert "from licheck's cache (the Hub could not be reached; the Hub served it 3 hours ago)" in (
        found
    )


def test_the_finding_says_a_stale_cached_card_was_refused(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = fine_tune(tmp_path, "remote/ft-b")
    assert run("--online", card)[0] == 1
    _age_cached("remote/ft-b", 10 * 86400)
    stop(monkeypatch)
    code, document = run("--online", card)
    assert code == 1
    (message,) = messages(document, "unknown-base")
    assert "remote/ft-b" in message and "10 days old" in message and "not used" in message
