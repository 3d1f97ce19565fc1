"""Answers: read an answers file (or take a mapping) and validate it against the documents' interviews."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..core.cache import cached, files_key
from ..core.resources import data_path
from ..interview.definitions import Interview, available_interviews, load_interview
from .paths import question_paths
from .validate import Answers, validate
from ..core.yamlio import load_yaml_file


@cache
def known_answer_paths() -> frozenset[str]:
    """Every answers path any bundled interview asks, so a field meant for another document is not
    reported as unknown. Kept in the cache (core/cache.py): building every interview to list them cost a
    one-document build ~115 ms."""
    folder = data_path("interviews")
    return cached("answer-paths", files_key("answer-paths", folder, folder.rglob("*.yaml")), _answer_paths)


def _answer_paths() -> frozenset[str]:
    paths: set[str] = set()
    for name in available_interviews():
        paths |= question_paths(tuple(q for _, q in load_interview(name).questions()))
    return frozenset(paths)


def answers_from_mapping(raw, interview: Interview, source: str) -> Answers:
    return validate(raw, interview, source, known_answer_paths())


def load_answers(path: str | Path, interview: Interview) -> Answers:
    return answers_from_mapping(load_yaml_file(path), interview, str(path))
