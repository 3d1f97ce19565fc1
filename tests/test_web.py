"""`contractgen serve`: the local web interview.

The browser test runs the real command (`python -m contractgen serve`, waitress) and drives Debian's
Chromium through it with Playwright, as a buyer would: an answers file loaded for part of the order,
the contract details and the products typed, a wrong deposit on purpose, questions that appear and
disappear, 中文, the preview, the risk summary and the downloads; the DOCX must be byte-identical to
`contractgen build` of the downloaded answers. It saves the screenshots the README shows.

The other tests use Flask's test client: cross-site posts, upload limits, the Host header, escaping.
"""
from __future__ import annotations

import copy
import html
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from contractgen.cli import _parser
from contractgen.web.app import create_app
from contractgen.web.form import field_anchor
from contractgen.core.yamlio import load_yaml_file, load_yaml_text

from conftest import EXAMPLE, ROOT, _plain
from conftest import copied_checkout, docx_text, run_cli

CHROMIUM = Path("/usr/bin/chromium")
# Every run saves the main pages to build/screenshots/ (not tracked: PNGs differ run to run); refresh
# the README's copies with CONTRACTGEN_SCREENSHOTS=docs/screenshots python -m pytest tests/test_web.py
SCREENSHOTS = ROOT / os.environ.get("CONTRACTGEN_SCREENSHOTS", "build/screenshots")
BASE = "http://127.0.0.1:8000"


# -- the Flask test client ---------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch) -> Path:
    """The user's data folder of every test here: a fresh one, never the real ~/.local/share."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def client(data_home):
    return create_app("order_set", "127.0.0.1", 8000).test_client()


def token(client) -> str:
    page = client.get("/section/contract", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def post(client, path: str, data: dict, **headers):
    return client.post(path, base_url=BASE, data=data, headers=headers)


def example_yaml(**changes) -> bytes:
    data = copy.deepcopy(load_yaml_file(EXAMPLE))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    return yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False).encode("utf-8")


def upload(client, content: bytes, csrf: str, name: str = "order.yaml"):
    import io

    return client.post("/load", base_url=BASE, data={"_csrf": csrf, "answers": (io.BytesIO(content), name)},
                       headers={"Origin": BASE}, content_type="multipart/form-data")


def test_serve_binds_to_loopback_by_default():
    args = _parser().parse_args(["serve"])
    assert (args.host, args.port, args.interview) == ("127.0.0.1", 8000, "order_set")


def test_another_host_is_served_with_a_warning(monkeypatch, capsys):
    import waitress

    from contractgen.web import app as web

    calls = []

    class Server:  # what waitress.create_server returns, without listening on a real interface
        def __init__(self, app, **kw):
            calls.append(kw)

        def run(self):
            calls.append("ran")

        def close(self):
            calls.append("closed")

    monkeypatch.setattr(waitress, "create_server", Server)
    assert web.serve("0.0.0.0", 8123, "sales_contract") == 0
    assert calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 8123 and calls[1:] == ["ran", "closed"]
    assert "warning: serving on 0.0.0.0" in capsys.readouterr().err
    web.serve("127.0.0.1", 8124, "sales_contract")
    assert "warning" not in capsys.readouterr().err


def test_host_header_must_name_this_server(client):
    assert client.get("/section/contract", base_url=BASE).status_code == 200
    assert client.get("/section/contract", base_url="http://localhost:8000").status_code == 200
    rebound = client.get("/section/contract", base_url="http://attacker.example:8000")
    assert rebound.status_code == 400 and "only to the address" in rebound.get_data(as_text=True)
    assert client.get("/section/contract", base_url="http://127.0.0.1:9999").status_code == 400


def test_cross_site_posts_are_refused(client):
    csrf = token(client)
    answer = {"_csrf": csrf, "contract.number": "SC-EVIL", "_action": "save"}
    assert post(client, "/section/contract", answer, Origin="http://evil.example").status_code == 403
    assert post(client, "/section/contract", answer, Referer="http://evil.example/form").status_code == 403
    assert post(client, "/section/contract", {**answer, "_csrf": "guess"}, Origin=BASE).status_code == 403
    assert post(client, "/section/contract", {k: v for k, v in answer.items() if k != "_csrf"}).status_code == 403
    assert post(client, "/api/section/contract", {"contract.number": "SC-EVIL"}, Origin=BASE).status_code == 403
    # a form on another site cannot read the token: nothing was stored
    assert b"SC-EVIL" not in client.get("/download/answers.yaml", base_url=BASE).data
    ok = post(client, "/section/contract", {**answer, "contract.number": "SC-OK"}, Origin=BASE)
    assert ok.status_code == 303
    ok = post(client, "/api/section/contract", {"contract.number": "SC-OK2"}, Origin=BASE, **{"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.get_json()["revision"] >= 2
    assert b"number: SC-OK2" in client.get("/download/answers.yaml", base_url=BASE).data


def test_pages_are_locked_down(client):
    response = client.get("/section/contract", base_url=BASE)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN" and response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)  # nothing from another server
    assert "<script>" not in page  # the one script is a file of this server


def test_oversized_upload_is_refused_with_a_clear_page(client):
    response = upload(client, b"# padding\n" * 200_000, token(client))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True) and "1024 KiB" in response.get_data(as_text=True)


@pytest.mark.parametrize("content, says", [
    (b"a: &a [1, 2]\nb: [*a, *a, *a]\n" + b"c: &c [" + b"*a, " * 2 + b"]\n", None),
    (b"contract: {number: X}\ncontract: {number: Y}\n", "key 'contract' repeated"),
    (b"- just\n- a list\n", "a mapping of answers"),
    (b"contract: [unclosed\n", "valid YAML"),
    (b"\xff\xfe not utf-8", "UTF-8"),
])
def test_a_bad_answers_file_is_explained_not_a_crash(client, content, says):
    response = upload(client, content, token(client))
    if says is None:  # small aliases are fine: the answers load, with their problems listed
        assert response.status_code == 303
        return
    assert response.status_code == 400
    assert says in html.unescape(response.get_data(as_text=True))


def test_an_alias_bomb_is_refused(client):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh"))
    response = upload(client, bomb.encode(), token(client))
    assert response.status_code == 400 and "alias bomb" in response.get_data(as_text=True)


def test_hostile_names_are_shown_escaped(client):
    hostile = "{{ 7*7 }} <script>alert(1)</script>"
    csrf = token(client)
    assert upload(client, example_yaml(**{"supplier.name_en": hostile}), csrf).status_code == 303
    preview = client.get("/preview?doc=sales_contract&layout=parallel", base_url=BASE)
    assert preview.status_code == 200
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    body = preview.get_data(as_text=True)
    assert "{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body
    page = client.get("/section/supplier", base_url=BASE).get_data(as_text=True)
    assert 'value="{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;"' in page and "<script>alert" not in page


def test_a_refused_answer_is_kept_apart_with_its_reason(client):
    csrf = token(client)
    upload(client, example_yaml(), csrf)
    post(client, "/section/payment", {"_csrf": csrf, "payment.deposit_percent": "120", "_action": "next"}, Origin=BASE)
    page = client.get("/section/payment", base_url=BASE).get_data(as_text=True)
    assert 'value="120"' in page and "Expected a number from 0 to 100; found 120." in page
    assert b"deposit_percent: 30" in client.get("/download/answers.yaml", base_url=BASE).data
    assert client.get("/download/sales_contract.docx", base_url=BASE).status_code == 409  # not while refused
    chinese = client.get("/section/payment?lang=zh", base_url=BASE).get_data(as_text=True)
    assert "应为0至100之间的数字；实际为120。" in chinese


def test_a_decimal_comma_is_refused_in_the_page_language(client):
    csrf = token(client)
    upload(client, example_yaml(), csrf)
    post(client, "/section/products", {"_csrf": csrf, "products[0].unit_price": "3,20", "_action": "save"}, Origin=BASE)
    english = html.unescape(client.get("/section/products?lang=en", base_url=BASE).get_data(as_text=True))
    assert "found '3,20': a decimal comma? write 3.20." in english
    chinese = html.unescape(client.get("/section/products?lang=zh", base_url=BASE).get_data(as_text=True))
    assert "应为使用小数点的数字，逗号只能用于每三位数字之间（如1,234.50）；实际为'3,20'：这是小数逗号吗？请写作3.20。" in chinese


def test_show_if_is_decided_by_the_server(client):
    csrf = token(client)
    upload(client, example_yaml(), csrf)
    live = post(client, "/api/section/quality", {"quality.inspection": "none"}, Origin=BASE,
                **{"X-CSRF-Token": csrf}).get_json()
    assert "quality.inspection_level" not in live["shown"] and "quality.inspection" in live["shown"]
    assert live["nav"]["payment"] == "error"  # payment after an inspection that is no longer arranged
    live = post(client, "/api/section/quality", {"quality.inspection": "buyer"}, Origin=BASE,
                **{"X-CSRF-Token": csrf}).get_json()
    assert "quality.inspection_level" in live["shown"] and live["nav"]["payment"] == "done"


# -- the real server, in a real browser ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    data_home = tmp_path_factory.mktemp("server-data-home")  # the interviews it saves go here
    process = subprocess.Popen([sys.executable, "-m", "contractgen", "serve", "--port", str(port)],
                               env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(data_home)},
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/section/contract", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"contractgen serve did not start: {process.communicate()[1]}")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    assert f"http://127.0.0.1:{port}/" in out and "Traceback" not in err, err


def test_the_server_refuses_other_hosts_and_big_uploads(server):
    port = server.rsplit(":", 1)[1]
    request = urllib.request.Request(server + "/section/contract", headers={"Host": f"rebind.example:{port}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    import http.cookiejar

    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    browser.open(server + "/section/contract", timeout=10).read()  # a session: not refused for lacking one
    request = urllib.request.Request(server + "/load", data=b"x" * (2 * 1024 * 1024), method="POST",
                                     headers={"Content-Type": "multipart/form-data; boundary=b"})
    with pytest.raises(urllib.error.HTTPError) as too_big:
        browser.open(request, timeout=10)
    assert too_big.value.code == 413


@pytest.fixture(scope="module")
def page(server):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed: run scripts/setup.sh")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(viewport={"width": 1440, "height": 960}, accept_downloads=True,
                                      locale="en-US")
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


def field(path: str) -> str:
    """The CSS selector of the form control of an answers path."""
    return "#in-" + field_anchor(path)


def box(path: str) -> str:
    return "#" + field_anchor(path)


def arrived(page, section: str) -> None:
    """Wait until the section's page has loaded and its script listens (a robot is faster than a person)."""
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(rf"/section/{section}(#.*)?$"))
    page.wait_for_load_state()
    page.wait_for_selector("html[data-live=ready]", state="attached")


def open_section(page, section: str) -> None:
    page.click(f"nav.sections li[data-block={section}] a")
    arrived(page, section)


def test_a_buyer_fills_the_interview_in_chromium(server, page, tmp_path):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # 1. Most of the order comes from an answers file; the contract details and products do not.
    partial = copy.deepcopy(load_yaml_file(EXAMPLE))
    del partial["contract"], partial["products"]
    start = tmp_path / "partial.yaml"
    start.write_text(yaml.safe_dump(_plain(partial), allow_unicode=True, sort_keys=False), encoding="utf-8")
    page.goto(server + "/load")
    page.set_input_files("#answers-file", str(start))
    page.click("#load-button")
    expect(page.locator("#problems")).to_contain_text("Contract number")
    expect(page.locator("nav.sections li[data-block=contract]")).to_have_attribute("data-status", "error")

    # 2. The contract details, typed.
    open_section(page, "contract")
    page.fill(field("contract.number"), "SC-2027-0007")
    page.fill(field("contract.date"), "2027-01-15")
    page.fill(field("contract.place_of_signing"), "Ningbo")
    page.fill(field("contract.place_of_signing_zh"), "宁波")
    page.click("#next")
    arrived(page, "buyer")
    expect(page.locator("nav.sections li[data-block=contract]")).to_have_attribute("data-status", "done")

    # 3. The products, typed: a line added, a second one added and removed again.
    open_section(page, "products")
    expect(page.locator("fieldset.list .empty")).to_be_visible()
    page.click("button[value='add:products']")
    arrived(page, "products")
    line = {"sku": "NW-MUG-350", "description_en": "350 ml ceramic mug", "description_zh": "350毫升陶瓷杯",
            "specification_en": "Stoneware, glazed inside and out, dishwasher safe",
            "specification_zh": "炻瓷，内外施釉，可用洗碗机清洗", "quantity": "2400", "unit": "pcs",
            "unit_price": "1.85", "hs_code": "6912.00"}
    for name, value in line.items():
        page.fill(field(f"products[0].{name}"), value)
    page.click("button[value='add:products']")
    arrived(page, "products")
    expect(page.locator("fieldset.entry")).to_have_count(2)
    page.fill(field("products[1].sku"), "TO-BE-REMOVED")
    page.click("button[value='remove:products[1]']")
    arrived(page, "products")
    expect(page.locator("fieldset.entry")).to_have_count(1)
    expect(page.locator(field("products[0].sku"))).to_have_value("NW-MUG-350")
    expect(page.locator(field("products[0].unit_price"))).to_have_value("1.85")
    page.screenshot(path=str(SCREENSHOTS / "section-products.png"))
    page.click("#next")
    arrived(page, "payment")

    # 4. A wrong deposit: the error appears next to the field as soon as the field is left (the
    #    page's script asks the server), and the server keeps the page when it is saved.
    deposit, error = page.locator(field("payment.deposit_percent")), page.locator("#err-" + field_anchor(
        "payment.deposit_percent"))
    deposit.fill("120")
    deposit.press("Tab")
    expect(error).to_have_text("Expected a number from 0 to 100; found 120.")
    expect(page.locator("nav.sections li[data-block=payment]")).to_have_attribute("data-status", "error")
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/section/payment#errors$"))
    arrived(page, "payment")
    expect(error).to_have_text("Expected a number from 0 to 100; found 120.")
    expect(deposit).to_have_value("120")
    page.screenshot(path=str(SCREENSHOTS / "error-deposit.png"))
    deposit.fill("30")
    deposit.press("Tab")
    expect(error).to_have_text("")
    page.click("#next")
    arrived(page, "delivery")

    # 5. show_if, live: no inspection hides its level (and makes the balance trigger wrong); an
    #    optional block switched off hides its questions and keeps the answers for switching back.
    open_section(page, "quality")
    level = page.locator(box("quality.inspection_level"))
    expect(level).to_be_visible()
    page.select_option(field("quality.inspection"), "none")
    expect(level).to_be_hidden()
    expect(page.locator("nav.sections li[data-block=payment]")).to_have_attribute("data-status", "error")
    page.select_option(field("quality.inspection"), "third_party")
    expect(level).to_be_visible()
    expect(page.locator("nav.sections li[data-block=payment]")).to_have_attribute("data-status", "done")
    open_section(page, "tooling")
    marking = page.locator(field("tooling.marking"))
    expect(marking).to_be_visible()
    page.check("#present-no")
    expect(marking).to_be_hidden()
    page.check("#present-yes")
    expect(marking).to_be_visible()
    expect(marking).to_have_value("Property of Northwind Home Goods LLC / 北风家居有限公司所有")
    page.select_option(field("tooling.owner"), "supplier")
    expect(marking).to_be_hidden()
    page.select_option(field("tooling.owner"), "buyer")
    expect(marking).to_be_visible()

    # 6. The preview: the sales contract as the answers stand, English beside Chinese.
    open_section(page, "products")
    page.wait_for_load_state("networkidle")
    frame = page.frame_locator("#preview-frame")
    expect(frame.locator("article")).to_contain_text("NW-MUG-350")
    expect(frame.locator("article")).to_contain_text("350毫升陶瓷杯")
    expect(frame.locator("article")).to_contain_text("SC-2027-0007")
    # scroll the frame alone (not the page) to the product table for the screenshot
    frame.locator("table.products").evaluate("t => window.scrollTo(0, t.getBoundingClientRect().top - 120)")
    page.screenshot(path=str(SCREENSHOTS / "preview.png"))

    # 7. The risk summary and its verdict, as `contractgen check` gives it.
    page.click("#nav-review")
    expect(page.locator("#problems")).to_contain_text("Every answer is valid.")
    expect(page.locator("#verdict")).to_contain_text("Verdict:")
    page.screenshot(path=str(SCREENSHOTS / "review-risk.png"))

    # 8. 中文: every label, help text, choice and button.
    page.click("#lang-zh")
    expect(page.locator("main h1")).to_have_text("检查与下载")
    open_section(page, "payment")
    expect(page.locator("main h1")).to_have_text("付款")
    expect(page.locator("#label-" + field_anchor("payment.deposit_percent"))).to_contain_text("预付款或定金比例")
    expect(page.locator(field("payment.deposit_kind") + " option[value=advance]")).to_have_text("预付款")
    expect(page.locator("#next")).to_have_text("保存并继续")
    page.screenshot(path=str(SCREENSHOTS / "zh-payment.png"))
    page.click("#lang-en")
    expect(page.locator("main h1")).to_have_text("Payment")

    # 9. Downloads: the answers file to keep, and the sales contract, byte-identical to a build of it.
    page.click("#nav-review")
    with page.expect_download() as download:
        page.click("#download-answers")
    answers = tmp_path / download.value.suggested_filename
    download.value.save_as(answers)
    assert answers.name == "SC-2027-0007.yaml"
    saved = load_yaml_text(answers.read_text("utf-8"), str(answers))
    assert saved["contract"]["number"] == "SC-2027-0007" and saved["products"][0]["sku"] == "NW-MUG-350"
    assert len(saved["products"]) == 1 and saved["payment"]["deposit_percent"] == 30
    with page.expect_download() as download:
        page.click("#download-sales_contract-docx")
    contract = tmp_path / download.value.suggested_filename
    download.value.save_as(contract)
    assert contract.name == "SC-2027-0007-sales_contract.docx"
    text = docx_text(contract)
    for expected in ("SC-2027-0007", "NW-MUG-350", "350 ml ceramic mug", "350毫升陶瓷杯", "2,400", "1.85",
                     "深圳市华信家居用品有限公司", "Ningbo", "宁波", "15 January 2027", "2027年1月15日"):
        assert expected in text, expected
    out = tmp_path / "cli"
    result = run_cli("build", answers, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / contract.name).read_bytes() == contract.read_bytes()


def test_every_page_word_has_english_and_chinese_and_is_used():
    from contractgen.web.strings import UI

    web = ROOT / "contractgen" / "web"
    sources = "".join(p.read_text("utf-8") for p in [*web.glob("templates/*.html"), *web.glob("*.py")])
    used = set(re.findall(r"""\bu[i]?\(\s*['"]([a-z_]+)['"]""", sources))
    used |= {f"layout_{layout}" for layout in ("parallel", "stacked", "en", "zh")}  # named as u(f"layout_{…}")
    assert not used - set(UI), "words used but not in strings.UI"
    assert not set(UI) - used, "words in strings.UI that nothing uses"
    # their Chinese is the catalog's (tests/test_translations.py): the page's own, or the risk summary's
    assert [key for key, word in UI.items() if word.id not in (f"web.{key}", "summary.none", "summary.always")] == []


def test_without_javascript_a_saved_page_shows_and_hides_questions(client):
    csrf = token(client)
    upload(client, example_yaml(), csrf)
    level = 'id="' + field_anchor("quality.inspection_level") + '"'
    page = client.get("/section/quality", base_url=BASE).get_data(as_text=True)
    assert re.search(level + r' data-path="[^"]+">', page)  # shown
    post(client, "/section/quality", {"_csrf": csrf, "quality.inspection": "none", "_action": "save"}, Origin=BASE)
    page = client.get("/section/quality", base_url=BASE).get_data(as_text=True)
    assert re.search(level + r' data-path="[^"]+" hidden>', page)
    assert 'name="quality.inspection_level" aria-describedby="err-f-quality-inspection_level help-f-quality-inspection_level" disabled' in page
    post(client, "/section/tooling", {"_csrf": csrf, "_present": "no", "_action": "save"}, Origin=BASE)
    assert b"tooling:" not in client.get("/download/answers.yaml", base_url=BASE).data
    post(client, "/section/tooling", {"_csrf": csrf, "_present": "yes", "_action": "save"}, Origin=BASE)
    assert b"owner: buyer" in client.get("/download/answers.yaml", base_url=BASE).data  # kept for switching back
    chinese = client.get("/section/payment?lang=zh", base_url=BASE).get_data(as_text=True)
    assert "（实际为'after_inspection'）" in html.unescape(chinese)  # the balance waits for an inspection


def test_an_answer_left_at_its_default_shows_its_follow_up_questions(client):
    # tooling.owner defaults to buyer, which shows (and requires) the ownership marking: the page, the
    # saved answers and the build must all read it so
    data = load_yaml_file(EXAMPLE)
    del data["tooling"]["owner"]
    upload(client, yaml.safe_dump(_plain(data), allow_unicode=True).encode(), token(client))
    page = client.get("/section/tooling", base_url=BASE).get_data(as_text=True)
    assert re.search('id="' + field_anchor("tooling.marking") + r'" data-path="[^"]+">', page)
    saved = client.get("/download/answers.yaml", base_url=BASE).get_data(as_text=True)
    assert "marking: Property of Northwind" in saved and "owner:" not in saved
    assert client.get("/download/sales_contract.docx", base_url=BASE).status_code == 200


def test_a_busy_or_impossible_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_cli("serve", "--port", str(port))
    assert busy.returncode == 2
    assert busy.stderr.strip() == (f"contractgen: error: --host 127.0.0.1 --port {port}: expected an address this "
                                   "computer can listen on (another --port, or stop the program using it), found "
                                   "Address already in use")
    assert "is at http" not in busy.stdout  # nothing claims to be served
    impossible = run_cli("serve", "--port", "99999")
    assert impossible.returncode == 2 and "expected a port number from 1 to 65535, found 99999" in impossible.stderr


# -- sessions: only the app's own page loads open one; each is saved as it changes -----------------------

IMAGE_FROM_ANOTHER_SITE = {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "cross-site",
                           "Accept": "image/avif,image/webp,*/*"}


def saved_files(data_home: Path) -> list[Path]:
    return sorted((data_home / "contractgen" / "web-interviews" / "order_set").glob("*.json"))


def test_images_on_another_site_cannot_push_out_an_interview(client, data_home):
    upload(client, example_yaml(), token(client))
    other_site = client.application.test_client()  # the same browser, as an <img> of another site asks
    for n in range(60):  # the SameSite cookie is not sent with them: each arrives with no session
        path = ("/", "/section/contract", "/review", f"/section/payment?n={n}", "/download/answers.yaml")[n % 5]
        response = other_site.get(path, base_url=BASE, headers=IMAGE_FROM_ANOTHER_SITE)
        assert response.status_code == 403 and "Set-Cookie" not in response.headers
    frame = other_site.get("/section/contract", base_url=BASE, headers={
        "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "cross-site"})
    assert frame.status_code == 403 and "Set-Cookie" not in frame.headers
    assert b"number: SC-2026-0142" in client.get("/download/answers.yaml", base_url=BASE).data
    assert len(saved_files(data_home)) == 1


def test_a_page_load_opens_a_session_with_a_samesite_cookie(client):
    page = client.get("/section/contract", base_url=BASE, headers={
        "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "none"})
    assert page.status_code == 200
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("contractgen_session=") and "SameSite=Strict" in cookie and "HttpOnly" in cookie


def test_answers_are_saved_privately_and_a_restarted_server_offers_them(client, data_home):
    csrf = token(client)
    upload(client, example_yaml(), csrf)
    post(client, "/api/section/payment", {"payment.deposit_percent": "25"}, Origin=BASE, **{"X-CSRF-Token": csrf})
    [saved] = saved_files(data_home)
    assert saved.stat().st_mode & 0o777 == 0o600
    assert all(folder.stat().st_mode & 0o777 == 0o700 for folder in
               (saved.parent, saved.parent.parent, data_home / "contractgen"))

    restarted = create_app("order_set", "127.0.0.1", 8000)  # a new server over the same data folder
    browser = restarted.test_client()  # a browser that has no cookie of it
    start = browser.get("/", base_url=BASE)
    page = start.get_data(as_text=True)
    assert start.status_code == 200 and "SC-2026-0142" in page and "Continue" in page and "Discard" in page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    resumed = post(browser, f"/saved/{saved.stem}/continue", {"_csrf": csrf}, Origin=BASE)
    assert resumed.status_code == 303
    answers = browser.get("/download/answers.yaml", base_url=BASE).data
    assert b"number: SC-2026-0142" in answers and b"deposit_percent: 25" in answers

    same_browser = restarted.test_client()  # the browser that kept its cookie goes on where it was
    same_browser.set_cookie("contractgen_session", saved.stem, domain="127.0.0.1")
    assert b"deposit_percent: 25" in same_browser.get("/download/answers.yaml", base_url=BASE).data

    csrf = token(browser)
    assert post(browser, f"/saved/{saved.stem}/discard", {"_csrf": csrf}, Origin=BASE).status_code == 303
    assert saved_files(data_home) == []


def test_a_lost_interview_is_said_never_replaced_by_a_blank_one(client):
    client.set_cookie("contractgen_session", "x" * 32, domain="127.0.0.1")  # discarded, or never saved
    live = post(client, "/api/section/contract", {"contract.number": "SC-LOST"}, Origin=BASE, **{"X-CSRF-Token": "t"})
    assert live.status_code == 410 and "no longer on this server" in live.get_data(as_text=True)
    page = client.get("/section/contract", base_url=BASE, follow_redirects=True)
    assert page.request.path == "/" and "no longer on this server" in page.get_data(as_text=True)
    assert "Start a new interview" in page.get_data(as_text=True)


def saved_answers(page, server: str) -> dict:
    """The answers file the server holds for the browser's session (fetched with its cookie)."""
    response = page.request.get(server + "/download/answers.yaml")
    return load_yaml_text(response.text(), "answers.yaml")


def test_a_follow_up_answer_typed_at_once_is_saved(server, page):
    # The tooling ownership marking is shown only while the owner is the buyer. The marking typed
    # while the page still showed it, then the owner set back to buyer: the page showed the marking,
    # the server had judged it by the owner it held before the post and dropped it.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page.goto(server + "/load")
    page.set_input_files("#answers-file", str(EXAMPLE))
    page.click("#load-button")
    page.goto(server + "/section/tooling")
    arrived(page, "tooling")
    owner, marking = page.locator(field("tooling.owner")), page.locator(field("tooling.marking"))
    raced = 0
    for attempt in range(40):  # a second thought, faster than the server answers
        owner.select_option("supplier")
        try:
            marking.fill(f"Property of the buyer, mark {attempt} / 买方所有", timeout=1500)
        except PlaywrightTimeout:  # the page hid the field before the typing: not this race; go again
            owner.select_option("buyer")
            expect(marking).to_be_visible()
            continue
        owner.select_option("buyer")
        expect(marking).to_be_visible()
        typed = f"Property of the buyer, mark {attempt} / 买方所有"
        if marking.input_value() != typed:
            # Playwright focuses, then types: when the page hid the field in between, the keys went
            # nowhere and the page shows the old marking (as a person would see the field vanish). Not
            # this race; what the page shows must still be what is saved, which the next round checks.
            continue
        raced += 1
        deadline = time.monotonic() + 15  # a loaded machine answers a post in about 2 s
        while True:
            tooling = saved_answers(page, server).get("tooling", {})
            if tooling.get("marking") == typed or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert tooling.get("owner", "buyer") == "buyer", f"attempt {attempt}: {tooling}"
        assert tooling.get("marking") == typed, f"attempt {attempt}: {tooling}"
        if raced == 25:
            break
    assert raced >= 5, f"only {raced} of 40 rounds typed before the page hid the field: the race was not run"


def test_country_currency_and_time_zone_are_offered_as_codes_named_in_the_page_language(client):
    csrf = token(client)
    buyer = client.get("/section/buyer?lang=zh", base_url=BASE).get_data(as_text=True)
    assert 'list="countries"' in buyer and '<option value="CN">CN — 中国</option>' in buyer
    assert '<option value="US">US — 美国</option>' in buyer
    payment = client.get("/section/currency?lang=en", base_url=BASE).get_data(as_text=True)
    assert '<option value="USD">USD — US Dollar</option>' in payment
    zones = client.get("/section/communication?lang=zh", base_url=BASE).get_data(as_text=True)
    box = re.search(r'<input[^>]*name="communication.buyer_time_zone"[^>]*>', zones).group(0)
    assert 'list="time-zones"' in box
    assert '<option value="America/New_York">America/New_York — 美国（纽约）时间</option>' in zones
    assert '<option value="Asia/Shanghai">Asia/Shanghai — 中国（上海）时间</option>' in zones
    post(client, "/api/section/communication", {"communication.buyer_time_zone": "Asia/Tokyo"}, Origin=BASE,
         **{"X-CSRF-Token": csrf})
    assert b"buyer_time_zone: Asia/Tokyo" in client.get("/download/answers.yaml", base_url=BASE).data
    live = post(client, "/api/section/communication", {"communication.buyer_time_zone": "Asia/Tokio"}, Origin=BASE,
                **{"X-CSRF-Token": csrf}).get_json()  # the list helps; the server still decides
    assert live["errors"]["communication.buyer_time_zone"]


def test_a_download_shows_it_is_busy_until_the_file_arrives(server, page):
    from playwright.sync_api import expect

    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(server + "/load")
    page.set_input_files("#answers-file", str(EXAMPLE))
    page.click("#load-button")
    link = page.locator("#download-sales_contract-pdf")
    with page.expect_download(timeout=60_000) as download:
        link.click()
        expect(link).to_have_attribute("aria-busy", "true")
        expect(page.locator("#download-status")).to_be_visible()
        expect(page.locator("#download-status")).to_contain_text("Building the file")
    assert download.value.suggested_filename == "SC-2026-0142-sales_contract.pdf"
    expect(link).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#download-status")).to_be_hidden()
    assert refused == []


def test_a_saved_interview_that_cannot_be_read_is_explained_in_the_page_language(client, data_home):
    upload(client, example_yaml(), token(client))
    (mine,) = saved_files(data_home)
    broken = mine.with_name("b" * len(mine.stem) + ".json")
    broken.write_text('{"format": "something else"}', "utf-8")
    english = html.unescape(client.get("/?lang=en", base_url=BASE).get_data(as_text=True))
    assert f"This saved interview cannot be read: {broken}: format: expected contractgen-web-session/1, " \
           "found 'something else'" in english
    chinese = html.unescape(client.get("/?lang=zh", base_url=BASE).get_data(as_text=True))
    assert f"无法读取该份已保存的问卷：{broken}: format：应为contractgen-web-session/1，实际为'something else'" in chinese


def test_the_review_page_says_what_build_says_about_the_clauses_chosen(client):
    """A clause's notice (the SHIAC clause is no official model clause) reaches the web buyer before the
    download, as `contractgen build` and `check` print it; an order without such a clause shows none."""
    csrf = token(client)
    assert upload(client, example_yaml(**{"dispute.forum": "shiac"}), csrf).status_code == 303
    english = html.unescape(client.get("/review?lang=en", base_url=BASE).get_data(as_text=True))
    assert 'id="clause-notices"' in english and "not an official SHIAC model clause" in english
    chinese = html.unescape(client.get("/review?lang=zh", base_url=BASE).get_data(as_text=True))
    assert "并非该中心官方发布的示范条款" in chinese and "签约前请注意" in chinese
    assert upload(client, example_yaml(), csrf).status_code == 303
    cietac = client.get("/review?lang=en", base_url=BASE).get_data(as_text=True)
    assert 'id="clause-notices"' not in cietac and 'id="downloads"' in cietac


def test_a_clause_edited_while_serving_stops_the_pages_instead_of_mixing_old_and_new(tmp_path):
    """`serve` keeps the library it loaded: once a clause file changes, every page says to restart it
    (503) rather than show or build from the old one, and the saved answers stay."""
    root = copied_checkout(tmp_path / "copy")
    script = textwrap.dedent("""
        import pathlib, sys, time
        from contractgen.web.app import create_app
        client = create_app("order_set", "127.0.0.1", 8000).test_client()
        load = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "none"}
        print(client.get("/section/contract", base_url="http://127.0.0.1:8000", headers=load).status_code)
        clause = pathlib.Path(sys.argv[1]) / "clause_library" / "force_majeure" / "general.yaml"
        clause.write_text(clause.read_text("utf-8").replace("earthquakes,", "earthquakes, volcanoes,"), "utf-8")
        time.sleep(1.1)
        page = client.get("/section/contract", base_url="http://127.0.0.1:8000", headers=load)
        print(page.status_code, page.get_data(as_text=True))
    """)
    env = {**os.environ, "PYTHONPATH": str(root), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, cwd=tmp_path,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.split("\n", 1)
    assert first == "200" and second.startswith("503 ")
    assert "have changed since contractgen serve started. Stop it and start it again" in second
