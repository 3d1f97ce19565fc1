"""The one catalog of what a user reads, in English and Chinese: validation problems, CLI lines, the
interview's and the web page's words, the risk summary's fixed sentences and the documents' labels.

Each is written in the code as `message("id", "English with {placeholders}")`. `pybabel extract`
reads these calls (keyword `message:1c,2`: the id is the msgctxt, the English the msgid) into
translations/messages.pot; the Chinese is the msgstr in translations/zh_CN/LC_MESSAGES/messages.po,
compiled to messages.mo and read once, on first use. There is no English fallback: an id without
Chinese is a CatalogError (and tests/test_translations.py fails first). translations/README.md says
how to add one.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel.support import NullTranslations, Translations

from .errors import ContractgenError
from .resources import data_path
from .text import Text

DOMAIN = "messages"
LOCALE = "zh_CN"


class CatalogError(ContractgenError):
    """The compiled Chinese catalog is missing or incomplete: an installation fault (exit 1)."""


HOW_TO_COMPILE = ("compile it in the checkout with `pybabel compile -d translations -D messages` "
                  "(or rerun scripts/setup.sh); an installed wheel carries it already")


@dataclass(frozen=True)
class Message:
    """One entry of the catalog: its id and its English. Called with its placeholders' values, it
    gives the sentence in both languages; a value that is itself a Text gives each language its own."""

    id: str
    en: str

    def __call__(self, **values: object) -> Text:
        zh = chinese(self.id, self.en)
        return Text(self.english(**values), zh.format(**_language(values, "zh")))

    def english(self, **values: object) -> str:
        """The English alone, without reading the catalog: for the CLI, which prints English, and must
        still say what went wrong when the compiled catalog is what is missing."""
        return self.en.format(**_language(values, "en"))


def message(id: str, english: str) -> Message:  # noqa: A002 - the catalog's word for it
    """Marks a message for `pybabel extract`; its arguments must be string literals."""
    return Message(id, english)


def as_typed(value: str) -> Text:
    """A value as the user typed it (a name, a code, '3,20'): the same in both languages."""
    return Text(value, value)


def _language(values: dict[str, object], lang: str) -> dict[str, object]:
    return {name: getattr(v, lang) if isinstance(v, Text) else v for name, v in values.items()}


class _Missing(NullTranslations):
    """The catalog's fallback: an id it lacks is an error, never the English."""

    def pgettext(self, context, message):
        raise CatalogError(f"the Chinese catalog has no translation of {context} ({message!r}): translate it in "
                           f"translations/{LOCALE}/LC_MESSAGES/{DOMAIN}.po, then {HOW_TO_COMPILE}")


@cache
def _catalog() -> Translations:
    mo = data_path("translations", LOCALE, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as fp:
            catalog = Translations(fp, domain=DOMAIN)
    except FileNotFoundError:
        raise CatalogError(f"the compiled Chinese catalog {mo} is missing; {HOW_TO_COMPILE}") from None
    catalog.add_fallback(_Missing())
    return catalog


def chinese(id: str, english: str) -> str:  # noqa: A002
    """The Chinese of one message; CatalogError when the compiled catalog lacks it."""
    return _catalog().pgettext(id, english)
