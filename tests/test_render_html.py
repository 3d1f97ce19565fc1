"""The HTML rendering (contractgen/render/html.py, `contractgen build --format html`, the web preview):
the same Document as the DOCX, each layout, every value escaped, nothing loaded from elsewhere."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from contractgen.build import assemble_documents
from contractgen.render.formats import render
from contractgen.render.html import render_html

from conftest import ROOT
from conftest import run_cli


class _Page(HTMLParser):
    """The page's text, per element class, and every tag and attribute, read back with html.parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.by_class: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("br", "col", "meta"):
            self._open.append(attrs.get("class") or "")

    def handle_endtag(self, tag):
        if tag not in ("br", "col", "meta") and self._open:
            self._open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for css in self._open:
            for name in css.split():
                self.by_class.setdefault(name, []).append(data)

    def joined(self, css: str) -> str:
        return "".join(self.by_class.get(css, []))


def parse(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def contract():
    _, (document,) = assemble_documents(ROOT / "examples" / "houseware-tooling.yaml", ["sales_contract"])
    return document


def test_parallel_puts_each_clause_beside_its_chinese(contract):
    page = parse(render_html(contract, "parallel"))
    english, chinese = page.joined("en"), page.joined("zh")
    assert "Article 1" in english and "第一条" in chinese
    assert "深圳市华信家居用品有限公司" in chinese and "Shenzhen Huaxin Houseware Co., Ltd." in english
    assert "SAY US DOLLARS SIXTEEN THOUSAND ONLY" in "".join(page.text) and "美元壹万陆仟元整" in "".join(page.text)
    clauses = [a for tag, a in page.tags if a.get("class") == "clause"]
    pairs = [a for tag, a in page.tags if a.get("class") == "pair"]
    assert len(clauses) == sum(len(s.clauses) for s in contract.sections) and len(pairs) > len(clauses)
    first = contract.sections[0].clauses[0]
    assert first.paragraphs_en[0] in english and first.paragraphs_zh[0] in chinese


@pytest.mark.parametrize("layout, has_en, has_zh", [("stacked", True, True), ("en", True, False),
                                                     ("zh", False, True)])
def test_other_layouts(contract, layout, has_en, has_zh):
    page = parse(render_html(contract, layout))
    text = "".join(page.text)
    assert ("Article 3" in text) is has_en and ("第三条" in text) is has_zh
    assert not any(a.get("class") == "pair" for _, a in page.tags)
    assert ("NW-BOT-500" in text)  # the product table in every layout


def test_standalone_page_loads_nothing_from_anywhere(contract):
    data = render_html(contract)
    page = parse(data)
    assert data.startswith(b"<!DOCTYPE html>") and b'<meta charset="utf-8">' in data
    assert not [t for t, a in page.tags if t in ("script", "link", "img", "iframe")]
    assert not [a for _, a in page.tags if any(str(v).startswith(("http:", "https:", "//")) for v in a.values())]
    assert b"<style>" in data and b"@import" not in data and b"url(" not in data


def test_answers_are_escaped_never_markup(write_order):
    hostile = "{{ 7*7 }} <script>alert(1)</script> <w:p>& \"quoted\" 'x'"
    path = write_order({"supplier.name_en": hostile, "products.0.description_en": "<b>bold</b> & {% raw %}"})
    _, (document,) = assemble_documents(path, ["sales_contract"])
    data = render_html(document, "parallel")
    page = parse(data)
    assert hostile in "".join(page.text)
    assert "<b>bold</b> & {% raw %}" in "".join(page.text)
    assert not [t for t, _ in page.tags if t in ("script", "b", "w:p")]
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in data
    assert "49 <script>" not in "".join(page.text)  # never evaluated as a template


def test_build_writes_html(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", ROOT / "examples" / "houseware-tooling.yaml", "--format", "html,md", "-o", out)
    assert result.returncode == 0, result.stderr
    html = out / "SC-2026-0142-sales_contract.html"
    assert html.read_bytes() == render(assemble_documents(ROOT / "examples" / "houseware-tooling.yaml",
                                                          ["sales_contract"])[1][0], "html", "parallel")
    assert "SC-2026-0142-sales_contract.html" in (out / "SC-2026-0142-sales_contract.manifest.json").read_text()
