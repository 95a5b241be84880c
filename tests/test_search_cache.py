"""An index made from the very same pages is reused, not made again (hourly rebuilds)."""

import shutil

from conftest import PROJECT, build


def test_the_index_is_reused_until_an_article_changes(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PROJECT / "content", content)
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    first = build(tmp_path / "first", content, settings, copy=False)
    again = build(tmp_path / "again", content, settings, copy=False)
    assert first.ok and again.ok
    # Pagefind names its files differently on every run: equal bytes mean the cached copy.
    entry = "pagefind/pagefind-entry.json"
    assert again.read(entry) == first.read(entry)
    assert again.files("pagefind/**/*") == first.files("pagefind/**/*")

    article = next(content.glob("hoat-dong-doan/2022-11-13-*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace(
        "BTV Tỉnh Đoàn", "Ban Thường vụ Tỉnh Đoàn", 1), encoding="utf-8")
    edited = build(tmp_path / "edited", content, settings, copy=False)
    assert edited.ok and edited.read(entry) != first.read(entry)
    assert len(list((tmp_path / "cache" / "search-index").iterdir())) == 1
