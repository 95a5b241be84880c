""""Tin liên quan": for every article, up to `count` articles sharing the most tags with it,
then of its main category, then nearest in time (CONTRACT §1).

Ranking every article that shares a tag is quadratic when a tag is popular: a tag on 5,000
articles would compare each of them with 5,000 others. So the candidates of an article are,
for each of its tags, the `window` articles nearest in time on either side among those that
carry that tag; an article sharing several tags is found through each of them. That is
O(N · tags · window) for the whole site, and the ranking among the candidates is exact. What
it gives up: an article sharing many tags but far away in time on all of them, which a reader
of a news site rarely wants anyway.

A hidden article gets a list of its own (its page exists) and is in nobody's list. Pure logic
over any items (Pelican articles in the build, plain tuples in tests).
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

WINDOW = 32


def related_lists(
    ordered: Sequence[T],
    tags_of: Callable[[T], Iterable[Hashable]],
    category_of: Callable[[T], Hashable],
    time_of: Callable[[T], float],
    count: int = 5,
    is_listed: Callable[[T], bool] = lambda item: True,
    window: int = WINDOW,
) -> list[list[T]]:
    """The related articles of every item of `ordered` (oldest first), in the same order."""
    if count < 0 or window < 1:
        raise ValueError("count must be 0 or more and window 1 or more")
    carrying: dict[Hashable, list[int]] = {}  # tag → positions of listed items, in order
    places: list[list[tuple[Hashable, int]]] = []  # per item: (tag, where it would stand)
    for position, item in enumerate(ordered):
        listed = is_listed(item)
        mine = []
        for tag in dict.fromkeys(tags_of(item)):
            positions = carrying.setdefault(tag, [])
            mine.append((tag, len(positions)))
            if listed:
                positions.append(position)
        places.append(mine)

    times = [time_of(item) for item in ordered]
    categories = [category_of(item) for item in ordered]
    result = []
    for position, mine in enumerate(places):
        shared: dict[int, int] = {}
        for tag, index in mine:
            positions = carrying[tag]
            for other in positions[max(0, index - window):index + window + 1]:
                if other != position:
                    shared[other] = shared.get(other, 0) + 1
        ranked = sorted(shared, key=lambda other: (
            -shared[other], categories[other] != categories[position],
            abs(times[other] - times[position]), -other))
        result.append([ordered[other] for other in ranked[:count]])
    return result
