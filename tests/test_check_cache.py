"""The content check's cache (tintuc/check_cache.py, issue 15): a check with the cache gives
exactly the report of a check without it, after every kind of change a file's problems depend
on, and reuses what did not change.

Each case: the folder of one-warning-per-file scenarios, checked once to fill the cache, then
changed, then checked with the cache and compared with a fresh check without it.
"""

import shutil
from pathlib import Path

import pytest
from conftest import SCENARIOS

from tintuc.checker import run_check
from tintuc.files import load_settings

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(PROJECT / "pelicanconf.py")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files from the working folder
    shutil.copytree(SCENARIOS / "check_warnings", tmp_path / "content")
    return tmp_path


def same_as_fresh(folder: Path, settings=SETTINGS):
    cached = run_check(folder / "content", settings, cache_file=folder / "cache" / "c.pickle")
    fresh = run_check(folder / "content", settings)
    assert cached.problems == fresh.problems
    assert cached.files_checked == fresh.files_checked
    assert cached.scheduled == fresh.scheduled
    return cached


def fill(folder: Path, settings=SETTINGS) -> None:
    first = run_check(folder / "content", settings, cache_file=folder / "cache" / "c.pickle")
    assert first.files_from_cache == 0


def test_nothing_changed_reuses_every_file(folder):
    fill(folder)
    again = same_as_fresh(folder)
    assert again.files_from_cache == again.files_checked > 20
    assert again.warnings > 20


def test_an_edited_file_is_checked_again_and_only_it(folder):
    fill(folder)
    article = folder / "content" / "tin-tuc" / "long-title.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Chuyên mục: Hoạt động Đoàn", "Chuyên mục: Tin tức chung"), encoding="utf-8")
    again = same_as_fresh(folder)
    assert again.files_from_cache == again.files_checked - 1
    assert any(p.code == "unknown-category" and p.path.endswith("long-title.md")
               for p in again.problems)


@pytest.mark.parametrize("change", ["photo added", "photo deleted", "linked article added",
                                    "case of a photo changed"])
def test_files_appearing_or_leaving_change_the_report_of_files_that_did_not(folder, change):
    images = folder / "content" / "images" / "2022" / "11"
    fill(folder)
    before = run_check(folder / "content", SETTINGS)
    if change == "photo added":  # missing-body-image.md's photo arrives
        (images / "don-rac.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    elif change == "photo deleted":  # the one wrong-case.md and others point at
        (images / "Quoc-Toan.png").unlink()
    elif change == "linked article added":  # missing-filename-link.md's target arrives
        shutil.copy(folder / "content" / "tin-tuc" / "long-title.md",
                    folder / "content" / "tin-tuc" / "bai-khong-co.md")
    else:
        (images / "Quoc-Toan.png").rename(images / "quoc-toan.png")
    again = same_as_fresh(folder)
    assert again.files_from_cache < again.files_checked
    assert again.problems != before.problems


def test_a_changed_setting_or_working_folder_checks_everything_again(folder, monkeypatch):
    fill(folder)
    settings = {**SETTINGS, "NEWS_CATEGORIES": [*SETTINGS["NEWS_CATEGORIES"], "Tin tức chung"]}
    again = same_as_fresh(folder, settings)
    assert again.files_from_cache == 0
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    moved = same_as_fresh(folder, settings)
    assert moved.files_from_cache == 0
    assert all(problem.path.startswith(f"{folder}/content/") for problem in moved.problems)


def test_a_damaged_cache_is_ignored_and_replaced(folder):
    fill(folder)
    (folder / "cache" / "c.pickle").write_bytes(b"\x80\x05not a pickle")
    assert same_as_fresh(folder).files_from_cache == 0
    assert same_as_fresh(folder).files_from_cache > 20


def test_a_check_of_some_files_reads_the_cache_but_never_writes_it(folder):
    cache = folder / "cache" / "c.pickle"
    one = folder / "content" / "tin-tuc" / "long-title.md"
    first = run_check(folder / "content", SETTINGS, only=[one], cache_file=cache)
    assert not cache.exists() and first.files_checked == 1
    fill(folder)
    written = cache.stat().st_mtime_ns
    again = run_check(folder / "content", SETTINGS, only=[one], cache_file=cache)
    assert again.files_from_cache == 1 and cache.stat().st_mtime_ns == written


def test_another_folder_with_the_same_files_is_told_by_its_own_names(folder):
    fill(folder)
    shutil.copytree(folder / "content", folder / "copy")
    cached = run_check(folder / "copy", SETTINGS, cache_file=folder / "cache" / "c.pickle")
    assert cached.problems == run_check(folder / "copy", SETTINGS).problems
    assert cached.files_from_cache == 0
    assert all(problem.path.startswith("copy/") for problem in cached.problems)


def test_what_the_report_reads_of_every_file_survives_the_cache(folder):
    """A file an article links with {attach} is not stray, and a scheduled article is told,
    when every article comes from the cache (the cache keeps no body, so it keeps the links
    and the dates those parts of the report read)."""
    articles = folder / "content" / "tin-tuc"
    (articles / "van-ban.pdf").write_bytes(b"%PDF-1.4\n")
    (articles / "co-van-ban.md").write_text(
        "Tiêu đề: Kế hoạch có văn bản\nNgày đăng: 09/11/2022 10:00\n"
        "Chuyên mục: Hoạt động Đoàn\n\n[Văn bản]({attach}van-ban.pdf)\n", encoding="utf-8")
    (articles / "hen-gio.md").write_text(
        "Tiêu đề: Bài hẹn giờ\nNgày đăng: 01/06/2031 08:00\nHết hạn: 01/07/2031 08:00\n"
        "Chuyên mục: Hoạt động Đoàn\n\nNội dung.\n", encoding="utf-8")
    settings = {**SETTINGS, "NEWS_BUILD_TIME": "01/01/2030 00:00"}
    fill(folder, settings)
    again = same_as_fresh(folder, settings)
    assert again.files_from_cache == again.files_checked
    assert not any(problem.path.endswith("van-ban.pdf") for problem in again.problems)
    assert [path for path, _when in again.scheduled] == [
        str(Path("content/tin-tuc/hen-gio.md"))]
