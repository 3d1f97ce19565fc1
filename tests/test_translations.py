"""The label catalog (translations/): complete, up to date with the code, compiled, and covering
every label the assembler and renderers look up."""
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
    # the same command as in contractgen/documents/labels.py, run through babel's API
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-c", "TRANSLATORS:",
                                "-o", str(fresh), str(ROOT)])
    extracted, committed = _ids(_read_po(fresh)), _ids(_read_po(POT))
    assert extracted == committed, (
        f"translations/messages.pot is stale: new in the code {sorted(extracted - committed)}, "
        f"gone from the code {sorted(committed - extracted)}; re-extract and update (contractgen/documents/labels.py)")


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


def _labels_module_with(monkeypatch, mo: Path):
    import contractgen.documents.labels as labels

    for name in ("LABELS", "ARTICLE"):  # loaded by earlier tests; load again from `mo`
        if name in vars(labels):
            monkeypatch.delattr(labels, name)
    monkeypatch.setattr(labels, "data_path", lambda *parts: mo)
    return labels


def test_a_missing_compiled_catalog_says_how_to_compile_it(monkeypatch, tmp_path, capsys):
    from contractgen.cli import main

    labels = _labels_module_with(monkeypatch, tmp_path / "messages.mo")
    with pytest.raises(labels.CatalogError, match=re.escape("pybabel compile -d translations -D messages")):
        labels.LABELS
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "out")]) == 1
    assert "pybabel compile -d translations -D messages" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_label_missing_from_the_compiled_catalog_is_an_error_not_english(monkeypatch, tmp_path):
    catalog = _read_po(PO)
    catalog.get("Seller", context="party.seller").string = ""
    mo = tmp_path / "messages.mo"
    with mo.open("wb") as fp:
        write_mo(fp, catalog)
    labels = _labels_module_with(monkeypatch, mo)
    with pytest.raises(labels.CatalogError, match=r"no Chinese for (.*, )?party\.seller\b"):
        labels._load()


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
