"""Validation problems in Chinese, for the interviews that ask in Chinese.

A Problem carries validation.py's English. The interview files give the Chinese of their own
`expected` words and cross-field checks; the patterns below cover the fixed phrases validation.py
uses. Anything else (a value as typed) stays as it is.
"""
from __future__ import annotations

import re

from ..core.errors import Problem
from ..interview.definitions import Interview

_EXPECTED_ZH: tuple[tuple[str, str], ...] = (
    (r"an answer \(this field is required\)", "必填"),
    (r"a number from (\S+) to (\S+)", r"\1至\2之间的数字"),
    (r"a number of at least (\S+)", r"不小于\1的数字"),
    (r"a number of at most (\S+)", r"不大于\1的数字"),
    (r"a percentage from 0 to 100", "0至100之间的百分比"),
    (r"a whole number", "整数"),
    (r"a number", "数字"),
    (r"a date \(YYYY-MM-DD\)", "日期（YYYY-MM-DD）"),
    (r"true or false", "是或否"),
    (r"one of: (.*)", r"以下之一：\1"),
    (r"an e-mail address", "电子邮箱地址"),
    (r"an ISO 3166 alpha-2 country code such as US, DE or CN", "ISO 3166两位字母国家代码，例如US、DE或CN"),
    (r"an ISO 4217 currency code such as USD, EUR or CNY", "ISO 4217货币代码，例如USD、EUR或CNY"),
    (r"an? (18-character USCC|valid Unified Social Credit Code.*)", "有效的18位统一社会信用代码（GB 32100-2015）"),
    (r"one line of text without line breaks or control characters", "单行文字，不得含换行符或控制字符"),
    (r"an IANA time zone name such as (.*)", r"IANA时区名称，例如\1"),
    (r"at least (\d+) entr(y|ies)", r"至少\1项"),
    (r"at most (\d+) entries", r"至多\1项"),
    (r"at least (\S+) characters", r"至少\1个字符"),
    (r"at most (\S+) characters", r"不超过\1个字符"),
    (r"a non-empty answer", "非空的答案"),
    (r"a mapping of answers.*", "一组答案（映射）"),
    (r"text", "文字"),
)
_FOUND_ZH: tuple[tuple[str, str], ...] = (
    (r"nothing", "未填写"),
    (r"an empty text", "空白"),
    (r"a text of ([\d,]+) characters \((.*)\)", r"\1个字符的文字（\2）"),
    (r"([\d,]+) characters", r"\1个字符"),
    (r"a mapping", "一组答案"),
    (r"a list of (\d+)", r"\1项的列表"),
)


def found_zh(found: str) -> str:
    for pattern, replacement in _FOUND_ZH:
        if re.fullmatch(pattern, found):
            return re.sub(pattern, replacement, found)
    return found  # a value as typed


def is_rule(problem: Problem, interview: Interview) -> bool:
    """A cross-field rule's problem: its Chinese is a whole sentence, not a noun phrase after 应为."""
    return any(check.expected.en == problem.expected for check in interview.checks)


def expected_zh(problem: Problem, interview: Interview) -> str:
    for check in interview.checks:
        if check.expected.en == problem.expected:
            return check.expected.zh
    for _, question in interview.questions():
        for q in (question, *question.item):
            if q.expected is not None and q.expected.en == problem.expected:
                return q.expected.zh
    for pattern, replacement in _EXPECTED_ZH:
        if re.fullmatch(pattern, problem.expected):
            return re.sub(pattern, replacement, problem.expected)
    return problem.expected
