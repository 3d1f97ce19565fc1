"""Low-level OOXML: a DOCX as an ordered mapping of zip members, and the few part-level edits the
renderer needs (deterministic zip, core and custom properties, East-Asian font settings).

Nothing here knows about contracts; `docx.py` decides what goes in, this module only writes it.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
CORE = "docProps/core.xml"
CUSTOM = "docProps/custom.xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
# The format id Word and LibreOffice use for user-defined properties.
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# Characters XML 1.0 forbids (a regex character class); tab, newline and carriage return are allowed.
XML_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_XML_ILLEGAL = re.compile(f"[{XML_ILLEGAL}]")

Members = dict[str, bytes]


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute: w("rFonts") -> "{…/main}rFonts"."""
    return f"{{{W}}}{tag}"


def xml_safe(text: str) -> str:
    """Drop the characters an XML 1.0 document cannot contain, so any value still yields a valid part."""
    return _XML_ILLEGAL.sub("", text)


# --- the package as zip members -------------------------------------------------------------------


def read_members(docx: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def package_members(package) -> Members:
    """The members of a python-docx `OpcPackage`, serialised without going through its zip writer
    (which stamps wall-clock times). [Content_Types].xml names every part by override."""
    parts = list(package.iter_parts())
    types = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
    for ext, ctype in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                       ("xml", "application/xml")):
        etree.SubElement(types, f"{{{_CT_NS}}}Default", Extension=ext, ContentType=ctype)
    for part in sorted(parts, key=lambda p: str(p.partname)):
        etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=str(part.partname),
                         ContentType=part.content_type)
    members: Members = {CONTENT_TYPES: _serialize(types), PACKAGE_RELS: _bytes(package.rels.xml)}
    for part in parts:
        members[part.partname.membername] = part.blob
        if len(part.rels):
            members[part.partname.rels_uri.membername] = _bytes(part.rels.xml)
    return members


@dataclass(frozen=True)
class Deflated:
    """A member compressed as write_zip stores it."""

    data: bytes
    crc: int
    compressed: bytes


def deflated(data: bytes) -> Deflated:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # what zipfile writes for ZIP_DEFLATED, level 6
    return Deflated(data, zlib.crc32(data), compressor.compress(data) + compressor.flush())


# The zip records, laid out as Python's zipfile writes them for a seekable file (so the bytes are those
# zipfile gave): version 2.0, no extra fields, no comments, permissions rw------- in the external attributes.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_TIME, _DOS_DATE = 0, 1 << 5 | 1  # 1980-01-01 00:00, the earliest time a zip entry can carry
_PERMISSIONS = 0o600 << 16


def write_zip(members: Mapping[str, bytes], ready: Mapping[str, Deflated] | None = None) -> bytes:
    """Zip `members` so the same members always give the same bytes: fixed timestamps and attributes,
    [Content_Types].xml first, the rest in the order given. `ready`: members compressed before (a
    template's parts); each is used only while the member is still that very object."""
    ready = ready or {}
    names = [CONTENT_TYPES] + [n for n in members if n != CONTENT_TYPES]
    body, directory = bytearray(), bytearray()
    for name in names:
        data = members[name]
        entry = ready.get(name)
        if entry is None or entry.data is not data:
            entry = deflated(data)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        fields = (flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, entry.crc, len(entry.compressed), len(data),
                  len(encoded))
        directory += _CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, *fields, 0, 0, 0, 0, _PERMISSIONS, len(body))
        directory += encoded
        body += _LOCAL.pack(b"PK\x03\x04", 20, 0, *fields, 0)
        body += encoded
        body += entry.compressed
    end = _END.pack(b"PK\x05\x06", 0, 0, len(names), len(names), len(directory), len(body), 0)
    return bytes(body + directory + end)


# --- core and custom properties -------------------------------------------------------------------


def set_core_properties(members: Members, *, title: str, author: str, created: str) -> None:
    """Replace docProps/core.xml. `created` is a W3CDTF timestamp, used for created and modified."""
    nsmap = {"cp": _CORE_NS, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI}
    root = etree.Element(f"{{{_CORE_NS}}}coreProperties", nsmap=nsmap)
    etree.SubElement(root, f"{{{_DC}}}title").text = xml_safe(title)
    etree.SubElement(root, f"{{{_DC}}}creator").text = author
    etree.SubElement(root, f"{{{_CORE_NS}}}lastModifiedBy").text = author
    etree.SubElement(root, f"{{{_CORE_NS}}}revision").text = "1"
    for tag in ("created", "modified"):
        el = etree.SubElement(root, f"{{{_DCTERMS}}}{tag}")
        el.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
        el.text = created
    members[CORE] = _serialize(root)
    _ensure_part(members, CORE, _CORE_REL, _CORE_CT)


def set_custom_properties(members: Members, properties: Mapping[str, str]) -> None:
    """Write `properties` as text properties in docProps/custom.xml. Properties already there under
    other names (a lawyer's, added in Word) are kept, in their order, before ours; ours replace any
    of the same name. pids are renumbered from 2 as the format requires."""
    kept: list[etree._Element] = []
    if CUSTOM in members:
        old = etree.fromstring(members[CUSTOM])
        kept = [p for p in old.iterfind(f"{{{_CUSTOM_NS}}}property") if p.get("name") not in properties]
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for prop in kept:
        root.append(prop)
    for name, value in properties.items():
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_CUSTOM_FMTID, name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = xml_safe(value)
    for pid, prop in enumerate(root, start=2):
        prop.set("pid", str(pid))
    members[CUSTOM] = _serialize(root)
    _ensure_part(members, CUSTOM, _CUSTOM_REL, _CUSTOM_CT)


def read_custom_properties(docx: bytes) -> dict[str, str]:
    """The custom document properties of a DOCX as name -> text (empty when it has none)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        if CUSTOM not in z.namelist():
            return {}
        root = etree.fromstring(z.read(CUSTOM))
    return {p.get("name"): "".join(p.itertext()) for p in root.iterfind(f"{{{_CUSTOM_NS}}}property")}


def _ensure_part(members: Members, member: str, reltype: str, content_type: str) -> None:
    """Make sure the package relationships and content types point at a package-level part."""
    rels = etree.fromstring(members[PACKAGE_RELS])
    if not any(r.get("Type") == reltype for r in rels):
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(rels, f"{{{_RELS_NS}}}Relationship", Id=f"rId{n}", Type=reltype, Target=member)
        members[PACKAGE_RELS] = _serialize(rels)
    types = etree.fromstring(members[CONTENT_TYPES])
    partname = "/" + member
    if not any(o.get("PartName") == partname for o in types.iterfind(f"{{{_CT_NS}}}Override")):
        etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=partname, ContentType=content_type)
        members[CONTENT_TYPES] = _serialize(types)


# --- East-Asian fonts -----------------------------------------------------------------------------

_THEME_FONT_ATTRS = tuple(w(a) for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))


def set_run_fonts(rpr: etree._Element, *, latin: str | None = None, east_asia: str | None = None) -> None:
    """Name the fonts of a `w:rPr` explicitly. Theme attributes go: Word lets them override names."""
    fonts = rpr.find(w("rFonts"))
    if fonts is None:
        fonts = etree.Element(w("rFonts"))
        rpr.insert(1 if rpr.find(w("rStyle")) is not None else 0, fonts)  # CT_RPr: rStyle, rFonts, …
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(attr, None)
    if latin:
        for slot in ("ascii", "hAnsi", "cs"):
            fonts.set(w(slot), latin)
    if east_asia:
        fonts.set(w("eastAsia"), east_asia)


def east_asian_fonts(members: Members, *, latin: str, east_asia: str, lang: str = "zh-CN",
                     alt_name: str | None = None) -> None:
    """Make Chinese text come out in a Chinese font in Word and LibreOffice (rendering-notes.md):
    explicit Latin and East-Asian fonts in the document defaults, no theme font references in any
    style, East-Asian language `lang` for runs and for theme fonts, and a font-table entry for
    `east_asia` (GB2312 charset; `alt_name` is Word's alternative name, e.g. 宋体 for SimSun).
    Idempotent, and keeps every font a style names explicitly."""
    styles = etree.fromstring(members["word/styles.xml"])
    defaults = styles.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles.insert(0, defaults)
    rpr = _child(_child(defaults, "rPrDefault", first=True), "rPr")
    set_run_fonts(rpr, latin=latin, east_asia=east_asia)
    lang_el = _child(rpr, "lang")
    lang_el.set(w("eastAsia"), lang)
    if lang_el.get(w("val")) is None:
        lang_el.set(w("val"), "en-US")
    for fonts in styles.iter(w("rFonts")):
        for attr in _THEME_FONT_ATTRS:
            fonts.attrib.pop(attr, None)
    members["word/styles.xml"] = _serialize(styles)

    settings = etree.fromstring(members["word/settings.xml"])
    theme_lang = settings.find(w("themeFontLang"))
    if theme_lang is None:
        theme_lang = etree.SubElement(settings, w("themeFontLang"))  # order is lenient in readers
    theme_lang.set(w("eastAsia"), lang)
    members["word/settings.xml"] = _serialize(settings)

    if "word/fontTable.xml" in members:
        table = etree.fromstring(members["word/fontTable.xml"])
        if not any(f.get(w("name")) == east_asia for f in table.iter(w("font"))):
            font = etree.SubElement(table, w("font"))
            font.set(w("name"), east_asia)
            if alt_name:
                etree.SubElement(font, w("altName")).set(w("val"), alt_name)
            for tag, val in (("charset", "86"), ("family", "roman"), ("pitch", "variable")):
                etree.SubElement(font, w(tag)).set(w("val"), val)
            members["word/fontTable.xml"] = _serialize(table)


def _child(parent: etree._Element, tag: str, first: bool = False) -> etree._Element:
    el = parent.find(w(tag))
    if el is None:
        el = etree.Element(w(tag))
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _bytes(xml: str | bytes) -> bytes:
    return xml if isinstance(xml, bytes) else xml.encode("utf-8")


# --- reading and marking changes ------------------------------------------------------------------


def paragraph_text(p: etree._Element) -> str:
    """The text of a `w:p` as a reader of the document sees it: tracked insertions in, tracked deletions
    out (python-docx's `Paragraph.text` skips both), a break or a new line as "\\n", a tab as a space."""
    parts = []
    for node in p.iter(w("t"), w("br"), w("cr"), w("tab")):
        if any(a.tag in (w("del"), w("moveFrom")) for a in node.iterancestors()):
            continue
        if node.tag == w("t"):
            parts.append(node.text or "")
        else:
            parts.append(" " if node.tag == w("tab") else "\n")
    return "".join(parts)


def tracked_run(p: etree._Element, text: str, kind: str, change_id: int, author: str, date: str) -> None:
    """Append `text` to a `w:p` as a run Word shows as a tracked insertion (`kind` "ins") or deletion
    ("del"), by `author` at `date` (W3CDTF)."""
    mark = etree.SubElement(p, w(kind))
    mark.set(w("id"), str(change_id))
    mark.set(w("author"), author)
    mark.set(w("date"), date)
    run = etree.SubElement(mark, w("r"))
    node = etree.SubElement(run, w("delText" if kind == "del" else "t"))
    node.text = xml_safe(text)
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
