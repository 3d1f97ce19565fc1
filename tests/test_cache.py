"""The cache of loaded library files (core/cache.py): a second load reads it, an edited file is never
answered from a stale entry, a corrupt entry is ignored and rebuilt, processes filling it at once never
see half an entry, and it can be turned off."""
from __future__ import annotations

import pickle
import shutil
import subprocess
import sys

import pytest

from contractgen.build import assemble_documents
from contractgen.core.resources import data_path
from contractgen.core.yamlio import load_yaml_file
from contractgen.library.clauses import load_library
from contractgen.render.docx_template import house_template
from contractgen.render.formats import render
from contractgen.risk.rules import load_rules

from conftest import EXAMPLE, ROOT

CLAUSE = "annexes/integral.yaml"
CID = "annexes.integral"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(folder))
    load_library.cache_clear()
    yield folder
    load_library.cache_clear()


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "clause_library"
    shutil.copytree(data_path("clause_library"), folder)
    return folder


def entries(cache, kind="clause-library"):
    return sorted((cache / kind).glob("*.pickle"))


def reload(folder):
    load_library.cache_clear()
    return load_library(folder)


def test_a_second_load_reads_the_entry_and_gives_the_same_library(cache, library):
    first = reload(library)
    [entry] = entries(cache)
    second = reload(library)
    assert entries(cache) == [entry]
    assert second.sha256 == first.sha256 and second.clauses.keys() == first.clauses.keys()
    for cid, clause in first.clauses.items():
        again = second.clauses[cid]
        assert again == clause and again.file == clause.file
        assert (again.when and again.when.source) == (clause.when and clause.when.source)
    context = {"term": {"en": "Contract", "zh": "合同"}, "contract": {"number": "SC-1"}}
    assert second.clauses[CID].render("en", context) == first.clauses[CID].render("en", context)
    assert "SC-1" in "".join(second.clauses[CID].render("zh", context))


def test_an_edited_clause_is_never_answered_from_the_old_entry(cache, library):
    before = reload(library).clauses[CID]
    path = library / CLAUSE
    original = path.read_text("utf-8")
    path.write_text(original.replace("The following annexes", "Edited: the following annexes", 1), "utf-8")
    edited = reload(library).clauses[CID]
    assert edited.text.en.startswith("Edited:") and not before.text.en.startswith("Edited")
    assert edited.render("en", {"term": {"en": "Contract"}, "contract": {"number": "X"}})[0].startswith("Edited:")
    assert len(entries(cache)) == 2
    path.write_text(original, "utf-8")
    assert reload(library).clauses[CID].text == before.text  # the first entry again
    assert len(entries(cache)) == 2


def test_a_removed_clause_file_is_gone_from_the_library(cache, library):
    assert CID in reload(library).clauses
    (library / CLAUSE).unlink()
    assert CID not in reload(library).clauses


def test_a_corrupt_entry_is_ignored_and_rebuilt(cache, library):
    good = reload(library)
    [entry] = entries(cache)
    entry.write_bytes(b"\x80\x05not a pickle")
    again = reload(library)
    assert again.sha256 == good.sha256
    assert pickle.loads(entry.read_bytes())  # rewritten whole


def test_processes_filling_the_cache_at_once_all_succeed(cache, library):
    code = ("import sys; from pathlib import Path; from contractgen.library.clauses import load_library; "
            "print(load_library(Path(sys.argv[1])).sha256)")
    env = {"PYTHONPATH": str(ROOT), "CONTRACTGEN_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    processes = [subprocess.Popen([sys.executable, "-c", code, str(library)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert len({out for out, _ in outputs}) == 1
    assert not list(cache.rglob("*.tmp"))
    [entry] = entries(cache)
    assert pickle.loads(entry.read_bytes())


def test_off_writes_nothing(tmp_path, monkeypatch, library):
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert reload(library).clauses
    assert not (tmp_path / "xdg").exists()
    load_library.cache_clear()


def test_cached_yaml_keeps_how_numbers_were_written(cache, tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text("price: 3.20\nhs: 9617.00\ncount: 5\n", "utf-8")
    first = load_yaml_file(path, cache=True)
    second = load_yaml_file(path, cache=True)
    assert entries(cache, "yaml")
    assert second == first
    assert [str(second[k].source) for k in ("price", "hs", "count")] == ["3.20", "9617.00", "5"]


def test_risk_rules_come_from_the_cache_and_an_edit_is_never_answered_stale(cache, tmp_path):
    folder = tmp_path / "risk_rules"
    shutil.copytree(data_path("risk_rules"), folder)
    load_rules.cache_clear()
    first = load_rules(folder)
    [entry] = entries(cache, "risk-rules")
    load_rules.cache_clear()
    second = load_rules(folder)  # from the entry: conditions pickled as their source, compiled again
    assert entries(cache, "risk-rules") == [entry]
    assert [(r.id, r.when.source, r.title) for r in second] == [(r.id, r.when.source, r.title) for r in first]
    rule = next(r for r in second if r.id == "payment.deposit_over_30")
    assert rule.when.evaluate({"payment": {"deposit_percent": 50}})
    assert not rule.when.evaluate({"payment": {"deposit_percent": 30}})
    path = folder / "payment.yaml"
    path.write_text(path.read_text("utf-8").replace("deposit_percent > 30", "deposit_percent > 40", 1), "utf-8")
    load_rules.cache_clear()
    edited = next(r for r in load_rules(folder) if r.id == "payment.deposit_over_30")
    assert not edited.when.evaluate({"payment": {"deposit_percent": 35}})
    assert len(entries(cache, "risk-rules")) == 2
    load_rules.cache_clear()


def test_the_house_template_code_comes_from_the_cache_and_renders_the_same(cache):
    _, (contract,) = assemble_documents(EXAMPLE, ["sales_contract"])
    house_template.cache_clear()
    first = render(contract, "docx", "parallel")
    made = entries(cache, "house-template")
    assert made  # the body's, header's and footer's compiled code
    house_template.cache_clear()
    second = render(contract, "docx", "parallel")
    assert entries(cache, "house-template") == made
    assert second == first
    house_template.cache_clear()
