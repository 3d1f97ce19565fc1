"""Document definitions (templates/<doc>.yaml): a document's title, interview and ordered sections."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import LibraryError
from .model import Text
from .resources import data_path
from .yamlio import load_yaml_file


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
    raw = load_yaml_file(path)
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
    return DocumentDefinition(name, _text(raw.get("title"), f"{where}: title"), str(raw.get("interview", name)),
                              tuple(sections), where, term)


def available_documents(folder: Path | None = None) -> list[str]:
    folder = folder or data_path("templates")
    return sorted(p.stem for p in folder.glob("*.yaml"))
