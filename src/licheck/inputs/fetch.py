"""Fetching a license text from a URL, only when the user asked for it (`--online`).

A model card from a stranger may point `license_link` anywhere: at a local file through
`file:`, at a service inside the CI network, at an endless or enormous download. licheck never
touches the network unless the user passes `--online`, and then it speaks http(s) only to
public addresses, follows a few redirects that obey the same rules, and bounds both the bytes
it reads and the time it waits, so that one hostile link cannot leak a file or a secret, hang a
CI job or exhaust its memory.
"""

from __future__ import annotations

import time
import urllib.parse
from typing import IO, Any

from licheck.errors import InputError
from licheck.inputs.yamlfile import decode_text

MAX_FETCH_BYTES = 2 * 1024 * 1024
FETCH_TIMEOUT = 10.0
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
_CHUNK = 64 * 1024
# Loopback, private, link-local and reserved addresses are refused (see _check_host); tests
# that serve files on 127.0.0.1 switch this on.
PRIVATE_HOSTS_ALLOWED = False
# A web page is a rendering around the license, not its text: judging its markup would mislead.
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def check_url(url: str, *, source: str | None = None, line: int | None = None) -> str:
    """The URL if licheck may fetch it (http or https with a host), else an InputError.

    file:, ftp:, data: and every other scheme are refused: they could read local files or
    reach services that a CI runner must keep to itself.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError as exc:
        raise InputError(f"not a valid URL: {url!r} ({exc})", file=source, line=line) from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        shown = parts.scheme or "no scheme"
        raise InputError(
            f"licheck fetches http(s) URLs only, not {shown}: {url!r}",
            file=source,
            line=line,
            hint="download the license text beside the model card and link it by a relative path",
        )
    if not parts.hostname:
        raise InputError(f"the URL {url!r} names no host", file=source, line=line)
    return url.strip()


def raw_url(url: str) -> str:
    """The plain-text address of a file page on Hugging Face or GitHub, else the URL unchanged.

    Cards link `https://huggingface.co/ORG/REPO/blob/main/LICENSE`, which is an HTML page; the
    same file as text is under `/raw/`. GitHub's `/blob/` pages have raw.githubusercontent.com.
    """
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = parts.path.split("/")
    if host in ("huggingface.co", "www.huggingface.co") and "blob" in segments:
        index = segments.index("blob")
        segments[index] = "raw"
        return urllib.parse.urlunsplit(parts._replace(path="/".join(segments)))
    if host in ("github.com", "www.github.com") and len(segments) > 4 and segments[3] == "blob":
        path = "/".join(segments[:3] + segments[4:])
        return urllib.parse.urlunsplit(
            parts._replace(netloc="raw.githubusercontent.com", path=path)
        )
    return url


def _check_host(url: str, source: str | None, line: int | None) -> None:
    """Refuse a URL whose host is on this machine or its private network (unless allowed).

    A card's link is chosen by a stranger; fetched text ends up in reports. Without this, a
    link to a cloud metadata service (169.254.169.254) or an internal server would copy what
    the CI runner can see into a report that may be published. A name that does not resolve
    here is left to the request (it fails, or a proxy resolves it). A host that resolves to a
    public address now and to a private one a moment later (DNS rebinding) is not caught.
    """
    import ipaddress
    import socket

    if PRIVATE_HOSTS_ALLOWED:
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise InputError(
                f"licheck does not fetch from {host} ({address}): a local, private or "
                "reserved address",
                file=source,
                line=line,
                hint="license links must be public URLs; download the text beside the card",
            )


def _opener(source: str | None, line: int | None) -> Any:
    """An opener that knows http(s) only: no file:, ftp: or data: handler is even installed."""
    import urllib.request

    class _Redirects(urllib.request.HTTPRedirectHandler):
        """Follows at most MAX_REDIRECTS redirects, each to http(s) only."""

        max_redirections = MAX_REDIRECTS

        def http_error_302(
            self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any
        ) -> Any:
            # Checked before urllib's own test, which would still allow ftp:.
            location = headers.get("Location") or headers.get("URI") or ""
            self._check(urllib.parse.urljoin(req.full_url, location), fp)
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        def _check(self, newurl: str, fp: IO[bytes]) -> None:
            scheme = urllib.parse.urlsplit(newurl).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                fp.close()
                raise InputError(
                    f"the server redirected to a {scheme or 'relative'} URL, "
                    f"which licheck does not follow: {newurl!r}",
                    file=source,
                    line=line,
                )
            try:
                _check_host(newurl, source, line)
            except InputError:
                fp.close()
                raise

        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: IO[bytes],
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            self._check(newurl, fp)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # honours the CI's http(s)_proxy / no_proxy settings
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _Redirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_text(
    url: str,
    *,
    max_bytes: int = MAX_FETCH_BYTES,
    timeout: float = FETCH_TIMEOUT,
    source: str | None = None,
    line: int | None = None,
) -> str:
    """Download a license text over http(s), within `max_bytes` and about `timeout` seconds.

    The size limit holds while reading (a server may lie in Content-Length or send none), and
    the time limit is a deadline over the whole download, not only per socket operation, so a
    server that drips one byte at a time is cut off too. `source` and `line` locate the
    declaration (the card's `license_link`) in error messages.
    """
    import http.client
    import urllib.error
    import urllib.request

    url = check_url(url, source=source, line=line)
    fetched = raw_url(url)
    _check_host(fetched, source, line)
    deadline = time.monotonic() + timeout

    def failed(why: str, hint: str | None = None) -> InputError:
        return InputError(f"cannot fetch {url}: {why}", file=source, line=line, hint=hint)

    request = urllib.request.Request(
        fetched, headers={"User-Agent": "licheck", "Accept": "text/plain, */*;q=0.5"}
    )
    try:
        response = _opener(source, line).open(request, timeout=timeout)
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()  # the error carries the open response; nothing of it is read
        why = f"the server answered {exc.code} {exc.reason}"
        if 300 <= exc.code < 400 and "infinite loop" in str(exc.msg):
            why = f"too many redirects (the limit is {MAX_REDIRECTS})"
        raise failed(why) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        why = "timed out" if isinstance(reason, TimeoutError) else str(reason)
        raise failed(why, hint="check the link, or download the text beside the card") from exc
    except TimeoutError as exc:
        raise failed(f"no answer within {timeout:g} s") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise failed(str(exc) or type(exc).__name__) from exc
    with response:
        content_type = response.headers.get_content_type()
        if content_type in _PAGE_TYPES:
            raise failed(
                f"it is a web page ({content_type}), not a license text",
                hint="link the plain-text file, or download it beside the card",
            )
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise failed(
                f"it is too large ({int(declared):,} bytes; the limit is {max_bytes:,})",
                hint="a license text is a few hundred KB at most",
            )
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise failed(f"the download took longer than {timeout:g} s")
                # read1 makes at most one read on the socket, so the deadline is checked often
                # even when a server sends a byte at a time.
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise failed(
                        f"it is larger than the limit of {max_bytes:,} bytes",
                        hint="a license text is a few hundred KB at most",
                    )
                chunks.append(chunk)
        except InputError:
            raise
        except TimeoutError as exc:
            raise failed(f"no data within {timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise failed(str(exc) or type(exc).__name__) from exc
        charset = response.headers.get_content_charset()
    data = b"".join(chunks)
    if charset and charset.lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise failed(f"its text is not valid {charset}") from exc
    return decode_text(data, url, "license text")
