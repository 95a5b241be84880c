"""Fingerprints of what a page is rendered from: the same fingerprint, the same page.

A page is a template applied to values. `template_inputs` finds which names a template (with
everything it extends, includes and imports) can read; `Fingerprinter.of` turns each value
into a short digest. Values of a kind it does not know raise `Unfingerprintable`, and such a
page is simply rendered every time: being unsure costs time, never a stale page.

Pure logic over Jinja's syntax tree and plain Python values; the Pelican types are taught to a
Fingerprinter by the plugin that uses it (plugins/page_writer).
"""

import hashlib
import types
from array import array
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import PurePath

from jinja2 import Environment, TemplateNotFound, meta, nodes


class Unfingerprintable(Exception):
    """A value whose identity cannot be told from its contents."""


def digest(*parts: bytes) -> bytes:
    """16 bytes for the sequence of `parts` (their lengths count: ("ab", "c") ≠ ("a", "bc"))."""
    hasher = hashlib.blake2b(array("Q", map(len, parts)).tobytes(), digest_size=16)
    hasher.update(b"".join(parts))
    return hasher.digest()


_SCALARS = (type(None), bool, int, float, Decimal)
_CODE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type,
         types.ModuleType)


class Fingerprinter:
    """Digests of values, each container worked out once per Fingerprinter.

    Containers are remembered by identity, so one Fingerprinter must live no longer than the
    values it has seen stay unchanged: one build. `handlers` maps a type (looked up along the
    value's MRO) to `handler(fingerprinter, value) -> bytes`.
    """

    def __init__(self, handlers: dict[type, Callable] | None = None):
        self.handlers = dict(handlers or {})
        self._known: dict[int, tuple[object, bytes]] = {}

    def of(self, value) -> bytes:
        """The value as bytes to hash: short values as they are, containers as digests."""
        kind = type(value)
        if kind is str:
            return b"s" + value.encode("utf-8", "surrogatepass")
        if kind in _SCALARS:
            return kind.__name__.encode() + repr(value).encode()
        if isinstance(value, (str, bytes)):
            # Markup and str print differently under autoescape: the type is part of it.
            return digest(kind.__qualname__.encode(), str(value).encode("utf-8", "surrogatepass")
                          if isinstance(value, str) else value)
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        found = self._work_out(value)
        # The value is kept so that its id is not reused by another object this build.
        self._known[id(value)] = (value, found)
        return found

    def _work_out(self, value) -> bytes:
        own = getattr(type(value), "__fingerprint__", None)
        if own is not None:
            # An object that knows what of it a page depends on says so.
            return digest(type(value).__qualname__.encode(), self.of(own(value)))
        for kind in type(value).__mro__:
            handler = self.handlers.get(kind)
            if handler is not None:
                return digest(kind.__qualname__.encode(), handler(self, value))
        if isinstance(value, (list, tuple)):
            return digest(b"seq", *(self.of(item) for item in value))
        if isinstance(value, dict):
            items = sorted((self.of(key), self.of(item)) for key, item in value.items())
            return digest(b"map", *(part for pair in items for part in pair))
        if isinstance(value, (set, frozenset)):
            return digest(b"set", *sorted(self.of(item) for item in value))
        if isinstance(value, (datetime, date, time)):
            zone = getattr(value, "tzinfo", None)
            return digest(b"when", value.isoformat().encode(), str(zone).encode())
        if isinstance(value, (timedelta, tzinfo, PurePath)):
            return digest(b"plain", type(value).__qualname__.encode(), str(value).encode())
        if isinstance(value, _CODE) or (callable(value) and hasattr(value, "__qualname__")):
            # What code does is in the code's own digest (the caller adds it); here only
            # which code it is.
            module = getattr(value, "__module__", None) or ""
            name = getattr(value, "__qualname__", None) or getattr(value, "__name__", "")
            return digest(b"code", module.encode(), name.encode())
        if is_dataclass(value):
            return digest(b"data", type(value).__qualname__.encode(),
                          *(self.of(getattr(value, field.name)) for field in fields(value)))
        raise Unfingerprintable(type(value).__qualname__)


# The lists Pelican paginates, and how a template may use the values that come with them
# without reading any item: a page keyed by the list's membership alone (which articles, in what
# order) must show nothing else of them.
PAGINATED_LISTS = ("articles", "dates")
_COUNTS = frozenset({"length", "count"})
_TESTS = frozenset({"defined", "undefined", "none"})
_PAGINATOR_NUMBERS = frozenset({"num_pages", "count", "per_page", "orphans", "page_range"})
_PAGE_PLACES = frozenset({"url", "save_as", "number", "base_name"})
_PAGE_METHODS = frozenset({"has_next", "has_previous", "has_other_pages", "next_page_number",
                           "previous_page_number", "start_index", "end_index"})
# Filters that read an attribute named by an argument: (positional index, keyword).
_ATTRIBUTE_FILTERS = {"attr": (0, None), "map": (None, "attribute"),
                      "selectattr": (0, "attribute"), "rejectattr": (0, "attribute"),
                      "sort": (None, "attribute"), "groupby": (0, "attribute"),
                      "sum": (None, "attribute"), "unique": (None, "attribute"),
                      "min": (None, "attribute"), "max": (None, "attribute")}


@dataclass(frozen=True)
class TemplateReads:
    """What a template (with everything it extends, includes and imports) reads.

    - `names`: the names it reads from its context;
    - `whole_lists`: the paginated lists (`articles`, `dates`) it reads beyond their
      membership: their items, or another page's items, in any way but counting them and
      linking to pages;
    - `foreign`: attribute names it reads on anything but the page's own document (`article`,
      `page`) itself: a listing's `item.title`, a neighbour's `other.url`;
    - `any_attribute`: it reads attributes whose names are computed (`x[name]`,
      `attr(name)`): then nobody can say which;
    - `beyond_truth`: the names it uses for more than whether they are true (`{% if x %}`,
      `x is defined`): a name it only tests shows nothing of its value but that.
    """

    names: frozenset[str]
    whole_lists: frozenset[str] = frozenset()
    foreign: frozenset[str] = frozenset()
    any_attribute: bool = False
    beyond_truth: frozenset[str] = frozenset()

    @property
    def only_tested(self) -> frozenset[str]:
        return self.names - self.beyond_truth

    def __or__(self, other: "TemplateReads") -> "TemplateReads":
        return TemplateReads(self.names | other.names, self.whole_lists | other.whole_lists,
                             self.foreign | other.foreign,
                             self.any_attribute or other.any_attribute,
                             self.beyond_truth | other.beyond_truth)


def _list_family(name: str) -> tuple[str, str] | None:
    """(list, what) for the values Pelican gives a paginated page: `articles` → ("articles",
    "list"), `articles_paginator` → (…, "paginator"), `articles_next_page` → (…, "page")."""
    for listed in PAGINATED_LISTS:
        if name == listed:
            return listed, "list"
        if name == f"{listed}_paginator":
            return listed, "paginator"
        if name in (f"{listed}_previous_page", f"{listed}_next_page"):
            return listed, "page"
    return None


def _is_condition(node, parents) -> bool:
    """`{% if x %}`, `x if c else y`'s test, under any `not`/`and`/`or`: only its truth."""
    index = len(parents) - 1
    while index >= 0 and isinstance(parents[index], (nodes.Not, nodes.And, nodes.Or)):
        node = parents[index]
        index -= 1
    if index < 0:
        return False
    parent = parents[index]
    return isinstance(parent, (nodes.If, nodes.CondExpr)) and parent.test is node


def _membership_only(node, parents, what: str) -> bool:
    """Whether this use of a paginated value shows nothing but which articles the list holds."""
    parent = parents[-1] if parents else None
    if isinstance(parent, nodes.Test) and parent.node is node and parent.name in _TESTS:
        return True
    if _is_condition(node, parents):
        return True
    if what == "list":
        return isinstance(parent, nodes.Filter) and parent.node is node and \
            parent.name in _COUNTS
    if not (isinstance(parent, nodes.Getattr) and parent.node is node):
        return False
    if parent.attr == "paginator":
        return _membership_only(parent, parents[:-1], "paginator")
    if what == "paginator":
        if parent.attr in _PAGINATOR_NUMBERS:
            return True
        # `paginator.page(n)` is another page of the list: its place, never its items.
        call = parents[-2] if len(parents) > 1 else None
        return parent.attr == "page" and isinstance(call, nodes.Call) and \
            call.node is parent and _membership_only(call, parents[:-2], "page")
    if parent.attr in _PAGE_PLACES:
        return True
    call = parents[-2] if len(parents) > 1 else None
    return parent.attr in _PAGE_METHODS and isinstance(call, nodes.Call) and call.node is parent


def _attribute_names(argument) -> tuple[frozenset[str], bool]:
    """The attribute names a filter's `attribute=` argument reads (`date.year` → date, year),
    and whether they are computed."""
    if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
        return frozenset(part for part in argument.value.split(".") if not part.isdigit()), False
    if isinstance(argument, nodes.Neg):  # `items[-1]`
        argument = argument.node
    if isinstance(argument, nodes.Slice) or (isinstance(argument, nodes.Const)
                                             and isinstance(argument.value, int)):
        return frozenset(), False
    return frozenset(), True


def _only_tested(node, parents) -> bool:
    parent = parents[-1] if parents else None
    if isinstance(parent, nodes.Test) and parent.node is node and parent.name in _TESTS:
        return True
    return _is_condition(node, parents)


def _reads_of(tree, main_documents: frozenset[str]) -> TemplateReads:
    whole, foreign, beyond_truth = set(), set(), set()
    computed = False

    def visit(node, parents):
        nonlocal computed
        if isinstance(node, nodes.Name) and node.ctx == "load":
            family = _list_family(node.name)
            if family and not _membership_only(node, parents, family[1]):
                whole.add(family[0])
            if not _only_tested(node, parents):
                beyond_truth.add(node.name)
        elif isinstance(node, nodes.Getattr):
            target = node.node
            if isinstance(target, nodes.Name) and target.name.endswith("_page") and \
                    node.attr == "paginator" and target.name[:-5] in PAGINATED_LISTS and \
                    not _membership_only(node, parents, "paginator"):
                whole.add(target.name[:-5])
            if not (isinstance(target, nodes.Name) and target.name in main_documents):
                foreign.add(node.attr)
        elif isinstance(node, nodes.Getitem):
            names, unknown = _attribute_names(node.arg)
            target = node.node
            if not (isinstance(target, nodes.Name) and target.name in main_documents):
                foreign.update(names)
            computed = computed or unknown
        elif isinstance(node, nodes.Filter) and node.name in _ATTRIBUTE_FILTERS:
            position, keyword = _ATTRIBUTE_FILTERS[node.name]
            arguments = []
            if position is not None and len(node.args) > position:
                arguments.append(node.args[position])
            arguments += [pair.value for pair in node.kwargs if pair.key == keyword]
            for argument in arguments:
                names, unknown = _attribute_names(argument)
                foreign.update(names)
                computed = computed or unknown
        for child in node.iter_child_nodes():
            visit(child, (*parents, node))

    visit(tree, ())
    return TemplateReads(frozenset(meta.find_undeclared_variables(tree)), frozenset(whole),
                         frozenset(foreign), computed, frozenset(beyond_truth))


def template_reads(environment: Environment, name: str, skip: frozenset = frozenset(),
                   known: dict | None = None,
                   main_documents: frozenset[str] = frozenset({"article", "page"})
                   ) -> TemplateReads | None:
    """What `name` reads, through every template it extends, includes or imports (except
    those in `skip`); None when a template is chosen at render time (then nobody can say
    what the page reads)."""
    known = {} if known is None else known
    if name in known:
        return known[name]
    known[name] = TemplateReads(frozenset())  # a template that includes itself adds nothing
    try:
        source, _, _ = environment.loader.get_source(environment, name)
    except TemplateNotFound:
        # `{% include … ignore missing %}` of a template that is not there reads nothing.
        return known[name]
    tree = environment.parse(source)
    found = _reads_of(tree, main_documents)
    for referenced in meta.find_referenced_templates(tree):
        if referenced is None:
            known[name] = None
            return None
        if referenced in skip:
            continue
        other = template_reads(environment, referenced, skip, known, main_documents)
        if other is None:
            known[name] = None
            return None
        found = found | other
    known[name] = found
    return found


def template_inputs(environment: Environment, name: str, skip: frozenset = frozenset(),
                    known: dict | None = None) -> frozenset[str] | None:
    """The names `name` can read from its context (`template_reads(…).names`)."""
    found = template_reads(environment, name, skip, known)
    return None if found is None else found.names


def files_digest(root, paths) -> bytes:
    """One digest of files' names (relative to `root`, so that another checkout of the same
    commit agrees) and contents: the theme, the code that renders."""
    parts = []
    for path in sorted(paths, key=str):
        parts.append(path.relative_to(root).as_posix().encode())
        parts.append(path.read_bytes())
    return digest(*parts)
