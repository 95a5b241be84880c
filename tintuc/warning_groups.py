"""Thousands of identical warnings told in one line each (issue 15).

An imported site can give the same warning for every article (a category the site does not
list, a key the old CMS wrote). Printed one by one they bury the errors and, through
Pelican's console handler, cost about 2 ms each. A *kind* is a warning's text without its
place: the same message and advice at other files and lines. A kind seen more than `named`
times becomes one line: the first place, the count, the next places, and how to see them all
(`--verbose`). Errors are never grouped: each stays on its own line.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tintuc.problems import Problem

NAMED = 3  # places named in a grouped line
# `path:line: ` at the start of a logged message: where it is, apart from what it says.
_PLACE = re.compile(r"^(?P<place>\S(?:[^:\n]*\S)?:\d+): (?P<rest>.+)$", re.S)


@dataclass
class Group:
    """The warnings of one kind, in the order they came."""

    text: str  # the first one, as it would print alone
    places: list[str] = field(default_factory=list)
    items: list = field(default_factory=list)

    def line(self, named: int = NAMED, verbose_hint: str = "--verbose") -> str:
        first, rest = self.places[0], self.places[1:named]
        more = len(self.places) - 1 - len(rest)
        also = ", ".join(rest)
        if more:
            also += f" và {more} chỗ khác"
        return (f"{first}: {_without_place(self.text, first)} "
                f"[{len(self.places)} lần; cũng gặp ở {also}; in đủ từng chỗ: {verbose_hint}]")


def _without_place(text: str, place: str) -> str:
    return text[len(place) + 2:] if text.startswith(place + ": ") else text


def problem_kind(problem: Problem) -> tuple:
    return (problem.level, problem.code, problem.message, problem.hint)


def message_kind(text: str) -> tuple[tuple, str] | None:
    """(kind, place) of a logged warning that starts with its `path:line`; None otherwise."""
    match = _PLACE.match(text)
    if not match:
        return None
    return ("message", match["rest"]), match["place"]


def group(items: Iterable, kind_and_place, named: int = NAMED, text=str) -> list:
    """`items` in their order, each kind seen more than `named` times replaced, where it
    first appears, by its `Group`. `kind_and_place(item)` is (kind, place), or None for an
    item that is never grouped (an error); `text(item)` is how it prints alone."""
    items = list(items)
    groups: dict[tuple, Group] = {}
    keyed = []
    for item in items:
        found = kind_and_place(item)
        if found is None:
            keyed.append((None, item))
            continue
        kind, place = found
        bucket = groups.get(kind)
        if bucket is None:
            bucket = groups[kind] = Group(text(item))
        bucket.places.append(place)
        bucket.items.append(item)
        keyed.append((kind, item))
    out, told = [], set()
    for kind, item in keyed:
        if kind is None or len(groups[kind].places) <= named:
            out.append(item)
        elif kind not in told:
            told.add(kind)
            out.append(groups[kind])
    return out


def group_problems(problems: Iterable[Problem], named: int = NAMED) -> list:
    """Problems with each kind of warning seen more than `named` times as one `Group`."""
    return group(problems, lambda problem: None if problem.is_error else
                 (problem_kind(problem), f"{problem.path}:{problem.line}"), named)
