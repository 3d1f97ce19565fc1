"""Safe YAML loading for every file contractgen reads (answers, clauses, interviews, definitions).

PyYAML's safe_load is safe against code execution but not against the rest:
- alias bombs ("billion laughs") load as shared references and explode when walked;
- YAML 1.1 reads `NO` (Norway) as false, `0123` as an octal number and `1:20` as 80;
- a duplicated key silently keeps the last value.
This loader fixes those, and keeps the source text of every number so a decimal is read exactly
(`3.20` stays `Decimal("3.20")`, never the float 3.2000000000000002) and an HS code typed without
quotes (`9617.00`) is not turned into `9617.0`.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .cache import cached, content_key
from .errors import InputError, Problem
from .messages import as_typed, message
from .input_files import read_bounded

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # after expanding aliases; a large real order has a few thousand


class SourceInt(int):
    """An int that remembers how it was written."""

    source: str


class SourceFloat(float):
    """A float that remembers how it was written, so callers can read it as an exact Decimal."""

    source: str


def source_text(value) -> str | None:
    """How a number was written in the file, or None when the value did not come from YAML."""
    return getattr(value, "source", None)


try:
    from yaml.cyaml import CParser  # libyaml: parses and composes in C, about 5× faster than pure Python
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:  # the constructor and resolvers stay ours either way
    class _Loader(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """SafeLoader with YAML 1.2-like scalars and no duplicate keys."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:
    class _Loader(yaml.SafeLoader):
        """SafeLoader with YAML 1.2-like scalars and no duplicate keys."""


# Drop the YAML 1.1 resolvers for bool/int/float and add YAML 1.2 core-schema ones.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)$"),
    list("-+0123456789."))


MAX_INT_DIGITS = 100  # Python refuses to convert a text of more than 4,300 digits to an int


def _construct_int(loader, node):
    if len(node.value.lstrip("+-")) > MAX_INT_DIGITS:
        return _construct_float(loader, node)  # infinite as a float; validation reads the source text and refuses it
    value = SourceInt(int(node.value))
    value.source = node.value
    return value


def _construct_float(loader, node):
    value = SourceFloat(float(node.value))
    value.source = node.value
    return value


def _construct_timestamp(loader, node):
    """A date as a date; an impossible one (2026-02-30) as the text it is, which validation then reports
    at its field instead of the loader failing the whole file."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)  # the CParser class starts with none
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _Recursive(Exception):
    pass


def _count_nodes(root: Node) -> int:
    """Size of the tree once aliases are expanded, computed without expanding them."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in open_nodes:
            raise _Recursive
        if key in sizes:
            return sizes[key]
        open_nodes.add(key)
        if isinstance(node, SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        total = min(total, MAX_NODES + 1)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _duplicate_key(root: Node) -> tuple[str, Node] | None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    if key.value in keys and key.value != "<<":
                        return key.value, key
                    keys.add(key.value)
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return None


MAX_DEPTH = 64  # real answers nest 4 deep; libyaml's composer recurses on the C stack and would crash


def _depth_exceeded(events) -> bool:
    depth = 0
    try:
        while (event := events.get_event()) is not None:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        events.dispose()
    return False


def _too_deep(text: str) -> bool:
    """Nesting deeper than MAX_DEPTH, found from the parser's events (a loop, not recursion).

    libyaml has a depth limit of its own (PyYAML >= 6.0.3's bundled libyaml stops its scanner at
    1,000 flow levels, before any event), so when the fast parser fails the text is walked again by
    PyYAML's pure-Python parser, which has no such limit and stops at ours: our message wins,
    whatever the PyYAML version.
    """
    try:
        return _depth_exceeded(_Loader(text))
    except yaml.YAMLError:
        pass
    try:
        return _depth_exceeded(yaml.SafeLoader(text))
    except yaml.YAMLError:
        return False  # the real parse below reports it with its line


UTF8 = message("expected.utf8", "UTF-8 text")
NOT_UTF8 = message("found.not_utf8", "bytes that are not UTF-8 (save the file as UTF-8)")
_BYTE_AT = message("found.byte_at", "byte {byte} at offset {offset} (save the file as UTF-8)")
_NESTED = message("expected.nested", "YAML nested at most {depth} levels deep")
_DEEPER = message("found.deeper", "deeper nesting")
_TREE = message("expected.tree", "a tree of values")
_SELF_ALIAS = message("found.self_alias", "an alias that contains itself")
_AT_MOST_VALUES = message("expected.at_most_values", "at most {n} values once aliases are expanded")
_MORE_VALUES = message("found.more_values", "more (an alias bomb, or a file far larger than any order)")
_KEY_ONCE = message("expected.key_once", "each key once per mapping")
_KEY_REPEATED = message("found.key_repeated", "key {key} repeated at line {line}")
_VALID_YAML = message("expected.valid_yaml", "valid YAML")
_AT_LINE = message("found.at_line", "{what} at line {line}, column {column}")


def load_yaml_text(text: str, source: str):
    """Parse YAML text; every failure is an InputError naming `source` and the line."""
    if _too_deep(text):
        raise InputError(Problem(source, "", _NESTED(depth=MAX_DEPTH), _DEEPER()))
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        try:
            too_big = _count_nodes(root) > MAX_NODES
        except _Recursive:
            raise InputError(Problem(source, "", _TREE(), _SELF_ALIAS())) from None
        if too_big:
            raise InputError(Problem(source, "", _AT_MOST_VALUES(n=f"{MAX_NODES:,}"), _MORE_VALUES()))
        duplicate = _duplicate_key(root)
        if duplicate:
            key, node = duplicate
            raise InputError(Problem(source, "", _KEY_ONCE(), _KEY_REPEATED(key=repr(key), line=node.start_mark.line + 1)))
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = as_typed(getattr(exc, "problem", None) or str(exc))  # the YAML parser's own words
        found = _AT_LINE(what=what, line=mark.line + 1, column=mark.column + 1) if mark else what
        raise InputError(Problem(source, "", _VALID_YAML(), found)) from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path, cache: bool = False):
    """Read and parse a YAML file with the size, encoding and structure limits above. `cache`: a file of
    the tool's own data (an interview, a document definition, risk rules), parsed once and then read
    from the cache (core/cache.py) while its content stays the same; never for a user's answers."""
    data = read_bounded(path, MAX_FILE_BYTES)
    if cache:
        return cached("yaml", content_key("yaml", [("", data)]), lambda: _parse_file(data, str(path)))
    return _parse_file(data, str(path))


def _parse_file(data: bytes, source: str):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(source, "", UTF8(), _BYTE_AT(byte=f"0x{data[exc.start]:02x}", offset=exc.start))) from None
    return load_yaml_text(text, source)
