"""Fetching license texts with --online: http(s) only, bounded in size and time.

Every request here goes to a server we start on 127.0.0.1 in a thread; nothing leaves the host.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from licheck.errors import InputError
from licheck.inputs import fetch
from licheck.inputs.fetch import check_url, fetch_text, raw_url
from licheck.inputs.hf_card import parse_card

LICENSE_BODY = b"ACME TERMS (made up for tests)\nYou may copy and share this model.\n"


class _Handler(BaseHTTPRequestHandler):
    """Routes that behave like the servers a card's license_link may point at."""

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _send(self, code: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        routes = {
            "/license.txt": lambda: self._send(200, LICENSE_BODY),
            "/latin1.txt": lambda: self._send(
                200, "Café terms\n".encode("latin-1"), "text/plain; charset=iso-8859-1"
            ),
            "/page.html": lambda: self._send(200, b"<html>terms</html>", "text/html"),
            "/redirect": lambda: self._redirect("/license.txt"),
            "/loop": lambda: self._redirect("/loop"),
            "/to-file": lambda: self._redirect("file:///etc/passwd"),
            "/big": lambda: self._send(200, b"x" * 5000),
            "/binary": lambda: self._send(200, b"\x00\x01\x02binary", "application/octet-stream"),
        }
        if self.path in routes:
            routes[self.path]()
        elif self.path == "/big-no-length":
            # No Content-Length: the size limit must hold while reading.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"y" * 1000)
            except OSError:
                pass  # the client stopped reading at its limit, as it should
        elif self.path == "/drip":
            # One byte at a time, each well within a socket timeout, for far longer in total.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"z")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client hung up, as it should
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def _local_server_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let requests reach our 127.0.0.1 server, directly even where a proxy is set."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(fetch, "PRIVATE_HOSTS_ALLOWED", True)


def test_loopback_address_is_refused_by_default(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "PRIVATE_HOSTS_ALLOWED", False)
    with pytest.raises(InputError, match="local, private or reserved"):
        fetch_text(f"{server}/license.txt")


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"]
)
def test_metadata_and_private_addresses_are_refused_before_connecting(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "PRIVATE_HOSTS_ALLOWED", False)
    with pytest.raises(InputError, match="local, private or reserved"):
        fetch_text(url, timeout=0.5)


def test_fetches_a_plain_text(server: str) -> None:
    assert fetch_text(f"{server}/license.txt") == LICENSE_BODY.decode()


def test_follows_a_redirect_within_http(server: str) -> None:
    assert fetch_text(f"{server}/redirect") == LICENSE_BODY.decode()


def test_decodes_the_declared_charset(server: str) -> None:
    assert fetch_text(f"{server}/latin1.txt") == "Café terms\n"


def test_redirect_loop_is_cut_off(server: str) -> None:
    with pytest.raises(InputError, match="too many redirects"):
        fetch_text(f"{server}/loop")


def test_redirect_to_file_scheme_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="does not follow"):
        fetch_text(f"{server}/to-file")


def test_declared_size_over_the_limit_is_refused_before_reading(server: str) -> None:
    with pytest.raises(InputError, match="too large"):
        fetch_text(f"{server}/big", max_bytes=1000)


def test_size_limit_holds_without_content_length(server: str) -> None:
    with pytest.raises(InputError, match="larger than the limit"):
        fetch_text(f"{server}/big-no-length", max_bytes=10_000)


def test_slow_drip_is_cut_off_by_the_total_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="longer than"):
        fetch_text(f"{server}/drip", timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_web_page_is_not_taken_for_a_license_text(server: str) -> None:
    with pytest.raises(InputError, match="web page"):
        fetch_text(f"{server}/page.html")


def test_binary_answer_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="NUL bytes"):
        fetch_text(f"{server}/binary")


def test_http_error_names_the_status(server: str) -> None:
    with pytest.raises(InputError, match="404"):
        fetch_text(f"{server}/absent")


def test_error_is_located_at_the_declaring_line(server: str) -> None:
    with pytest.raises(InputError) as caught:
        fetch_text(f"{server}/absent", source="README.md", line=4)
    assert (caught.value.file, caught.value.line) == ("README.md", 4)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/LICENSE",
        "data:text/plain,terms",
        "gopher://127.0.0.1/",
        "LICENSE",
        "http:///no-host",
    ],
)
def test_only_http_urls_with_a_host_are_fetched(url: str) -> None:
    with pytest.raises(InputError):
        check_url(url)


def test_refused_url_never_reaches_the_network() -> None:
    with pytest.raises(InputError, match="http\\(s\\) URLs only"):
        fetch_text("file:///etc/passwd")


def test_hub_blob_page_maps_to_its_raw_file() -> None:
    url = "https://huggingface.co/acme/model/blob/main/LICENSE"
    assert raw_url(url) == "https://huggingface.co/acme/model/raw/main/LICENSE"


def test_github_blob_page_maps_to_raw_githubusercontent() -> None:
    url = "https://github.com/acme/model/blob/main/LICENSE"
    assert raw_url(url) == "https://raw.githubusercontent.com/acme/model/main/LICENSE"


def test_other_urls_are_left_alone() -> None:
    assert raw_url("https://example.com/blob/LICENSE") == "https://example.com/blob/LICENSE"


def test_card_license_link_is_fetched_when_online(server: str) -> None:
    url = f"{server}/license.txt"
    card = f"---\nlicense: other\nlicense_link: {url}\n---\n"
    record = parse_card(card, source="README.md", folder=None, online=True)
    assert [(t.path, t.text, t.declared_line) for t in record.license_texts] == [
        (url, LICENSE_BODY.decode(), 3)
    ]


def test_card_fetch_failure_points_at_the_license_link_line(server: str) -> None:
    card = f"---\nlicense: other\nlicense_link: {server}/absent\n---\n"
    with pytest.raises(InputError) as caught:
        parse_card(card, source="README.md", folder=None, online=True)
    assert (caught.value.file, caught.value.line) == ("README.md", 3)
