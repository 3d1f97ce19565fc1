"""`contractgen clauses impact` (which issued documents carry a clause) and `contractgen clauses diff`
(what changed between two versions of the library), on folders and on two commits of a git repository."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, run_cli

CIETAC = "中国国际经济贸易仲裁委员会"
SHIAC = "上海国际仲裁中心"


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> Path:
    """Two orders built into two folders: the example (CIETAC) and one with an HKIAC forum."""
    root = tmp_path_factory.mktemp("issued")
    first = run_cli("build", EXAMPLE, "--docs", "sales_contract,nnn", "-o", root / "2026-11")
    assert first.returncode == 0, first.stderr
    hkiac = ROOT / "examples" / "apparel-earnest-hkiac.yaml"
    second = run_cli("build", hkiac, "-o", root / "2026-12" / "apparel")
    assert second.returncode == 0, second.stderr
    return root


def test_impact_lists_every_document_carrying_the_clause(issued):
    result = run_cli("clauses", "impact", "dispute.cietac", issued, "--format", "json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)["documents"]
    # the NNN of this order goes to the court at the factory's domicile (issue 16), so only the contract
    assert [(d["contract_number"], d["document"]) for d in documents] == [("SC-2026-0142", "sales_contract")]
    document = documents[0]
    assert document["date"] == "2026-11-23" and document["clause"].startswith("dispute.cietac@")
    assert Path(document["manifest"]).is_file()
    assert any(f.endswith(".docx") and Path(f).is_file() for f in document["files"])


def test_impact_by_version_and_as_csv(issued):
    version = json.loads(run_cli("clauses", "impact", "dispute.cietac", issued, "--format", "json").stdout)[
        "documents"][0]["clause"].split("@")[1]
    exact = run_cli("clauses", "impact", f"dispute.cietac@{version}", issued, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exact.stdout)))
    assert [(r["contract_number"], r["document"], r["clause"]) for r in rows] == [
        ("SC-2026-0142", "sales_contract", f"dispute.cietac@{version}")]
    other = run_cli("clauses", "impact", "dispute.cietac@0.0.1", issued)
    assert other.returncode == 0 and "No issued document" in other.stdout


def test_impact_of_a_clause_in_two_folders(issued):
    """governing_law is in every contract: both folders, both orders."""
    result = run_cli("clauses", "impact", "governing_law.prc", issued / "2026-11", issued / "2026-12",
                     "--format", "json")
    numbers = {d["contract_number"] for d in json.loads(result.stdout)["documents"]}
    assert len(numbers) == 2


@pytest.mark.parametrize("args, expected", [
    (["Not A Clause", "."], "a clause id"),
    (["dispute.cietac", "no-such-folder"], "no such folder"),
])
def test_impact_refuses_bad_input(args, expected):
    result = run_cli("clauses", "impact", *args)
    assert result.returncode == 2 and expected in result.stderr


def copy_library(target: Path) -> Path:
    shutil.copytree(ROOT / "clause_library", target)
    return target


def swap_forum(library: Path, bump: bool) -> None:
    path = library / "dispute" / "cietac.yaml"
    text = path.read_text("utf-8").replace(CIETAC, SHIAC)
    if bump:
        text = re.sub(r"^version: (\d+)\.(\d+)\.\d+$", lambda m: f"version: {m[1]}.{int(m[2]) + 1}.0", text,
                      count=1, flags=re.M)
    path.write_text(text, "utf-8")


def test_diff_of_two_folders_shows_the_redline_and_refuses_a_change_without_a_bump(tmp_path):
    old, new = copy_library(tmp_path / "old"), copy_library(tmp_path / "new")
    swap_forum(new, bump=False)
    (new / "dispute" / "siac.yaml").unlink()
    added = new / "general" / "extra.yaml"
    added.write_text((new / "general" / "notices.yaml").read_text("utf-8").replace("id: general.notices",
                                                                                    "id: general.extra"), "utf-8")
    result = run_cli("clauses", "diff", old, new, "--format", "json")
    assert result.returncode == 2, result.stdout + result.stderr
    clauses = {c["id"]: c for c in json.loads(result.stdout)["clauses"]}
    assert clauses["dispute.siac"]["change"] == "removed"
    assert clauses["general.extra"]["change"] == "added"
    cietac = clauses["dispute.cietac"]
    assert cietac["change"] == "changed" and "did not go up" in cietac["problem"]
    assert f"{{+{SHIAC[:2]}" in cietac["redline"]["zh"] and "[-" in cietac["redline"]["zh"]
    assert "en" not in cietac["redline"]
    text = run_cli("clauses", "diff", old, new)
    assert "ERROR" in text.stdout and "dispute.cietac" in text.stdout


def test_diff_with_the_version_bumped_is_clean(tmp_path):
    old, new = copy_library(tmp_path / "old"), copy_library(tmp_path / "new")
    swap_forum(new, bump=True)
    result = run_cli("clauses", "diff", old, new)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"changed  dispute\.cietac (\d+)\.(\d+)\.\d+ → \1\.\d+\.0", result.stdout), result.stdout


def test_diff_of_two_git_commits(tmp_path):
    repo = tmp_path / "project"
    repo.mkdir()
    copy_library(repo / "clause_library")

    def git(*args):
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                              check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "library as issued")
    first = git("rev-parse", "HEAD")
    swap_forum(repo / "clause_library", bump=False)
    git("commit", "-qam", "new forum, no bump")
    result = run_cli("clauses", "diff", first, "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    [change] = json.loads(result.stdout)["clauses"]
    assert change["id"] == "dispute.cietac" and "did not go up" in change["problem"]
    # a project folder (holding clause_library/) against a ref
    same = run_cli("clauses", "diff", repo, "HEAD", cwd=repo)
    assert same.returncode == 0 and "no clause differs" in same.stdout
    unknown = run_cli("clauses", "diff", "no-such-ref", "HEAD", cwd=repo)
    assert unknown.returncode == 2 and "git ref" in unknown.stderr
