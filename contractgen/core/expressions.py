"""Conditions over the answers (`when`, `show_if`, interview `checks`), and the variables a template uses.

Conditions are Jinja expressions compiled in Jinja's sandbox: a small, documented language that a
lawyer can read, with no access to Python internals and no `eval`. A missing answer is undefined,
which is false and compares unequal to everything, so `tooling.owner == 'buyer'` is simply false for
an order without tooling.
"""
from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from functools import lru_cache
from string import Formatter
from typing import Any, Callable

from jinja2 import ChainableUndefined, Environment, Template, nodes
from jinja2.environment import TemplateExpression
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from .cache import cached, content_key

_DICT_ATTRIBUTES = frozenset(dir(dict))


class DictKeysFirst:
    """`answers.payment` read as the dict key at once. Jinja first tries the attribute and takes the key
    when that raises AttributeError, which a plain dict does for every name but its methods' (those keep
    Jinja's way): the same value, without the exception that was most of the lookup's cost."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)


class Sandbox(DictKeysFirst, SandboxedEnvironment):
    """Jinja's sandbox, reading dict keys without the exception (DictKeysFirst)."""


_env = Sandbox(undefined=ChainableUndefined)

# Names a template may use without the answers providing them.
_TEMPLATE_BUILTINS = frozenset({"loop", "range", "true", "false", "none", "True", "False", "None",
                                "dict", "lipsum", "cycler", "joiner", "namespace"})


class ExpressionSyntaxError(ValueError):
    """An expression that does not compile; the message says where."""


@dataclass(frozen=True)
class Expression:
    source: str
    paths: frozenset[str]
    escapes: tuple[str, ...]  # what sandbox_escapes() finds in it; a library refuses any
    _compiled: Callable[..., Any] = field(repr=False, compare=False)

    def evaluate(self, context: dict) -> bool:
        """True or False; comparing a missing answer with anything is False, never an error."""
        try:
            return bool(self._compiled(**context))
        except (UndefinedError, TypeError):
            return False

    def __reduce__(self):
        # pickled (core/cache.py) as its source: its compiled code has a cache entry of its own
        return compile_expression, (self.source,)


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Expression:
    """A condition compiled once, then read from the cache (core/cache.py) as Python code."""
    source = str(source).strip()
    if not source:
        raise ExpressionSyntaxError("an empty expression")
    paths, escapes, code = cached("expression", content_key("expression", [("", source.encode())]),
                                  lambda: _compiled(source))
    template = template_from_code(_env, code)
    return Expression(source, paths, escapes, TemplateExpression(template, undefined_to_none=False))


def template_from_code(environment: Environment, code: bytes) -> Template:
    """A template from its marshalled code (core/cache.py). Its globals are a plain dict, not Jinja's
    ChainMap over the environment's: every render copies them into its context, and copying a ChainMap
    was a tenth of a clause's rendering time. Our environments never change their globals."""
    return environment.template_class.from_code(environment, marshal.loads(code), dict(environment.globals))


def _compiled(source: str) -> tuple[frozenset[str], tuple[str, ...], bytes]:
    """What an Expression needs, as plain values: its paths, its sandbox escapes, and the code of
    `{% set result = (…) %}`, which is how Jinja's compile_expression compiles it (checked by compiling
    it that way first, which also refuses anything after the expression)."""
    try:
        _env.compile_expression(source)
        tree = _env.parse("{{ (" + source + ") }}")
        code = _env.compile("{% set result = (" + source + ") %}")
    except TemplateSyntaxError as exc:
        raise ExpressionSyntaxError(f"{exc.message} in {source!r}") from None
    return frozenset(variable_paths(tree)), tuple(sandbox_escapes(tree)), marshal.dumps(code)


def variable_paths(tree: nodes.Template) -> set[str]:
    """Dotted paths of the context variables a parsed template reads, e.g. {'payment.deposit_percent',
    'lines'}. A list index becomes `[]` (`products[].sku`); names a template assigns itself (loop
    variables, `set`) are not context variables and are left out."""
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    local |= _TEMPLATE_BUILTINS
    found: set[str] = set()

    def chain(node: nodes.Node) -> list[str] | None:
        parts: list[str] = []
        while True:
            if isinstance(node, nodes.Getattr):
                parts.append(node.attr)
                node = node.node
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                parts.append("[]" if isinstance(node.arg.value, int) else str(node.arg.value))
                node = node.node
            elif isinstance(node, nodes.Name) and node.ctx == "load":
                if node.name in local:
                    return None
                parts.append(node.name)
                return parts[::-1]
            else:
                return None

    def visit(node: nodes.Node) -> None:
        if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)):
            parts = chain(node)
            if parts is not None:
                found.add(".".join(parts).replace(".[]", "[]"))
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return found


# Filters that read an attribute named by a string: `attr('x')`, `map(attribute='x')`, `selectattr('x')` …
_ATTRIBUTE_BY_POSITION = frozenset({"attr", "selectattr", "rejectattr", "groupby"})


def sandbox_escapes(tree: nodes.Template) -> list[str]:
    """Every read of a name starting with an underscore (`''.__class__`, `x['_y']`, `x | attr('__dict__')`,
    `'{0.__class__}'.format(x)`), and every attribute name computed at run time: the ways out of Jinja's
    sandbox. The sandbox refuses them when rendering; a library refuses them before any order does."""
    found: list[str] = []

    def name(value: str, how: str) -> None:
        hidden = [part for part in value.split(".") if part.startswith("_")]
        if hidden:
            found.append(f"{how} {hidden[0]}, a name starting with an underscore")

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test, nodes.Call)):
        if isinstance(node, nodes.Getattr):
            name(node.attr, "reads")
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                name(node.arg.value, "reads")
            elif any(isinstance(c.value, str) for c in node.arg.find_all(nodes.Const)):
                found.append("reads an item whose name is computed")
        elif isinstance(node, (nodes.Filter, nodes.Test)):
            for argument in _attribute_arguments(node):
                if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
                    name(argument.value, f"{node.name}() reads")
                else:
                    found.append(f"{node.name}() reads an attribute whose name is computed")
        elif isinstance(node.node, nodes.Getattr) and node.node.attr in ("format", "format_map"):
            receiver = node.node.node
            if isinstance(receiver, nodes.Const) and isinstance(receiver.value, str):
                for field_name in _format_fields(receiver.value):
                    name(field_name.replace("[", ".").replace("]", ""), f"{node.node.attr}() reads")
            else:
                found.append(f"{node.node.attr}() with a computed format string")
    return sorted(set(found))


def _attribute_arguments(node: nodes.Filter | nodes.Test) -> list[nodes.Expr]:
    named = [keyword.value for keyword in node.kwargs if keyword.key == "attribute"]
    return named + (node.args[:1] if node.name in _ATTRIBUTE_BY_POSITION else [])


def _format_fields(template: str) -> list[str]:
    try:
        return [field_name for _, field_name, _, _ in Formatter().parse(template) if field_name]
    except ValueError:  # not a valid format string: str.format would refuse it too
        return []
