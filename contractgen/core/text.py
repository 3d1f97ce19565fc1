"""Bilingual text: one fact in both languages, the unit every stage passes on."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """One fact in both languages."""

    en: str
    zh: str


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # a Chinese character


def has_chinese(text: str) -> bool:
    """Does the text hold any Chinese character (CJK Unified Ideographs, Extension A, compatibility)?"""
    return bool(CJK.search(text))
