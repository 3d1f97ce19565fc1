"""What keeps a local web page local: the answers are a buyer's business terms.

- Host header: only the address the server was started on (and localhost's names), so a web page on
  another site cannot reach this server through DNS rebinding.
- Cross-site posts: every POST carries the session's token (a form field or the X-CSRF-Token header),
  and a POST whose Origin or Referer names another site is refused even with one.
- Sessions: only a page load of this app (a navigation from nowhere or from its own pages, as the
  browser's Fetch Metadata headers tell) opens one; images, frames and scripts of another site cannot.
- Headers: a strict Content-Security-Policy (nothing loaded from anywhere but this server, no inline
  script), no caching of pages holding answers, no framing by other sites.
"""
from __future__ import annotations

import hmac
import ipaddress
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")
# the preview is a standalone document with its CSS inline; it runs in a sandbox with no script at all
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
                  "base-uri 'none'; form-action 'none'; sandbox")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values this server answers to."""
    names = {host if ":" not in host else f"[{host}]", *LOOPBACK_NAMES}
    if host in WILDCARDS:  # reachable on every interface: accept this machine's own names
        names.discard(host)
        hostname = socket.gethostname()
        names.add(hostname)
        try:
            for *_, address in socket.getaddrinfo(hostname, None):
                ip = address[0]
                names.add(f"[{ip}]" if ":" in ip else ip)
        except OSError:
            pass
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(hosts)


def same_origin(origin: str | None, referer: str | None, host: str) -> bool:
    """Whether a POST says it comes from this server. A browser always sends Origin with a POST; a
    request with neither header (a script, a privacy proxy) is judged by its token alone."""
    if origin is not None:
        return origin == f"http://{host}"
    if referer:
        parts = urlsplit(referer)
        return parts.scheme == "http" and parts.netloc == host
    return True


def is_page_load(headers) -> bool:
    """Whether a request is a top-level page load typed, bookmarked or linked from this server. A
    client that sends no Fetch Metadata (a script, an old browser) is taken at its word."""
    return (headers.get("Sec-Fetch-Dest", "document") == "document"
            and headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
            and headers.get("Sec-Fetch-Site", "none") in ("none", "same-origin"))


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def security_headers(headers, preview: bool = False) -> None:
    headers["Content-Security-Policy"] = PREVIEW_POLICY if preview else PAGE_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
