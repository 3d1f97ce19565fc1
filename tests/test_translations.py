"""The message catalog (translations/): complete, up to date with the code, compiled, Chinese where
Chinese is due, and covering every label the assembler and renderers look up."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from conftest import EXAMPLE, ROOT

TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _read_po(path: Path):
    with path.open("rb") as fp:
        return read_po(fp, locale="zh_CN")


def translation_problems(pot: Path, po: Path) -> list[str]:
    """One line per msgid of the template without a usable Chinese translation, named by its
    msgctxt (the label key) and msgid. Empty, fuzzy and absent entries all count: pybabel compile
    leaves them out of the .mo."""
    template, catalog = _read_po(pot), _read_po(po)
    problems = [f"{po.name}: the header is marked fuzzy, so pybabel compile skips the whole catalog"
                ] if catalog.fuzzy else []
    for message in template:
        if not message.id:
            continue
        name = f"{message.context} ({message.id!r})"
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"{name}: not in {po.name} (run pybabel update)")
        elif not entry.string:
            problems.append(f"{name}: no Chinese translation")
        elif entry.fuzzy:
            problems.append(f"{name}: translation is marked fuzzy")
    return problems


def _translations(mo: Path) -> Translations:
    with mo.open("rb") as fp:
        return Translations(fp)


def _ids(catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id) for m in catalog if m.id}


def test_every_label_has_a_chinese_translation():
    assert translation_problems(POT, PO) == []


def test_the_checker_names_a_label_without_chinese(tmp_path):
    catalog = _read_po(PO)
    catalog.get("Buyer", context="party.buyer").string = ""
    catalog.get("Total", context="table.total").flags.add("fuzzy")
    catalog.delete("Contract No.", context="contract_no")
    broken = tmp_path / "messages.po"
    with broken.open("wb") as fp:
        write_po(fp, catalog)
    problems = translation_problems(POT, broken)
    assert "contract_no ('Contract No.'): not in messages.po (run pybabel update)" in problems
    assert "party.buyer ('Buyer'): no Chinese translation" in problems
    assert "table.total ('Total'): translation is marked fuzzy" in problems
    assert not [p for p in problems if p.startswith("party.seller ")]


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    # the same command as in translations/README.md, run through babel's API
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-default-keywords",
                                "-k", "message:1c,2", "-c", "TRANSLATORS:", "-o", str(fresh), str(ROOT)])
    extracted, committed = _ids(_read_po(fresh)), _ids(_read_po(POT))
    assert extracted == committed, (
        f"translations/messages.pot is stale: new in the code {sorted(extracted - committed)}, "
        f"gone from the code {sorted(committed - extracted)}; re-extract and update (translations/README.md)")


def test_the_compiled_catalog_matches_the_po():
    assert MO.is_file(), "compile it: pybabel compile -d translations -D messages"
    compiled = _translations(MO)
    stale = [m.context for m in _read_po(PO) if m.id and m.string and not m.fuzzy
             and compiled.pgettext(m.context, m.id) != m.string]
    assert stale == [], "the .mo is stale: pybabel compile -d translations -D messages"


def test_the_catalog_gives_the_chinese_labels():
    from contractgen.documents.assembly import article_heading
    from contractgen.documents.labels import LABELS
    from contractgen.core.text import Text

    assert LABELS["party.buyer"] == Text("Buyer", "买方")
    assert LABELS["party.seller"] == Text("Seller", "卖方")
    assert LABELS["contract_no"] == Text("Contract No.", "合同编号")
    # one English word, two Chinese ones: the context keeps them apart
    assert (LABELS["date"].zh, LABELS["signature.date"].zh) == ("签订日期", "日期")
    assert [LABELS[f"page.{k}"] for k in ("before", "of", "after")] == [
        Text("Page", "第"), Text("of", "页，共"), Text("", "页")]
    assert article_heading(3, Text("Price", "价格")) == Text("Article 3 Price", "第三条 价格")
    assert article_heading(12, Text("Law", "法律")).zh == "第十二条 法律"
    assert all(text.zh for text in LABELS.values())


@pytest.fixture
def catalog_at(monkeypatch):
    """Points the catalog at another .mo; LABELS and the loaded catalog are read again from it."""
    import contractgen.core.messages as messages
    import contractgen.documents.labels as labels

    def point(mo: Path):
        for name in ("LABELS", "ARTICLE"):  # loaded by earlier tests; load again from `mo`
            if name in vars(labels):
                monkeypatch.delattr(labels, name)
        monkeypatch.setattr(messages, "data_path", lambda *parts: mo)
        messages._catalog.cache_clear()
        return labels

    yield point
    messages._catalog.cache_clear()


def test_a_missing_compiled_catalog_says_how_to_compile_it(catalog_at, tmp_path, capsys):
    from contractgen.cli import main

    labels = catalog_at(tmp_path / "messages.mo")
    with pytest.raises(labels.CatalogError, match=re.escape("pybabel compile -d translations -D messages")):
        labels.LABELS
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "out")]) == 1
    assert "pybabel compile -d translations -D messages" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_label_missing_from_the_compiled_catalog_is_an_error_not_english(catalog_at, tmp_path):
    catalog = _read_po(PO)
    catalog.get("Seller", context="party.seller").string = ""
    mo = tmp_path / "messages.mo"
    with mo.open("wb") as fp:
        write_mo(fp, catalog)
    labels = catalog_at(mo)
    with pytest.raises(labels.CatalogError, match=r"no translation of party\.seller\b"):
        labels.LABELS


def test_the_build_hook_refuses_a_catalog_with_broken_placeholders(tmp_path):
    pytest.importorskip("hatchling")
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    catalog = _read_po(PO)
    catalog.get("Article %(number)s", context="article").string = "第%(num)s条"
    po = tmp_path / "zh_CN" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fp:
        write_po(fp, catalog)
    with pytest.raises(RuntimeError, match="cannot compile the label catalog"):
        hook.compile_catalog(po)
    catalog.get("Article %(number)s", context="article").string = "第%(number)s条"
    with po.open("wb") as fp:
        write_po(fp, catalog)
    assert _translations(hook.compile_catalog(po)).pgettext("article", "Article %(number)s") == "第%(number)s条"


# --- every label key the code looks up exists ----------------------------------------------------

_LOOKUP = r"(?:\blabels?\(|\b_labelled\(|\b(?:LABELS|labels)\[|\blabels\.get\()\s*"
_LITERAL_KEY = re.compile(_LOOKUP + r"""(["'])([\w.]+)\1""")
_FSTRING_KEY = re.compile(_LOOKUP + r"""f(["'])([\w.]*)\{[^}]*\}\1""")


def _looked_up_keys() -> tuple[set[str], dict[str, set[str]]]:
    from contractgen.render import docx

    markdown = (ROOT / "contractgen" / "render" / "markdown.py").read_text(encoding="utf-8")
    table_columns = set(docx._COLUMNS) | set(re.findall(r'"(\w+)"', re.search(r"head = \[(.*?)\]", markdown).group(1)))
    # the keys built with an f-string, by prefix; a new prefix makes the test below fail
    expansions = {"table.": table_columns, "page.": {"before", "of", "after"}}
    literal: set[str] = set()
    dynamic: dict[str, set[str]] = {}
    for path in sorted((ROOT / "contractgen").rglob("*.py")):
        if path.name == "labels.py":
            continue
        source = path.read_text(encoding="utf-8")
        literal |= {m.group(2) for m in _LITERAL_KEY.finditer(source)}
        for m in _FSTRING_KEY.finditer(source):
            prefix = m.group(2)
            assert prefix in expansions, f"{path.name}: label lookup f'{prefix}{{…}}': add its keys to this test"
            dynamic.setdefault(path.name, set()).update(prefix + suffix for suffix in expansions[prefix])
    return literal, dynamic


def test_every_label_the_assembler_and_renderers_use_exists():
    from contractgen.documents.labels import LABELS

    literal, dynamic = _looked_up_keys()
    assert {"party.buyer", "contract_no", "table.total", "signature.chop"} <= literal  # the grep works
    assert {"docx.py", "markdown.py"} <= set(dynamic)
    used = literal.union(*dynamic.values())
    assert sorted(used - set(LABELS)) == []


# --- every message: its Chinese keeps the placeholders and is written in Chinese ------------------

_PLACEHOLDER = re.compile(r"\{(\w*)\}|%\((\w+)\)s")
# Latin words a Chinese sentence may hold: codes, formats, standards, product names
_NEUTRAL = {"contractgen", "YAML", "PDF", "DOCX", "JSON", "HTML", "zip", "csv", "CSV", "LibreOffice", "Excel",
            "Windows", "macOS", "SKU", "AQL", "HS", "Ac", "Re", "ISO", "IANA", "GB", "GBK", "USCC", "KiB", "MiB", "Ctrl",
            "YYYY", "MM", "DD", "US", "DE", "CN", "USD", "EUR", "CNY"}
# what a Chinese sentence quotes as the user types it: `commands`, placeholders, options (-o, --docs),
# answers paths, file names and time zones, U+ code points, encodings, e-mail addresses, single letters
_QUOTED = re.compile(r"`[^`]*`|\{\w*\}|%\(\w+\)s|(?<![\w-])--?\w[\w-]*|\w*[._][\w.*/]+|[A-Z]\w*/[\w/]+|\bU\+[0-9A-F]+|"
                     r"UTF-\d+|Ctrl-\w|YYYY-MM-DD|\S+@\S+|(?<![A-Za-z])[A-Za-z](?![A-Za-z])")


def placeholders(text: str) -> list[str]:
    return sorted({a or b for a, b in _PLACEHOLDER.findall(text)})


def latin_words(text: str) -> list[str]:
    """Latin words of a Chinese message beyond the neutral ones and what it quotes."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", _QUOTED.sub("", text)) if w not in _NEUTRAL]


def test_every_message_keeps_its_placeholders_in_chinese():
    wrong = [f"{m.context}: {placeholders(m.id)} in English, {placeholders(m.string)} in Chinese"
             for m in _read_po(PO) if m.id and placeholders(m.id) != placeholders(m.string)]
    assert wrong == []


def test_every_message_is_written_in_chinese():
    latin = {m.context: latin_words(m.string) for m in _read_po(PO) if m.id and latin_words(m.string)}
    assert latin == {}


def test_each_message_id_names_one_english():
    contexts = [m.context for m in _read_po(POT) if m.id]
    assert sorted({c for c in contexts if contexts.count(c) > 1}) == []
    assert None not in contexts  # every message is marked with its id


def test_the_checks_find_a_dropped_placeholder_and_an_english_word():
    assert placeholders("{n} line(s) of {label}") == ["label", "n"]
    assert placeholders("第%(number)s条") == ["number"]
    assert latin_words("应为{expected}；实际为 found") == ["found"]
    assert latin_words("运行 `contractgen build` 生成PDF和DOCX，发到 a@b.cn") == []
    assert latin_words("用 -o 另选文件夹；在 supplier.uscc_override_reason 中说明；UTF-8文字") == []
    assert latin_words("是否添加一项？（是/否，yes/no）") == ["yes", "no"]
