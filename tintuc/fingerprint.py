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
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import PurePath

from jinja2 import Environment, TemplateNotFound, meta


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


def template_inputs(environment: Environment, name: str, skip: frozenset = frozenset(),
                    known: dict | None = None) -> frozenset[str] | None:
    """The names `name` can read from its context, through every template it extends,
    includes or imports (except those in `skip`); None when a template is chosen at render
    time (then nobody can say what the page reads)."""
    known = {} if known is None else known
    if name in known:
        return known[name]
    known[name] = frozenset()  # a template that includes itself adds nothing more
    try:
        source, _, _ = environment.loader.get_source(environment, name)
    except TemplateNotFound:
        # `{% include … ignore missing %}` of a template that is not there reads nothing.
        return frozenset()
    tree = environment.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for referenced in meta.find_referenced_templates(tree):
        if referenced is None:
            known[name] = None
            return None
        if referenced in skip:
            continue
        found = template_inputs(environment, referenced, skip, known)
        if found is None:
            known[name] = None
            return None
        names |= found
    known[name] = frozenset(names)
    return known[name]


def files_digest(root, paths) -> bytes:
    """One digest of files' names (relative to `root`, so that another checkout of the same
    commit agrees) and contents: the theme, the code that renders."""
    parts = []
    for path in sorted(paths, key=str):
        parts.append(path.relative_to(root).as_posix().encode())
        parts.append(path.read_bytes())
    return digest(*parts)
