import pytest
from conftest import PROJECT, SETTINGS_FILE, build
from pelican.settings import DEFAULT_CONFIG, read_settings
from pelican.utils import slugify

from tintuc_plugins.constant_time_lists.lists import MemberList, remembered_slugify


class Item:
    pass


def test_membership_is_by_identity_and_lists_stay_lists():
    first, second, outsider = Item(), Item(), Item()
    members = MemberList([first, second])
    assert first in members and second in members and outsider not in members
    assert members == [first, second] and isinstance(members, list)


def test_tag_and_category_pages_list_the_same_articles(tmp_path):
    plugins = [name for name in read_settings(str(SETTINGS_FILE))["PLUGINS"]
               if name != "tintuc_plugins.constant_time_lists"]
    settings = {"NEWS_NEW_DAYS": 0}
    plain = build(tmp_path / "plain", PROJECT / "content",
                  {**settings, "PLUGINS": plugins, "REQUIRED_PLUGINS": plugins})
    fast = build(tmp_path / "fast", PROJECT / "content", settings)
    assert plain.ok and fast.ok
    for folder in ("the", "chuyen-muc", "tac-gia"):
        pages = plain.files(f"{folder}/**/*.html")
        assert pages
        assert all(plain.read(page) == fast.read(page) for page in pages)


def test_period_archives_are_pelicans_own(tmp_path):
    from datetime import datetime, timedelta

    from pelican.generators import ArticlesGenerator

    from tintuc_plugins.constant_time_lists.lists import period_archives

    class Dated:
        def __init__(self, number):
            self.date = datetime(2021, 12, 30, 8) + timedelta(hours=7 * number)

    settings = {**read_settings(str(SETTINGS_FILE)), "DAY_ARCHIVE_SAVE_AS": "ngay/{date:%Y/%m/%d}/",
                "DAY_ARCHIVE_URL": "ngay/{date:%Y/%m/%d}/"}
    articles = [Dated(number) for number in range(400)]
    articles.reverse()  # newest first, as the generator keeps them
    dates = sorted(articles, key=lambda article: article.date)
    pelicans = ArticlesGenerator._build_period_archives(None, dates, articles, settings)
    ours = period_archives(dates, articles, settings)
    assert set(ours) == {"year", "month", "day"} == set(pelicans)
    for granularity in ours:
        assert len(ours[granularity]) == len(pelicans[granularity]) > 1
        for mine, theirs in zip(ours[granularity], pelicans[granularity], strict=True):
            assert mine.keys() == theirs.keys()
            for key in theirs:
                assert mine[key] == theirs[key], (granularity, key)


@pytest.mark.parametrize("value", ["Tình nguyện", "Đoàn Thanh niên", "C++ & Py", "", " a  b "])
@pytest.mark.parametrize("preserve_case", [False, True])
def test_remembered_slugify_answers_as_pelican_does(value, preserve_case):
    subs = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
    for _ in range(2):  # the second answer comes from memory
        assert remembered_slugify(value, regex_subs=subs, preserve_case=preserve_case) == \
            slugify(value, regex_subs=subs, preserve_case=preserve_case)
    assert remembered_slugify(value, regex_subs=[[r"\s+", "_"]]) == \
        slugify(value, regex_subs=[[r"\s+", "_"]])
