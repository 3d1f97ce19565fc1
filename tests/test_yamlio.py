"""Safe YAML loading: alias bombs, YAML 1.1 traps, duplicate keys, exact numbers."""
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from contractgen.core.errors import InputError
from contractgen.core.yamlio import load_yaml_file, load_yaml_text, source_text

from conftest import ROOT


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines)


def test_alias_bomb_is_rejected_with_a_clear_error():
    with pytest.raises(InputError) as err:
        load_yaml_text(billion_laughs(), "bomb.yaml")
    assert "bomb.yaml" in str(err.value) and "alias" in str(err.value)


def test_self_referencing_alias_is_rejected():
    with pytest.raises(InputError, match="contains itself"):
        load_yaml_text("a: &x [*x]", "rec.yaml")


def test_small_aliases_still_work():
    assert load_yaml_text("a: &x [1, 2]\nb: *x", "ok.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_yaml_1_1_traps_stay_text():
    data = load_yaml_text("country: NO\nanswer: yes\naccount: 0123\ntime: 1:20\nflag: true", "x.yaml")
    assert data == {"country": "NO", "answer": "yes", "account": "0123", "time": "1:20", "flag": True}


def test_numbers_keep_their_source_text():
    data = load_yaml_text("price: 3.20\nhs: 9617.00\nqty: 5000", "x.yaml")
    assert source_text(data["price"]) == "3.20" and Decimal(source_text(data["price"])) == Decimal("3.20")
    assert source_text(data["hs"]) == "9617.00"
    assert data["qty"] == 5000 and source_text(data["qty"]) == "5000"


def test_duplicate_key_names_the_line():
    with pytest.raises(InputError, match="'a' repeated at line 3"):
        load_yaml_text("a: 1\nb: 2\na: 3", "dup.yaml")


def test_syntax_error_names_file_and_line():
    with pytest.raises(InputError) as err:
        load_yaml_text("a: [1,\nb: 2", "bad.yaml")
    assert str(err.value).startswith("bad.yaml: expected valid YAML") and "line" in str(err.value)


def test_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_yaml_file(tmp_path / "missing.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (3 * 1024 * 1024))
    with pytest.raises(InputError, match="at most"):
        load_yaml_file(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Jos\xe9".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_yaml_file(latin)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_yaml_file(empty) is None


@pytest.mark.parametrize("text", ["[" * 100_000, "{a: " * 70 + "x" + "}" * 70,
                                  "".join("  " * i + "- \n" for i in range(100)), "- " * 5000 + "x"])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, text):
    # libyaml's composer recurses in C: without the depth check this input kills the process
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "contractgen", "check", str(path)], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"contractgen: error: {path}: expected YAML nested at most 64 levels deep, found deeper nesting"
