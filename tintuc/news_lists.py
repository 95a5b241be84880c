"""The legacy site's "Những tin mới hơn" / "Những tin cũ hơn" lists, and the home page's picks.

Pure logic over any items (Pelican articles in the build, plain tuples in tests). The rules are
CONTRACT §3's:

- Both lists come from the article's main category only, with no fallback to other categories.
- Items are ordered by (publication time, source path relative to the content folder); of two
  items of the same time, the one whose path sorts first is the older.
- Newer = the `count` items right after the article, nearest first; older = the `count` items
  right before it, nearest first.
- A hidden item has lists of its own (its page exists) but is in nobody's lists.

The work is one pass to group the items by category and one slice per list, so the whole site
costs O(N × count), never a scan of the category per article.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Neighbours(Generic[T]):
    newer: list[T] = field(default_factory=list)
    older: list[T] = field(default_factory=list)


def neighbour_lists(
    ordered: Sequence[T],
    category_of: Callable[[T], Hashable],
    count: int,
    is_listed: Callable[[T], bool] = lambda item: True,
) -> list[Neighbours[T]]:
    """Newer and older lists for every item of `ordered` (oldest first), in the same order.

    `ordered` must already be sorted by (publication time, source path), oldest first: the
    caller has the dates and paths, this function only trusts the order.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")

    listed_by_category: dict[Hashable, list[T]] = {}
    # For every item: its category's listed items, and how many of them come before it.
    places: list[tuple[list[T], int, bool]] = []
    for item in ordered:
        listed = listed_by_category.setdefault(category_of(item), [])
        position = len(listed)
        shown = is_listed(item)
        if shown:
            listed.append(item)
        places.append((listed, position, shown))

    result = []
    for listed, position, shown in places:
        after = position + 1 if shown else position
        older = listed[max(0, position - count):position]
        older.reverse()
        result.append(Neighbours(newer=listed[after:after + count], older=older))
    return result


def latest_by_group(
    newest_first: Iterable[T],
    group_of: Callable[[T], Hashable],
    per_group: int,
    groups: Sequence[Hashable] | None = None,
) -> dict[Hashable, list[T]]:
    """The first `per_group` items of each group, newest first, in one pass.

    With `groups`, only those groups are collected (and the pass stops as soon as each has
    enough); the result's keys follow `groups`' order, empty groups included.
    """
    picked: dict[Hashable, list[T]] = {group: [] for group in groups or ()}
    wanted = None if groups is None else len(picked)
    full = 0
    for item in newest_first:
        group = group_of(item)
        if groups is None:
            bucket = picked.setdefault(group, [])
        elif group in picked:
            bucket = picked[group]
        else:
            continue
        if len(bucket) < per_group:
            bucket.append(item)
            if len(bucket) == per_group:
                full += 1
                if wanted is not None and full == wanted:
                    break
    return picked


def pick_featured(newest_first: Sequence[T], rank_of: Callable[[T], int | bool | None],
                  count: int, pinned: Sequence[T] = ()) -> list[T]:
    """The home page's "Tin nổi bật", in order: `pinned` (a list in the settings) first, then
    items ranked by hand (`Nổi bật: 1`, `2`, …: lowest first, the newer of a tie first), then
    the other featured ones (`Nổi bật: có`) newest first; else the newest item alone."""
    chosen = list(dict.fromkeys(pinned))[:count]
    taken = {id(item) for item in chosen}
    ranked, featured = [], []
    for position, item in enumerate(newest_first):
        if id(item) in taken:
            continue
        rank = rank_of(item)
        if rank is True:
            featured.append(item)
        elif isinstance(rank, int) and rank > 0:
            ranked.append((rank, position, item))
    chosen += [item for _rank, _position, item in sorted(ranked, key=lambda entry: entry[:2])]
    chosen += featured
    if not chosen and newest_first:
        chosen = [newest_first[0]]
    return chosen[:count]


def group_lists(newest_first: Sequence[T], group_of: Callable[[T], Hashable | None]
                ) -> dict[Hashable, list[T]]:
    """Items by group (a topic), newest first, items without a group left out: one pass."""
    groups: dict[Hashable, list[T]] = {}
    for item in newest_first:
        group = group_of(item)
        if group is not None:
            groups.setdefault(group, []).append(item)
    return groups


def ordered_groups(
    names: Iterable[str], preferred: Sequence[str], sort_key: Callable[[str], str]
) -> list[str]:
    """Category names in menu order: those of `preferred` first, as listed, then the rest sorted.

    A preferred name that no article uses is left out, so the menu never links to nothing.
    """
    present = set(names)
    first = [name for name in dict.fromkeys(preferred) if name in present]
    rest = sorted(present.difference(first), key=sort_key)
    return first + rest
