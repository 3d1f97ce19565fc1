"""The docxtpl house template, opened and compiled once per process and filled without docxtpl's
per-render work.

docxtpl, on every render, re-opens the package, cleans each templated part with ~20 regexes
(`patch_xml`), compiles it with Jinja, and after rendering runs a regex pass over every paragraph and
run (`resolve_listing`) to turn "\\n" in a value into a line break. Here the package is opened, the parts
patched with docxtpl's own `patch_xml` and compiled once (`house_template`); a render only runs the
compiled templates. Our values write their own runs: `_printable` escapes a value and writes a line
break or tab inside the run it is printed in, so no pass over the rendered XML is needed. That relies
on every `{{ … }}` of a templated part printing inside a `<w:t>` (the house template's tags do; a tag in
an attribute, such as the table widths, only ever receives digits).

The parts are written as docxtpl and python-docx would write them (docxtpl's `fix_tables`, python-docx's
parser and serialiser), so the bytes are those docxtpl gave.
"""
from __future__ import annotations

import functools
import io
import marshal
import re
from dataclasses import dataclass
from pathlib import Path

import docxtpl
from docx import Document as open_package
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import nsmap
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template
from lxml import etree
from markupsafe import escape

from ..core.cache import cached, content_key
from ..core.expressions import DictKeysFirst, template_from_code
from . import ooxml

# Word on Windows and macOS has SimSun (宋体); on Linux fontconfig resolves "SimSun" for zh-CN text
# to Noto Serif CJK SC, so LibreOffice draws Simplified glyphs. Times New Roman is Liberation Serif
# there, with the same metrics.
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"
EAST_ASIAN_ALT_NAME = "宋体"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The house template's generic table says `<w:tblDescription w:val="{{ t.widths }}"/>`; the rendered
# value is this prefix and one relative width per column. The description is removed once applied.
WIDTHS_MARK = "contractgen-columns:"
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


@dataclass(frozen=True)
class HouseTemplate:
    """The template's parts: those that never change serialised once, the templated ones compiled."""

    members: dict[str, bytes]  # every part as a render writes it, the templated ones still unrendered
    document: str  # member name of the main document part
    body: Template  # the whole main document part, as docxtpl renders it
    parts: tuple[tuple[str, Template], ...]  # headers and footers: (member name, template)
    deflated: dict[str, ooxml.Deflated]  # the members compressed once: most are in every package as they are

    def fill(self, context: dict) -> dict[str, bytes]:
        """The package's members with the templated parts rendered from `context` (a new dict per call;
        the template itself is never changed, so one can serve every thread)."""
        members = dict(self.members)
        members[self.document] = serialize_part_xml(_fix_tables(_rendered(self.body, context)))
        for name, template in self.parts:
            members[name] = serialize_part_xml(parse_xml(_rendered(template, context).encode("utf-8")))
        return members


def _rendered(template: Template, context: dict) -> str:
    # docxtpl's post-render steps, without the regex pass: "\n" was put before each paragraph to give
    # Jinja's errors useful line numbers, and the escaped braces of docxtpl's syntax are restored
    xml = template.render(context).replace("\n<w:p", "<w:p")
    return xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


def _fix_tables(xml: str):
    # docxtpl gives the columns of a `{%tc for %}` loop equal widths; then the widths the assembler
    # chose (Table.widths), which the template carries in the table's description, are applied
    tree = DocxTemplate.fix_tables(None, xml)  # docxtpl's fix_tables does not use its template
    _apply_column_widths(tree)
    if "docPr" in xml:  # a picture a restyled template added: its ids renumbered, as docxtpl does
        for number, element in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), start=1001):
            element.attrib["id"] = str(number)
    return tree


@functools.lru_cache(maxsize=8)
def house_template(path: Path) -> HouseTemplate:
    """The template at `path`, with the East-Asian font settings enforced (a restyle in Word can bring
    back theme fonts, which make Word pick a Japanese face), opened and compiled once per process."""
    members = ooxml.read_members(path.read_bytes())
    ooxml.east_asian_fonts(members, latin=LATIN_FONT, east_asia=EAST_ASIAN_FONT, alt_name=EAST_ASIAN_ALT_NAME)
    package = open_package(io.BytesIO(ooxml.write_zip(members)))
    package.core_properties  # noqa: B018 - docxtpl reads them on every render, which adds the part if missing
    main = package.part
    environment = _environment()

    def compiled(xml: str) -> Template:
        # Compiling costs a one-document build ~60 ms, so the code is kept in the cache (core/cache.py),
        # keyed by the part's XML and docxtpl's version (its patching is part of what is compiled).
        key = content_key("house-template", [("docxtpl", docxtpl.__version__.encode()), ("", xml.encode())])
        code = cached("house-template", key, lambda: marshal.dumps(environment.compile(_jinja_source(xml))))
        return template_from_code(environment, code)

    parts = []
    for rel in main.rels.values():
        if rel.reltype in (_HEADER, _FOOTER) and rel.target_part.blob:
            xml = etree.tostring(parse_xml(rel.target_part.blob), encoding="unicode")
            parts.append((rel.target_part.partname.membername, compiled(xml)))
    written = ooxml.package_members(package.part.package)
    return HouseTemplate(written, main.partname.membername, compiled(etree.tostring(main.element, encoding="unicode")),
                         tuple(parts), {name: ooxml.deflated(data) for name, data in written.items()})


def _jinja_source(xml: str) -> str:
    """docxtpl's clean-up for Jinja (tags split over runs joined, `{%tr %}` and the like made plain Jinja),
    then a line per paragraph, so Jinja's errors name a useful line."""
    patched = DocxTemplate.patch_xml(None, xml)  # docxtpl's patch_xml does not use its template
    return patched.replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p ")


def _apply_column_widths(tree) -> None:
    for description in list(tree.iter(f"{_W}tblDescription")):
        value = description.get(f"{_W}val") or ""
        if not value.startswith(WIDTHS_MARK):
            continue
        tbl_pr = description.getparent()
        tbl_pr.remove(description)
        table = tbl_pr.getparent()
        weights = [int(w) for w in value.removeprefix(WIDTHS_MARK).split(",") if w]
        grid = table.find(f"{_W}tblGrid")
        columns = grid.findall(f"{_W}gridCol")
        if len(columns) != len(weights):
            continue  # a restyled template that no longer loops over the columns: keep docxtpl's grid
        total = sum(int(float(c.get(f"{_W}w"))) for c in columns)
        widths = [total * w // sum(weights) for w in weights]
        widths[-1] += total - sum(widths)
        for column, width in zip(columns, widths):
            column.set(f"{_W}w", str(width))
        for row in table.findall(f"{_W}tr"):
            cells = row.findall(f"{_W}tc")
            if len(cells) != len(widths):
                continue
            for cell, width in zip(cells, widths):
                tc_pr = cell.find(f"{_W}tcPr")
                if tc_pr is None:
                    tc_pr = etree.Element(f"{_W}tcPr")
                    cell.insert(0, tc_pr)
                tc_w = tc_pr.find(f"{_W}tcW")
                if tc_w is None:
                    tc_w = etree.Element(f"{_W}tcW")
                    tc_pr.insert(0, tc_w)
                tc_w.set(f"{_W}w", str(width))
                tc_w.set(f"{_W}type", "dxa")


# A value's own line breaks and tabs, written as the run elements Word draws them with: the text run
# is closed, the break or tab put in the same run, and the text goes on (what docxtpl's listing pass
# writes for a line break; a tab stays in its run instead of a run of its own).
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


# Any character _printable changes; most values have none and are printed as they are.
_UNPRINTABLE = re.compile(f"[{ooxml.XML_ILLEGAL}&<>\"'{{}}\r\n\t]")


def _printable(value) -> str:
    """Every `{{ … }}` output goes through here (Jinja's autoescape is off: this is the escaping):
    escaped for XML (markupsafe: & < > " '), stripped of characters XML cannot hold, braces as
    character references (nothing from a value can become docxtpl syntax), and line breaks and tabs
    as the run elements that draw them."""
    if value is None:
        return ""
    text = str(value)
    if not _UNPRINTABLE.search(text):
        return text
    text = str(escape(ooxml.xml_safe(text))).replace("{", "&#123;").replace("}", "&#125;")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", _BREAK).replace("\t", _TAB)


@functools.cache
def _environment() -> Environment:
    return _Environment(autoescape=False, finalize=_printable, undefined=StrictUndefined)


class _Environment(DictKeysFirst, Environment):
    pass
