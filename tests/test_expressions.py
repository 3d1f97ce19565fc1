"""`when`/`show_if` expressions: safe, and a missing answer is false rather than an error."""
import datetime as dt

import pytest

from contractgen.core.errors import LibraryError
from contractgen.interview.definitions import load_interview
from jinja2.exceptions import SecurityError

from contractgen.core.expressions import ExpressionSyntaxError, compile_expression


def test_missing_answers_are_false_not_errors():
    assert compile_expression("tooling.owner == 'buyer'").evaluate({}) is False
    assert compile_expression("tooling is defined").evaluate({}) is False
    assert compile_expression("delivery.ship_by > contract.date").evaluate({}) is False


def test_values_compare():
    ctx = {"payment": {"deposit_percent": 30}, "delivery": {"ship_by": dt.date(2027, 2, 15)},
           "contract": {"date": dt.date(2026, 11, 23)}, "tooling": {"owner": "buyer"}}
    assert compile_expression("payment.deposit_percent > 0 and tooling.owner == 'buyer'").evaluate(ctx)
    assert compile_expression("delivery.ship_by > contract.date").evaluate(ctx)
    assert not compile_expression("payment.deposit_percent > 30").evaluate(ctx)


def test_a_key_named_like_a_dict_method_reads_as_jinja_reads_it():
    # Jinja gives the attribute before the key: `x.items` is the dict's method, `x.owner` the key
    assert compile_expression("x.items != 'key'").evaluate({"x": {"items": "key"}})
    assert compile_expression("x.owner == 'key'").evaluate({"x": {"owner": "key"}})


def test_a_key_does_not_open_the_sandbox():
    expr = compile_expression("x.kind.__class__.__base__.__subclasses__()")
    with pytest.raises(SecurityError):
        expr.evaluate({"x": {"kind": "buyer"}})


def test_paths_are_reported():
    assert compile_expression("a.b == 1 or c[0].d").paths == {"a.b", "c[].d"}


def test_no_python_internals():
    expr = compile_expression("().__class__.__base__.__subclasses__()")
    with pytest.raises(SecurityError):
        expr.evaluate({})


def test_syntax_error():
    with pytest.raises(ExpressionSyntaxError):
        compile_expression("payment.deposit_percent >")


def test_an_interview_condition_that_reads_past_the_sandbox_is_refused_on_loading(tmp_path):
    (tmp_path / "tiny.yaml").write_text(
        "id: tiny\ntitle: {en: Tiny, zh: 小}\nquestions:\n"
        "  - path: note\n    type: string\n    label: {en: Note, zh: 备注}\n"
        "    show_if: \"note.__class__ is defined\"\n", "utf-8")
    with pytest.raises(LibraryError, match="show_if .*underscore"):
        load_interview("tiny", tmp_path)
