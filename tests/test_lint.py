"""`contractgen clauses lint`: the shipped library is clean, and every kind of mistake is caught."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from contractgen.answers.load import load_answers
from contractgen.documents.assembly import assemble
from contractgen.documents.context import order_context
from contractgen.build import interview_for
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.core.errors import LibraryError
from contractgen.lint import lint

from conftest import EXAMPLE, ROOT

GOOD = """\
id: {topic}.{name}
version: 1.0.0
status: approved
title: {{en: Deposit, zh: 预付款}}
applies_to: [sales_contract]
when: payment.deposit_percent > 0
text:
  en: The Buyer shall pay {{{{ payment.deposit_percent | num }}}}% ({{{{ deposit_amount | money }}}}).
  zh: 买方应支付合同总价的{{{{ payment.deposit_percent | num }}}}%（{{{{ deposit_amount | money_zh }}}}）。
"""


def write_clause(folder, topic="payment", name="deposit", body=None, **fields):
    text = body if body is not None else GOOD.format(topic=topic, name=name)
    for key, value in fields.items():
        lines = [line for line in text.splitlines() if not line.startswith(f"{key}:")]
        if value is not None:
            lines.insert(1, f"{key}: {value}")
        text = "\n".join(lines) + "\n"
    path = folder / topic / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(folder):
    return [str(p) for p in lint(folder)]


def test_shipped_library_is_clean():
    assert messages(None) == []


def test_cli_lint_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "contractgen", "clauses", "lint"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    write_clause(tmp_path, version="1.0")
    bad = subprocess.run([sys.executable, "-m", "contractgen", "clauses", "lint", "--library", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert "payment/deposit.yaml: payment.deposit:" in bad.stdout and "version" in bad.stdout


def test_a_good_clause_passes(tmp_path):
    write_clause(tmp_path)
    assert messages(tmp_path) == []


@pytest.mark.parametrize("fields, fragment", [
    ({"version": "1.0"}, "version"),
    ({"status": "final"}, "status"),
    ({"applies_to": None}, "applies_to"),
    ({"when": "payment.deposit_percent >"}, "when does not compile"),
    ({"when": "payment.depositpercent > 0"}, "when uses payment.depositpercent"),
    ({"requires": "[payment.nothing]"}, "requires names unknown clause payment.nothing"),
    ({"excludes": "[payment.missing]"}, "excludes names unknown clause payment.missing"),
])
def test_metadata_mistakes(tmp_path, fields, fragment):
    write_clause(tmp_path, **fields)
    found = messages(tmp_path)
    assert any(fragment in m and "payment.deposit" in m and "deposit.yaml" in m for m in found), found


def test_duplicate_ids(tmp_path):
    write_clause(tmp_path)
    write_clause(tmp_path, name="deposit_copy", body=GOOD.format(topic="payment", name="deposit"))
    found = messages(tmp_path)
    assert any("duplicate id" in m for m in found), found


def test_missing_language(tmp_path):
    body = GOOD.format(topic="payment", name="deposit").replace(
        "  zh: 买方应支付合同总价的{{ payment.deposit_percent | num }}%（{{ deposit_amount | money_zh }}）。\n", "  zh: ''\n")
    write_clause(tmp_path, body=body)
    assert any("no ZH text" in m for m in messages(tmp_path))


def test_languages_use_different_variables(tmp_path):
    body = GOOD.format(topic="payment", name="deposit").replace("（{{ deposit_amount | money_zh }}）", "")
    write_clause(tmp_path, body=body)
    found = messages(tmp_path)
    assert any("different variables" in m and "only in EN: deposit_amount" in m for m in found), found


def test_language_suffixes_count_as_the_same_fact(tmp_path):
    body = textwrap.dedent("""\
        id: parties.names
        version: 1.0.0
        status: approved
        title: {en: Parties, zh: 当事人}
        applies_to: [sales_contract]
        text:
          en: "{{ supplier.name_en }} sells to {{ buyer.name_en }}; {{ label.delivery.incoterm.en }}"
          zh: "{{ supplier.name_zh }}向{{ buyer.name_zh }}出售；{{ label.delivery.incoterm.zh }}"
        """)
    write_clause(tmp_path, topic="parties", name="names", body=body)
    assert messages(tmp_path) == []


def test_unknown_variable(tmp_path):
    body = GOOD.format(topic="payment", name="deposit").replace("deposit_amount", "deposit_amt")
    write_clause(tmp_path, body=body)
    assert any("variable deposit_amt is not an answers field" in m for m in messages(tmp_path))


def test_template_syntax_error(tmp_path):
    body = GOOD.format(topic="payment", name="deposit").replace("| num }}}}%", "| num %")
    body = GOOD.format(topic="payment", name="deposit").replace("{{ deposit_amount | money }}", "{{ deposit_amount | money ")
    write_clause(tmp_path, body=body)
    assert any("EN text does not compile" in m for m in messages(tmp_path))


def test_id_must_match_file(tmp_path):
    write_clause(tmp_path, name="advance", body=GOOD.format(topic="payment", name="deposit"))
    assert any("id must be 'payment.advance'" in m for m in messages(tmp_path))


def test_contradiction_through_requires(tmp_path):
    write_clause(tmp_path, name="a", requires="[payment.b]")
    write_clause(tmp_path, name="b", requires="[payment.c]")
    write_clause(tmp_path, name="c", excludes="[payment.b]")
    found = messages(tmp_path)
    assert any("payment.a" in m and "contradiction" in m for m in found), found


def test_yaml_error_is_reported_not_raised(tmp_path):
    (tmp_path / "payment").mkdir()
    (tmp_path / "payment" / "broken.yaml").write_text("id: [unclosed\n")
    found = messages(tmp_path)
    assert len(found) == 1 and "broken.yaml" in found[0] and "valid YAML" in found[0]


def test_requires_cycle(tmp_path):
    write_clause(tmp_path, name="a", requires="[payment.b]")
    write_clause(tmp_path, name="b", requires="[payment.c]")
    write_clause(tmp_path, name="c", requires="[payment.a]")
    found = lint(tmp_path)
    for name in "abc":
        assert any(p.file.endswith(f"{name}.yaml") and p.clause_id == f"payment.{name}"
                   and "requires cycle" in p.message for p in found), found
    assert any("payment.a → payment.b → payment.c → payment.a" in p.message for p in found), found


ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ payment['__class__'] }}",
    "{{ payment | attr('__class__') }}",
    "{% if ''.__class__.__mro__ %}x{% endif %}",
    "{% set hidden = payment._secret %}{{ hidden }}",
    "{% for line in lines %}{{ line.__dict__ }}{% endfor %}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_sandbox_escape_in_text(tmp_path, escape):
    body = GOOD.format(topic="payment", name="deposit").replace("。\n", "。" + escape + "\n")
    write_clause(tmp_path, body=body)
    found = lint(tmp_path)
    assert any(p.clause_id == "payment.deposit" and "ZH text" in p.message and "underscore" in p.message
               for p in found), found


def test_sandbox_escape_in_when(tmp_path):
    write_clause(tmp_path, when="\"''.__class__.__base__ is defined\"")
    found = lint(tmp_path)
    assert any("when" in p.message and "__class__" in p.message and "underscore" in p.message for p in found), found


def test_computed_attr_name_is_refused(tmp_path):
    body = GOOD.format(topic="payment", name="deposit").replace("。\n", "。{{ payment | attr('_' ~ '_class__') }}\n")
    write_clause(tmp_path, body=body)
    found = lint(tmp_path)
    assert any("attr" in p.message and "computed" in p.message for p in found), found


# --- build runs the same clause checks over the clauses an order selects ---------------------------------


def edit_clause(folder, clause_file, change):
    path = folder / clause_file
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def build_sales_contract(folder):
    interview = interview_for(["sales_contract"])
    answers = load_answers(EXAMPLE, interview)
    return assemble(load_definition("sales_contract"), order_context(answers.data, interview), load_library(folder))


def zh_only_variable(data):
    data["text"]["zh"] += "法定代表人：{{ supplier.legal_representative }}。"


def escape_in_both(data):
    for lang in ("en", "zh"):
        data["text"][lang] += "{{ ''.__class__ }}"


@pytest.mark.parametrize("changes, fragment", [
    ({"parties/recitals.yaml": zh_only_variable}, "only in ZH: supplier.legal_representative"),
    ({"parties/recitals.yaml": escape_in_both}, "underscore"),
    ({"parties/recitals.yaml": lambda d: d.update(requires=["parties.definitions"]),
      "parties/definitions.yaml": lambda d: d.update(requires=["parties.recitals"])}, "requires cycle"),
])
def test_build_refuses_what_lint_refuses_in_a_selected_clause(tmp_path, changes, fragment):
    folder = tmp_path / "clause_library"
    shutil.copytree(ROOT / "clause_library", folder)
    for clause_file, change in changes.items():
        edit_clause(folder, clause_file, change)
    with pytest.raises(LibraryError) as err:
        build_sales_contract(folder)
    message = str(err.value)
    assert str(folder / "parties" / "recitals.yaml") in message and fragment in message, message
    for problem in lint(folder):  # the same checks, so the same words
        if problem.clause_id == "parties.recitals":
            assert problem.message in message


def test_a_fault_in_a_clause_the_order_does_not_select_does_not_stop_its_build(tmp_path):
    folder = tmp_path / "clause_library"
    shutil.copytree(ROOT / "clause_library", folder)
    edit_clause(folder, "dispute/hkiac.yaml", zh_only_variable)
    assert any(p.clause_id == "dispute.hkiac" for p in lint(folder))
    document = build_sales_contract(folder)
    assert "dispute.hkiac" not in {c.id for s in document.sections for c in s.clauses}
