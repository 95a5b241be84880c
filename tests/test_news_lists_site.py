"""Every article page's "Những tin mới hơn" / "Những tin cũ hơn" against CONTRACT §3's definition.

The expected lists are computed here the slow, literal way (filter the category, sort by
(publication time, source path), take the neighbours) from the content files themselves, and
compared with the links on the built pages.
"""

import json
from pathlib import Path

import pytest
from conftest import PROJECT, build
from theme_scenarios.theme_settings import with_theme

from tintuc.dates import isoformat
from tintuc.frontmatter import read_source


def text(element) -> str:
    return " ".join(element.get_text().split())


def page_lists(soup) -> dict[str, list[str]]:
    found = {}
    for heading in ("Những tin mới hơn", "Những tin cũ hơn"):
        headings = [h for h in soup.find_all("h2") if text(h) == heading]
        assert len(headings) <= 1
        if headings:
            items = headings[0].find_next("ul").find_all("li", recursive=False)
            assert items, f"{heading} is shown with no items"
            found[heading] = [item.a["href"] for item in items]
    return found


def expected_lists(stories: list[dict], story: dict, count: int) -> dict[str, list[str]]:
    same = sorted((other for other in stories if other["category"] == story["category"]
                   and (other["status"] == "published" or other is story)),
                  key=lambda other: (other["date"], other["path"]))
    index = same.index(story)
    newer = [other["url"] for other in same[index + 1:]][:count]
    older = [other["url"] for other in reversed(same[:index])][:count]
    lists = {}
    if newer:
        lists["Những tin mới hơn"] = newer
    if older:
        lists["Những tin cũ hơn"] = older
    return lists


def read_stories(content: Path) -> list[dict]:
    """Title, date, category, status and relative path of every article file."""
    stories = []
    for path in sorted(content.rglob("*.md")):
        relative = path.relative_to(content)
        if relative.parts[0] in ("pages", "images", "data"):
            continue
        document = read_source(path.read_bytes(), str(relative))
        assert not document.has_errors, document.problems
        stories.append({
            "title": document.get("title"),
            "date": document.get("date"),
            "category": document.get("category"),
            "status": document.get("status") or "published",
            "path": str(relative),
        })
    return stories


def attach_urls(site, stories: list[dict]) -> None:
    """Find each story's page by its JSON-LD headline, date and category."""
    by_key = {}
    for page in site.files("*.html"):
        soup = site.html(page)
        for script in soup.find_all("script", type="application/ld+json"):
            data = json.loads(script.string)
            if data.get("@type") == "NewsArticle":
                key = (data["headline"], data["datePublished"], data.get("articleSection"))
                assert key not in by_key, f"two pages for {key}"
                by_key[key] = "/" + page
    for story in stories:
        if story["status"] == "draft":
            continue
        story["url"] = by_key[(story["title"], isoformat(story["date"]), story["category"])]


def story_file(title, date, category, status="công bố"):
    return (f"Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: {category}\n"
            f"Trạng thái: {status}\n\nNội dung của {title}.\n")


def test_same_minute_stories_hidden_ones_and_small_counts(build_site):
    files = {
        # Four stories of the same minute in folders that sort b/ < tin/ < z/.
        "tin/a.md": story_file("Tin A", "10/03/2023 08:00", "Hoạt động Đoàn"),
        "tin/b.md": story_file("Tin B", "10/03/2023 08:00", "Hoạt động Đoàn"),
        "z/c.md": story_file("Tin C", "10/03/2023 08:00", "Hoạt động Đoàn"),
        "b/d.md": story_file("Tin D", "10/03/2023 08:00", "Hoạt động Đoàn"),
        "tin/e.md": story_file("Tin E", "09/03/2023 23:59", "Hoạt động Đoàn"),
        "tin/f.md": story_file("Tin F", "10/03/2023 08:01", "Hoạt động Đoàn"),
        "tin/g.md": story_file("Tin G", "11/03/2023", "Hoạt động Đoàn", "ẩn"),
        "tin/h.md": story_file("Tin H", "12/03/2023", "Hoạt động Đoàn"),
        "tin/i.md": story_file("Tin I", "12/03/2023", "Tình nguyện"),
        "tin/j.md": story_file("Tin J", "13/03/2023", "Hoạt động Đoàn", "nháp"),
    }
    site = build_site(files, with_theme(NEWS_NEIGHBOURS=3))
    assert site.ok, site.exception
    lists = {name: page_lists(site.html(f"tin-{name}.html")) for name in "abcdefgh"}
    # Order: E, D (b/), A, B (tin/), C (z/), F, [G hidden], H
    assert lists["a"] == {"Những tin mới hơn": ["/tin-b.html", "/tin-c.html", "/tin-f.html"],
                          "Những tin cũ hơn": ["/tin-d.html", "/tin-e.html"]}
    assert lists["e"] == {"Những tin mới hơn": ["/tin-d.html", "/tin-a.html", "/tin-b.html"]}
    assert lists["f"] == {"Những tin mới hơn": ["/tin-h.html"],
                          "Những tin cũ hơn": ["/tin-c.html", "/tin-b.html", "/tin-a.html"]}
    assert lists["g"] == {"Những tin mới hơn": ["/tin-h.html"],
                          "Những tin cũ hơn": ["/tin-f.html", "/tin-c.html", "/tin-b.html"]}
    assert lists["h"] == {"Những tin cũ hơn": ["/tin-f.html", "/tin-c.html", "/tin-b.html"]}
    assert page_lists(site.html("tin-i.html")) == {}
    assert not site.exists("tin-j.html")


def test_default_is_ten_each(build_site):
    files = {f"tin/{day:02d}.md": story_file(f"Tin {day}", f"{day:02d}/01/2023", "Hoạt động Đoàn")
             for day in range(1, 26)}
    site = build_site(files, with_theme())
    assert site.ok, site.exception
    lists = page_lists(site.html("tin-13.html"))
    assert lists["Những tin mới hơn"] == [f"/tin-{day}.html" for day in range(14, 24)]
    assert lists["Những tin cũ hơn"] == [f"/tin-{day}.html" for day in range(12, 2, -1)]


@pytest.mark.parametrize("count", [10, 2])
def test_the_whole_sample_site_matches_the_definition(tmp_path, count):
    content = PROJECT / "content"
    stories = read_stories(content)
    assert len(stories) > 20
    site = build(tmp_path, content, with_theme(NEWS_NEIGHBOURS=count))
    assert site.ok, site.exception
    attach_urls(site, stories)
    checked = 0
    for story in stories:
        if story["status"] == "draft":
            continue
        assert page_lists(site.html(story["url"][1:])) == expected_lists(stories, story, count), \
            story["path"]
        checked += 1
    assert checked == len([story for story in stories if story["status"] != "draft"])
