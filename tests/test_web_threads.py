"""The web server is safe to use from two tabs (issue 12): a real threaded waitress server, as `contractgen
serve` runs it, on 127.0.0.1 and an ephemeral port, with hundreds of overlapping live-check and preview
requests from several sessions. Every one must answer 200; the validators cerberus builds keep the
document being validated, so sharing one between threads answered some of these with a 500."""
from __future__ import annotations

import http.cookiejar
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import waitress

from contractgen.web.app import create_app

from conftest import EXAMPLE

CLIENTS = 6
ROUNDS = 30  # per client, each a live check and a preview: 360 requests
DEADLINE_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tab:
    """One browser session: its own cookie, its CSRF token, the example order loaded."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/section/contract", timeout=30).read().decode("utf-8")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        boundary = "contractgen-test-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{self.csrf}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"answers\"; filename=\"order.yaml\"\r\n"
                "Content-Type: application/x-yaml\r\n\r\n").encode() + EXAMPLE.read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        self.send("/load", body, f"multipart/form-data; boundary={boundary}")

    def send(self, path: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": content_type, "Origin": self.base, "X-CSRF-Token": self.csrf})
        with self.opener.open(request, timeout=60) as response:
            return response.status

    def live(self, deposit: int) -> int:
        form = urllib.parse.urlencode({"payment.deposit_percent": str(deposit)}).encode()
        return self.send("/api/section/payment", form, "application/x-www-form-urlencoded")

    def preview(self) -> int:
        with self.opener.open(self.base + "/preview?doc=po_annex&layout=parallel", timeout=60) as response:
            return response.status


def _status(call) -> int:
    try:
        return call()
    except urllib.error.HTTPError as error:
        return error.code


def test_overlapping_live_checks_and_previews_all_succeed():
    port = free_port()
    server = waitress.create_server(create_app("order_set", "127.0.0.1", port), host="127.0.0.1", port=port,
                                    threads=8, ident="contractgen")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        tabs = [Tab(base) for _ in range(CLIENTS)]
        calls = [(lambda tab=tab, i=i: tab.live(10 + i % 20)) for i in range(ROUNDS) for tab in tabs] + \
            [(lambda tab=tab: tab.preview()) for _ in range(ROUNDS) for tab in tabs]
        calls = [c for pair in zip(calls[:len(calls) // 2], calls[len(calls) // 2:]) for c in pair]  # interleaved
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS * 2) as pool:
            statuses = list(pool.map(lambda call: _status(call), calls))
        assert time.monotonic() - started < DEADLINE_SECONDS
    finally:
        server.close()
        thread.join(timeout=10)
    failed = [s for s in statuses if s != 200]
    assert len(statuses) == 2 * CLIENTS * ROUNDS and not failed, f"{len(failed)} of {len(statuses)} failed: {failed[:10]}"
