"""'Tin liên quan' on its own (tintuc/related.py): plain tuples stand for articles."""

import random

import pytest

from tintuc.related import related_lists

# (name, tags, category, time)
ITEMS = [
    ("a", {"đoàn", "tình nguyện"}, "X", 1),
    ("b", {"đoàn"}, "Y", 2),
    ("c", {"đoàn", "tình nguyện"}, "Y", 3),
    ("d", {"tình nguyện"}, "X", 4),
    ("e", set(), "X", 5),
    ("f", {"đoàn", "tình nguyện", "số"}, "X", 6),
]


def names(lists):
    return [[item[0] for item in found] for found in lists]


def related(items, **options):
    return related_lists(items, lambda item: item[1], lambda item: item[2],
                         lambda item: item[3], **options)


def test_most_shared_tags_then_category_then_nearest_in_time():
    found = dict(zip([item[0] for item in ITEMS], names(related(ITEMS)), strict=True))
    # a shares two tags with c and f: f is of its category; then one tag with b and d: d is.
    assert found["a"] == ["f", "c", "d", "b"]
    assert found["f"] == ["a", "c", "d", "b"]
    assert found["e"] == []  # no tag, no related articles
    assert found["b"] == ["c", "a", "f"]


def test_count_limits_and_hidden_articles_are_in_nobodys_list():
    hidden = {"c"}
    found = names(related(ITEMS, count=2, is_listed=lambda item: item[0] not in hidden))
    assert all(len(items) <= 2 for items in found)
    assert all("c" not in items for items in found)
    assert found[2] == ["a", "f"]  # the hidden article has a list of its own


def brute_force(items, count):
    result = []
    for position, item in enumerate(items):
        candidates = [(other, len(item[1] & other[1])) for index, other in enumerate(items)
                      if index != position and item[1] & other[1]]
        candidates.sort(key=lambda pair: (-pair[1], pair[0][2] != item[2],
                                          abs(pair[0][3] - item[3]), -items.index(pair[0])))
        result.append([other for other, _ in candidates[:count]])
    return result


@pytest.mark.parametrize("seed", range(5))
def test_with_a_window_wider_than_the_site_it_is_the_exact_ranking(seed):
    chance = random.Random(seed)
    tags = ["a", "b", "c", "d", "e", "f"]
    items = [(f"bai-{n}", set(chance.sample(tags, chance.randint(0, 3))),
              chance.choice("XYZ"), n) for n in range(80)]
    assert related(items, window=100) == brute_force(items, 5)


def test_a_popular_tag_costs_a_window_not_the_whole_site():
    """Each article looks at `window` articles on either side of it on each of its tags."""
    items = [(f"bai-{n}", {"đoàn"}, "X", n) for n in range(2000)]
    found = related(items, window=3)
    for position, others in enumerate(found):
        assert all(abs(int(other[0][4:]) - position) <= 3 for other in others)
    assert names(found)[1000] == ["bai-1001", "bai-999", "bai-1002", "bai-998", "bai-1003"]
