"""The public Python API: a mapping in, the same results as the command line out."""
from __future__ import annotations

import json

import pytest

import contractgen
from contractgen.core.yamlio import load_yaml_file

from conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def answers() -> dict:
    return load_yaml_file(EXAMPLE)


def test_validate_mapping_lists_every_problem_with_its_field(answers):
    assert contractgen.validate_mapping(answers, ["all"]).data["contract"]["number"] == "SC-2026-0142"
    broken = {**answers, "contract": None, "currency": "usd dollars"}
    with pytest.raises(contractgen.ValidationError) as caught:
        contractgen.validate_mapping(broken, ["sales_contract"], "order.yaml")
    paths = {p.path for p in caught.value.problems}
    assert {"contract.number", "contract.date", "currency"} <= paths
    assert all(p.source == "order.yaml" for p in caught.value.problems)


def test_assess_mapping_gives_the_verdict_of_check(answers):
    assessment = contractgen.assess_mapping(answers)
    printed = json.loads(run_cli("check", EXAMPLE, "--format", "json").stdout)
    assert printed["verdict"]["code"] == assessment.verdict
    assert [f["id"] for f in printed["findings"]] == [f.id for f in assessment.findings]


def test_build_files_gives_the_bytes_build_writes(answers, tmp_path):
    files = contractgen.build_files(answers, ["sales_contract", "nnn"], ["docx", "md"], "parallel", "order.yaml")
    result = run_cli("build", EXAMPLE, "--docs", "sales_contract,nnn", "--format", "docx,md", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(files) == sorted(p.name for p in tmp_path.iterdir())
    assert all(files[name] == (tmp_path / name).read_bytes() for name in files)
