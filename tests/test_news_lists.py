"""The newer/older lists and the home page's picks, as pure logic (tintuc/news_lists.py)."""

import random
from dataclasses import dataclass

import pytest

from tintuc.news_lists import (
    group_lists,
    latest_by_group,
    neighbour_lists,
    ordered_groups,
    pick_featured,
)


@dataclass(frozen=True)
class Story:
    name: str
    category: str
    minute: int = 0
    path: str = ""
    listed: bool = True
    featured: bool = False


def category_of(story):
    return story.category


def listed(story):
    return story.listed


def lists_for(stories, count=10):
    """Run the function on stories sorted the contract's way: (time, path)."""
    ordered = sorted(stories, key=lambda story: (story.minute, story.path))
    result = neighbour_lists(ordered, category_of, count, listed)
    return {story.name: found for story, found in zip(ordered, result, strict=True)}


def names(stories):
    return [story.name for story in stories]


def by_definition(stories, story, count):
    """CONTRACT §3 read literally: filter, sort, take the neighbours. Quadratic on purpose."""
    same = sorted((other for other in stories
                   if other.category == story.category and (other.listed or other is story)),
                  key=lambda other: (other.minute, other.path))
    index = same.index(story)
    before = [other for other in same[:index] if other.listed]
    after = [other for other in same[index + 1:] if other.listed]
    return names(after[:count]), names(list(reversed(before))[:count])


def test_newer_and_older_are_nearest_first():
    stories = [Story(f"a{i}", "doan", minute=i, path=f"a{i}.md") for i in range(1, 6)]
    found = lists_for(stories)["a3"]
    assert names(found.newer) == ["a4", "a5"]
    assert names(found.older) == ["a2", "a1"]


def test_lists_stop_at_count():
    stories = [Story(f"a{i:02d}", "doan", minute=i, path=f"a{i:02d}.md") for i in range(30)]
    found = lists_for(stories, count=10)["a15"]
    assert names(found.newer) == [f"a{i:02d}" for i in range(16, 26)]
    assert names(found.older) == [f"a{i:02d}" for i in range(14, 4, -1)]


def test_only_the_same_main_category_without_fallback():
    stories = [
        Story("d1", "doan", 1, "d1.md"),
        Story("t1", "tinh-nguyen", 2, "t1.md"),
        Story("d2", "doan", 3, "d2.md"),
        Story("t2", "tinh-nguyen", 4, "t2.md"),
    ]
    lists = lists_for(stories)
    assert names(lists["d1"].newer) == ["d2"] and lists["d1"].older == []
    assert names(lists["t2"].older) == ["t1"] and lists["t2"].newer == []
    # The newest of a category has no newer story even though other categories have some.
    assert lists["d2"].newer == []


def test_same_minute_the_path_that_sorts_first_is_older():
    stories = [
        Story("b", "doan", 5, "tin/b.md"),
        Story("a", "doan", 5, "tin/a.md"),
        Story("c", "doan", 5, "khac/c.md"),
    ]
    lists = lists_for(stories)
    # Order: khac/c.md < tin/a.md < tin/b.md
    assert names(lists["a"].older) == ["c"]
    assert names(lists["a"].newer) == ["b"]
    assert names(lists["c"].newer) == ["a", "b"]


def test_hidden_story_has_lists_but_is_in_nobody_elses():
    stories = [
        Story("a1", "doan", 1, "a1.md"),
        Story("a2", "doan", 2, "a2.md"),
        Story("secret", "doan", 3, "secret.md", listed=False),
        Story("a4", "doan", 4, "a4.md"),
        Story("a5", "doan", 5, "a5.md"),
    ]
    lists = lists_for(stories)
    assert names(lists["secret"].older) == ["a2", "a1"]
    assert names(lists["secret"].newer) == ["a4", "a5"]
    assert names(lists["a2"].newer) == ["a4", "a5"]
    assert names(lists["a4"].older) == ["a2", "a1"]
    assert all("secret" not in names(found.newer + found.older) for found in lists.values())


def test_a_story_alone_in_its_category_has_empty_lists():
    lists = lists_for([Story("only", "one", 1, "only.md"), Story("x", "other", 2, "x.md")])
    assert lists["only"].newer == [] and lists["only"].older == []


def test_count_zero_gives_empty_lists_and_negative_is_refused():
    stories = [Story(f"a{i}", "doan", i, f"a{i}.md") for i in range(3)]
    assert all(not found.newer and not found.older for found in lists_for(stories, 0).values())
    with pytest.raises(ValueError):
        neighbour_lists(stories, category_of, -1)


def test_matches_the_contract_definition_on_random_sites():
    generator = random.Random(20221113)
    for _ in range(30):
        stories = [
            Story(f"s{i}", generator.choice("abc"), minute=generator.randint(0, 15),
                  path=f"{generator.choice('xyz')}/{i:03d}.md", listed=generator.random() > 0.15)
            for i in range(generator.randint(1, 60))
        ]
        count = generator.randint(1, 6)
        lists = lists_for(stories, count)
        for story in stories:
            assert (names(lists[story.name].newer), names(lists[story.name].older)) == \
                by_definition(stories, story, count), story


def test_one_pass_category_lookups_per_story():
    """O(N): each story's category is asked once, never in a scan per story."""
    calls = []

    def counting_category(story):
        calls.append(story)
        return story.category

    stories = [Story(f"s{i}", "abc"[i % 3], i, f"{i:05d}.md") for i in range(3000)]
    neighbour_lists(stories, counting_category, 10, listed)
    assert len(calls) == len(stories)


def test_latest_by_group_in_the_order_asked():
    newest_first = [Story(f"s{i}", "abcab"[i % 5], -i) for i in range(20)]
    picked = latest_by_group(newest_first, category_of, 2, groups=["b", "a", "z"])
    assert list(picked) == ["b", "a", "z"]
    assert names(picked["b"]) == ["s1", "s4"]
    assert names(picked["a"]) == ["s0", "s3"]
    assert picked["z"] == []


def test_latest_by_group_stops_once_every_group_is_full():
    seen = []

    def tracking(story):
        seen.append(story.name)
        return story.category

    newest_first = [Story(f"s{i}", "ab"[i % 2], -i) for i in range(1000)]
    latest_by_group(newest_first, tracking, 3, groups=["a", "b"])
    assert len(seen) == 6


def test_lead_is_newest_featured_else_newest():
    plain = [Story("n1", "a"), Story("n2", "a", featured=True), Story("n3", "b")]
    assert [story.name for story in pick_featured(plain, lambda story: story.featured, 1)] == \
        ["n2"]
    assert [story.name for story in pick_featured(plain[:1], lambda s: s.featured, 5)] == ["n1"]
    assert pick_featured([], lambda story: story.featured, 5) == []


def test_featured_by_hand_then_by_date_then_pinned_in_settings_first():
    newest_first = [Story("n1", "a", featured=True), Story("n2", "a", featured=2),
                    Story("n3", "b"), Story("n4", "a", featured=1), Story("n5", "b", featured=True),
                    Story("n6", "b", featured=2)]
    names = [story.name for story in pick_featured(newest_first, lambda s: s.featured, 10)]
    assert names == ["n4", "n2", "n6", "n1", "n5"]
    pinned = [newest_first[2], newest_first[5]]
    names = [story.name for story in pick_featured(newest_first, lambda s: s.featured, 4,
                                                   pinned=pinned)]
    assert names == ["n3", "n6", "n4", "n2"]


def test_groups_keep_newest_first_and_leave_out_the_ungrouped():
    newest_first = [Story("n1", "x"), Story("n2", None), Story("n3", "x"), Story("n4", "y")]
    groups = group_lists(newest_first, lambda story: story.category)
    assert {group: [story.name for story in items] for group, items in groups.items()} == \
        {"x": ["n1", "n3"], "y": ["n4"]}


def test_menu_order_puts_preferred_first_and_drops_unused():
    order = ordered_groups({"Văn hóa", "Đoàn", "An ninh", "Doanh nghiệp"},
                           ["Văn hóa", "Không có"], sort_key=lambda name: name.lower())
    assert order[0] == "Văn hóa"
    assert "Không có" not in order
    assert sorted(order[1:]) == sorted({"Đoàn", "An ninh", "Doanh nghiệp"})
