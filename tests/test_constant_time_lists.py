from conftest import PROJECT, SETTINGS_FILE, build
from constant_time_lists.lists import MemberList
from pelican.settings import read_settings


class Item:
    pass


def test_membership_is_by_identity_and_lists_stay_lists():
    first, second, outsider = Item(), Item(), Item()
    members = MemberList([first, second])
    assert first in members and second in members and outsider not in members
    assert members == [first, second] and isinstance(members, list)


def test_tag_and_category_pages_list_the_same_articles(tmp_path):
    plugins = [name for name in read_settings(str(SETTINGS_FILE))["PLUGINS"]
               if name != "constant_time_lists"]
    settings = {"NEWS_NEW_DAYS": 0}
    plain = build(tmp_path / "plain", PROJECT / "content",
                  {**settings, "PLUGINS": plugins, "REQUIRED_PLUGINS": plugins})
    fast = build(tmp_path / "fast", PROJECT / "content", settings)
    assert plain.ok and fast.ok
    for folder in ("the", "chuyen-muc", "tac-gia"):
        pages = plain.files(f"{folder}/**/*.html")
        assert pages
        assert all(plain.read(page) == fast.read(page) for page in pages)
