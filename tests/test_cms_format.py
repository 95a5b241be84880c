"""The web editor's file format (admin/tintuc-cms.js), run where it runs: in Chromium.

What the editor saves must be what `invoke new` writes, byte for byte, and a file it edits
must keep everything it did not touch. The JavaScript is checked against the Python it
mirrors (the reader, `invoke new`, slugify) on every file of content/ and of the reader's own
scenarios, not on examples made up for it.
"""

import difflib
import os
from datetime import datetime
from pathlib import Path

import pytest
from browser import CHROMIUM, chromium, require
from conftest import PROJECT, SCENARIOS

from tintuc import cms
from tintuc.dates import VIETNAM, parse_date
from tintuc.files import load_settings
from tintuc.frontmatter import KEYS, find_key, read_source
from tintuc.new_article import build_article
from tintuc.text import slugify

pytestmark = pytest.mark.browser

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
SCRIPT = cms.our_script(SETTINGS, (PROJECT / "admin" / "tintuc-cms.js").read_text("utf-8"))
FILES = sorted(
    [*(PROJECT / "content").rglob("*.md"), *SCENARIOS.rglob("*.md"),
     *(PROJECT / "tests" / "theme_scenarios").rglob("*.md")])


@pytest.fixture(scope="module")
def js():
    require(CHROMIUM.exists(), "Chromium")
    # A computer far from Vietnam: nothing the editor writes may depend on its time zone.
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    try:
        with chromium() as context:
            page = context.new_page()
            page.set_content("<!DOCTYPE html><html lang='vi'><head></head><body></body></html>")
            page.add_script_tag(content=SCRIPT)
            assert page.evaluate("() => new Date(2026, 0, 1).getTimezoneOffset()") == 300
            yield lambda expression, *args: page.evaluate(expression, *args)
    finally:
        if zone is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = zone


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def _readable(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False  # a legacy encoding: the reader refuses it, and so does the browser
    return True


ROUND_TRIP = """texts => texts.map(text => TintucCms.toFile(TintucCms.fromFile(text)))"""


def test_every_file_comes_back_unchanged_when_nothing_is_edited(js):
    files = [path for path in FILES if _readable(path)]
    assert len(files) > 100
    texts = [_text(path) for path in files]
    back = js(ROUND_TRIP, texts)
    changed = [str(path.relative_to(PROJECT)) for path, text, again in
               zip(files, texts, back, strict=True) if text != again]
    assert changed == []


def test_crlf_bom_fence_continuations_and_unknown_keys_survive(js):
    text = ("\ufeff---\r\nTiêu đề: Bài cũ\r\nNgày: Chủ nhật - 13/11/2022 21:12\r\n"
            "Tóm tắt: dòng một\r\n  dòng hai\r\nKhóa lạ: giữ nguyên\r\nlang: vi\r\n---\r\n"
            "Nội dung.\r\n")
    assert js(ROUND_TRIP, [text]) == [text]
    edited = js("""text => { const data = TintucCms.fromFile(text);
        data.title = 'Bài mới'; return TintucCms.toFile(data); }""", text)
    assert edited == text.replace("Tiêu đề: Bài cũ", "Tiêu đề: Bài mới")


NEW_ENTRY = """([title, category, date]) => TintucCms.toFile({
    title: title, date: date, category: category, slug: TintucCms.slugify(title),
    status: 'công bố', featured: 'không', body: ''})"""


@pytest.mark.parametrize("title,category", [
    ("Đoàn viên xã Quốc Toản ra quân “Chủ nhật xanh”", "Phong trào tình nguyện"),
    ("Hội nghị Ban Chấp hành Tỉnh Đoàn lần thứ 5 <khóa XVIII>", "Hoạt động Đoàn"),
    ("Đội TNTP: 1/6 – vui Tết thiếu nhi", "Đội TNTP Hồ Chí Minh"),
])
def test_a_new_article_is_what_invoke_new_writes(js, title, category):
    now = datetime(2026, 3, 26, 8, 30, tzinfo=VIETNAM)
    expected = build_article(title, category, now)
    written = js(NEW_ENTRY, [title, category, "2026-03-26T08:30:00"])
    assert written.encode("utf-8") == expected.text.encode("utf-8")
    # Every empty field the form shows (given as "" rather than left out) changes nothing.
    with_empty = js("""([title, category]) => TintucCms.toFile({title: title,
        date: '2026-03-26T08:30:00', category: category, slug: TintucCms.slugify(title),
        status: 'công bố', featured: 'không', authors: '', tags: '', summary: '', image: '',
        image_caption: '', source: '', legacy_urls: '', modified: '', body: ''})""",
                    [title, category])
    assert with_empty == expected.text


def test_a_new_article_with_a_body_and_a_lead_reads_back(js):
    written = js("""() => TintucCms.toFile({title: 'Tập huấn', date: '2026-03-26T08:30:00',
        category: 'Hoạt động Đoàn', slug: 'tap-huan', status: 'nháp', featured: '2',
        summary: 'Dòng một\\ndòng hai', tags: 'A, B',
        body: 'Đoạn một.\\n\\n![Ảnh](x.jpg "Chú thích")'})""")
    document = read_source(written.encode("utf-8"), "moi.md")
    assert not document.problems
    assert document.get("status") == "draft" and document.get("featured") == 2
    assert document.get("summary") == "Dòng một dòng hai"
    assert document.get("tags") == ["A", "B"]
    assert written.endswith('"Chú thích")\n')
    assert "Thẻ: A, B\nTóm tắt: Dòng một dòng hai\nẢnh đại diện:\n" in written


def test_a_new_page_has_only_the_keys_given(js):
    written = js("""() => TintucCms.toFile({title: 'Giới thiệu', slug: 'gioi-thieu',
        status: 'công bố', body: 'Tỉnh Đoàn.'})""")
    # toFile without a collection is the article's; the page format is registered apart.
    assert written.startswith("Tiêu đề: Giới thiệu\nNgày đăng:\n")
    page = js("""() => window.TintucCmsPages.toFile({title: 'Giới thiệu',
        slug: 'gioi-thieu', status: 'công bố', body: 'Tỉnh Đoàn.'})""")
    assert page == ("Tiêu đề: Giới thiệu\nĐường dẫn: gioi-thieu\nTrạng thái: công bố\n\n"
                    "Tỉnh Đoàn.\n")


EDIT = """([text, name, value]) => { const data = TintucCms.fromFile(text);
    data[name] = value; return TintucCms.toFile(data); }"""


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:1] in "+-"]


@pytest.mark.parametrize("path", sorted((PROJECT / "content").rglob("*.md")),
                         ids=lambda path: path.name[:40])
def test_editing_the_title_changes_only_the_title_line(js, path):
    text = _text(path)
    before = read_source(text.encode("utf-8"), path.name)
    after_text = js(EDIT, [text, "title", "Tiêu đề đã sửa"])
    after = read_source(after_text.encode("utf-8"), path.name)
    title_key = before.fields["title"]
    assert _changed_lines(text, after_text) == [
        f"- {text.splitlines()[title_key.line - 1]}", f"+ {title_key.typed_key}: Tiêu đề đã sửa"]
    assert after.get("title") == "Tiêu đề đã sửa"
    for name, field in before.fields.items():
        if name != "title":
            assert after.get(name) == field.value, name
    assert after.body == before.body


def test_a_key_the_file_lacks_goes_where_invoke_new_would_put_it(js):
    text = (PROJECT / "content" / "hoat-dong-doan" /
            "2022-11-22-tap-huan-nghiep-vu-cong-tac-doan.md").read_text("utf-8")
    assert "Cập nhật" not in text
    after = js(EDIT, [text, "modified", "2026-03-27T15:00:00"])
    lines = after.splitlines()
    date_line = next(i for i, line in enumerate(lines) if find_key(line.split(":")[0]) is
                     KEYS[1])
    assert lines[date_line + 1] == "Cập nhật: 27/03/2026 15:00"
    assert len(_changed_lines(text, after)) == 1
    document = read_source(after.encode("utf-8"), "x.md")
    assert document.get("modified") == datetime(2026, 3, 27, 15, 0, tzinfo=VIETNAM)


def test_emptied_values_follow_the_readers_rules(js):
    text = ("Tiêu đề: A\nNgày đăng: 26/03/2026 08:30\nChuyên mục: Hoạt động Đoàn\n"
            "Tác giả: B\nCập nhật: 27/03/2026 15:00\n\nThân.\n")
    emptied = js("""text => { const d = TintucCms.fromFile(text); d.authors = '';
        d.modified = ''; return TintucCms.toFile(d); }""", text)
    # `Tác giả:` empty means "nobody"; an empty `Cập nhật` would be an error: its line goes.
    assert emptied == ("Tiêu đề: A\nNgày đăng: 26/03/2026 08:30\nChuyên mục: Hoạt động Đoàn\n"
                       "Tác giả:\n\nThân.\n")
    assert not read_source(emptied.encode("utf-8"), "x.md").problems


def test_status_and_yes_no_are_read_whatever_their_spelling(js):
    text = "Title: A\nDate: 2026-03-26 08:30\nCategory: X\nStatus: DRAFT\nNoi bat: co\n\n"
    data = js("text => TintucCms.fromFile(text)", text)
    assert data["status"] == "nháp" and data["featured"] == "có"
    assert data["date"] == "2026-03-26T08:30:00"
    assert js(ROUND_TRIP, [text]) == [text]
    published = js(EDIT, [text, "status", "công bố"])
    assert "Status: công bố\n" in published


def test_slugify_is_the_readers(js):
    titles = []
    for path in FILES:
        if _readable(path):
            document = read_source(path.read_bytes(), path.name)
            if document.get("title"):
                titles.append(document.get("title"))
    titles += ["Đ đ Ð ð", "  --Quá   dài " + "chữ " * 40, "１２３ ＡＢＣ", "e\u0301 tổ hợp",
               "Tiếng Việt: ôn tập (phần 2)!", "ǅ Ǉ ﬁ", "trẻ—em"]
    js_slugs = js("titles => titles.map(t => TintucCms.slugify(t))", titles)
    assert js_slugs == [slugify(title) for title in titles]


def test_keys_are_found_as_the_reader_finds_them(js):
    typed = []
    for key in KEYS:
        for spelling in key.spellings:
            typed += [spelling, spelling.upper(), spelling.lower(), slugify(spelling, None)
                      .replace("-", " "), spelling.replace(" ", "_")]
    typed += ["Tiêu để", "Tieu đề", "Tác gỉa", "Ngay dang", "NGÀY", "Ảnh", "Anh dai dien",
              "Từ khoá", "tu khoa", "Image caption", "image-caption", "Không có", "Title2"]
    found = js("names => names.map(n => { const k = TintucCms.findKey(n); return k && k.name; })",
               typed)
    assert found == [(find_key(name).name if find_key(name) else None) for name in typed]


@pytest.mark.parametrize("text", [
    "13/11/2022 21:12", "13/11/2022", "13-11-2022 21:12", "13/11/2022 21:12:05",
    "Chủ nhật - 13/11/2022 21:12", "2022-11-13 21:12", "2022-11-13T21:12:00+07:00",
    "2022-11-13T14:12:00Z", "2022-11-13T21:12:00+09:00", "05/11/2022",
])
def test_dates_mean_what_the_reader_says(js, text):
    wall = js("text => TintucCms.readDate(text)", text)
    expected = parse_date(text).astimezone(VIETNAM)
    assert wall == expected.strftime("%Y-%m-%dT%H:%M:%S")
    written = js("v => TintucCms.writeDate(v)", wall)
    assert parse_date(written) == expected


def test_an_impossible_date_is_kept_for_the_editor_to_fix(js):
    assert js("t => TintucCms.readDate(t)", "31/02/2022 08:00") is None
    text = "Tiêu đề: A\nNgày đăng: 31/02/2022 08:00\nChuyên mục: B\n\n"
    assert js(ROUND_TRIP, [text]) == [text]


def test_now_is_vietnam_time_whatever_the_computers_zone(js):
    now = js("() => TintucCms.vietnamNow()")
    expected = datetime.now(VIETNAM).replace(second=0, microsecond=0)
    got = datetime.fromisoformat(now).replace(tzinfo=VIETNAM)
    assert abs((got - expected).total_seconds()) <= 60


def test_photos_show_from_the_site_and_are_written_back_as_static(js):
    text = (PROJECT / "content" / "phong-trao-tinh-nguyen" /
            "2024-09-14-chung-tay-khac-phuc-hau-qua-bao-so-3.md").read_text("utf-8")
    try:
        js("() => TintucCms.siteRoot('https://tinhdoan.example.vn/')")
        data = js("text => TintucCms.fromFile(text)", text)
        assert data["image"] == ("https://tinhdoan.example.vn/images/2024/09/"
                                 "chung-tay-khac-phuc-hau-qua-bao-so-3.jpg")
        assert "{static}" not in data["body"]
        assert "](https://tinhdoan.example.vn/images/2024/09/khac-phuc" in data["body"]
        assert js(ROUND_TRIP, [text]) == [text]
        edited = js("""text => { const d = TintucCms.fromFile(text);
            d.body = d.body.trimEnd() + '\\n\\nĐoạn mới.'; return TintucCms.toFile(d); }""",
                    text)
        assert edited == text.rstrip("\n") + "\n\nĐoạn mới.\n"
        other = js("""text => { const d = TintucCms.fromFile(text);
            d.image = 'https://tinhdoan.example.vn/images/2024/09/khac.jpg';
            return TintucCms.toFile(d); }""", text)
        assert "Ảnh đại diện: {static}/images/2024/09/khac.jpg\n" in other
    finally:
        js("() => TintucCms.siteRoot(null)")


def test_a_place_in_the_featured_block_is_kept_and_written_as_chosen(js):
    text = "Tiêu đề: A\nNgày đăng: 26/03/2026 08:30\nChuyên mục: X\nNổi bật: 3\n\nThân.\n"
    assert js("text => TintucCms.fromFile(text)", text)["featured"] == "3"
    assert js(ROUND_TRIP, [text]) == [text]
    moved = js(EDIT, [text, "featured", "1"])
    assert moved == text.replace("Nổi bật: 3", "Nổi bật: 1")
    assert read_source(moved.encode("utf-8"), "x.md").get("featured") == 1
    unfeatured = js(EDIT, [text, "featured", "không"])
    assert read_source(unfeatured.encode("utf-8"), "x.md").get("featured") is False
