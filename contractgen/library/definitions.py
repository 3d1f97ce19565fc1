"""Document definitions (templates/<doc>.yaml): a document's title, interview and ordered sections."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..answers.paths import question_paths
from ..core.errors import LibraryError
from ..core.text import Text
from ..core.resources import data_path
from ..core.yamlio import load_yaml_file
from ..interview.definitions import load_interview


@dataclass(frozen=True)
class SectionDefinition:
    title: Text
    items: tuple[str, ...]  # clause ids, "topic.*" entries, or "table:<name>"


@dataclass(frozen=True)
class DocumentDefinition:
    id: str
    title: Text
    interview: str
    sections: tuple[SectionDefinition, ...]
    file: str
    term: Text = Text("Contract", "合同")  # what the document calls itself: "this Contract" / "本合同"
    signatures: str = "parties"  # the signature block: one of SIGNATURES
    headings: str = "articles"  # "articles": Article 3 / 第三条; "numbered": 3. / 三、 (a checklist)
    # what the document calls the parties, buyer first: the manufacturing agreement's Chinese says
    # 委托方 / 受托方 (a contract for work, Civil Code Art. 770); None: the usual Buyer / Seller labels
    roles: tuple[Text, Text] | None = None


# What goes under a document (the assembler builds it, the renderers draw it):
# parties          both parties sign and chop (a contract);
# buyer_check      the buyer's checker (name, signature, date) and approver (signature, date), no chop
#                  (a checklist: two people of the buyer sign it off);
# acknowledgement  both parties' representatives sign and date, no chop (a working arrangement).
SIGNATURES = ("parties", "buyer_check", "acknowledgement")
HEADINGS = ("articles", "numbered")


def _text(value, where: str) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("en", "zh")):
        raise LibraryError(f"{where}: expected a mapping with 'en' and 'zh' text, found {value!r}")
    return Text(value["en"], value["zh"])


@cache
def load_definition(name: str, folder: Path | None = None) -> DocumentDefinition:
    folder = folder or data_path("templates")
    path = folder / f"{name}.yaml"
    if not path.is_file():
        raise LibraryError(f"no document named {name!r} (available: {', '.join(available_documents(folder))})")
    raw = load_yaml_file(path, cache=True)
    where = str(path)
    if not isinstance(raw, dict) or raw.get("id") != name:
        raise LibraryError(f"{where}: expected a mapping with id: {name}")
    sections = []
    for i, section in enumerate(raw.get("sections") or ()):
        items = []
        for item in section.get("items") or ():
            if isinstance(item, dict) and set(item) == {"table"}:
                items.append(f"table:{item['table']}")
            elif isinstance(item, str):
                items.append(item)
            else:
                raise LibraryError(f"{where}: sections[{i}]: an item is a clause id, 'topic.*' or "
                                   f"{{table: name}}, found {item!r}")
        sections.append(SectionDefinition(_text(section.get("title"), f"{where}: sections[{i}].title"), tuple(items)))
    if not sections:
        raise LibraryError(f"{where}: a document needs sections")
    term = _text(raw["term"], f"{where}: term") if "term" in raw else DocumentDefinition.term
    signatures = raw.get("signatures", DocumentDefinition.signatures)
    if signatures not in SIGNATURES:
        raise LibraryError(f"{where}: signatures must be one of {', '.join(SIGNATURES)}, found {signatures!r}")
    headings = raw.get("headings", DocumentDefinition.headings)
    if headings not in HEADINGS:
        raise LibraryError(f"{where}: headings must be one of {', '.join(HEADINGS)}, found {headings!r}")
    roles = None
    if "parties" in raw:
        named = raw["parties"] if isinstance(raw["parties"], dict) else {}
        roles = (_text(named.get("buyer"), f"{where}: parties.buyer"),
                 _text(named.get("seller"), f"{where}: parties.seller"))
    return DocumentDefinition(name, _text(raw.get("title"), f"{where}: title"), str(raw.get("interview", name)),
                              tuple(sections), where, term, signatures, headings, roles)


def available_documents(folder: Path | None = None) -> list[str]:
    folder = folder or data_path("templates")
    return sorted(p.stem for p in folder.glob("*.yaml"))


@cache
def documents_for(interview_id: str) -> tuple[str, ...]:
    """The documents an interview's answers can build: those whose questions it asks, every one of
    them (order_set: all documents), sales contract first. A document whose interview asks a question
    this one does not would fail on the missing answer, so it is never offered."""
    def asked(interview: str) -> frozenset[str]:
        return question_paths(tuple(q for _, q in load_interview(interview).questions()))

    docs = [d for d in available_documents() if asked(load_definition(d).interview) <= asked(interview_id)]
    return tuple(sorted(docs, key=lambda d: (d != "sales_contract", d)))
