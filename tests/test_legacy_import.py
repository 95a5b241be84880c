"""Importing the legacy NukeViet site (issue 10): one page, a 50-page mirror, and again.

The mirror is built in tmp by tests/legacy_fixtures/make_mirror.py from our rendition of
NukeViet's news templates; its first article is the one of legacy-article-page.txt.
"""

import json
import re
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from invoke import Context, Exit
from legacy_fixtures import make_mirror
from legacy_fixtures.legacy_support import (
    PAGES,
    SAMPLE_CONTENT,
    SETTINGS,
    run_import,
    snapshot,
)

from tintuc.dates import VIETNAM
from tintuc.frontmatter import read_source
from tintuc.legacy_import import (
    LegacyPageError,
    NotAnArticle,
    classify_path,
    legacy_tag_aliases,
    parse_page,
    render,
)
from tintuc.text import slugify
from tintuc_tools.importer import import_legacy

SAMPLE_PAGE = PAGES / f"{make_mirror.SAMPLE.alias}-1234.html"
SAMPLE_URL = f"/news/hoat-dong-doan/{make_mirror.SAMPLE.alias}-1234.html"
FURNITURE = ("Những tin mới hơn", "Những tin cũ hơn", "Theo dòng sự kiện", "Fanpage",
             "Liên kết website", "THỐNG KÊ TRUY CẬP", "Đang truy cập", "Tổng lượt truy cập",
             "7,558,632", "Huy Hiệu Đoàn", "Ý kiến bạn đọc", "Bạn đã không sử dụng Site",
             "Trang nhất", "Tags:", "Tổng số điểm", "gtag", "statcounter", "Chịu trách nhiệm",
             "Hội nghị Ban Chấp hành Đoàn Nguyên Bình", "Chủ đề nóng", "Đại hội Đoàn")


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> Path:
    return make_mirror.build_mirror(tmp_path_factory.mktemp("mirror"))


@pytest.fixture(scope="module")
def imported(mirror, tmp_path_factory):
    content = tmp_path_factory.mktemp("imported") / "content"
    summary, said = run_import(mirror, content)
    return content, summary, said


def article_files(content: Path) -> list[Path]:
    return sorted(path for path in content.rglob("*.md")
                  if path.relative_to(content).parts[0] not in ("images", "data", "pages"))


def imported_file(content: Path, legacy_id: int) -> Path:
    for path in article_files(content):
        if re.search(rf"^Đường dẫn cũ: .*-{legacy_id}\.html$", path.read_text(encoding="utf-8"),
                     re.MULTILINE):
            return path
    raise AssertionError(f"no imported file for legacy id {legacy_id}")


def visible(element) -> str:
    # Typogrify binds a title's last two words with a no-break space.
    return " ".join(element.get_text().replace("\xa0", " ").split())


def generated(index: int) -> make_mirror.Article:
    return make_mirror.generated_articles()[index]


# --- The fixture pages ------------------------------------------------------------------------


def test_committed_pages_are_what_the_generator_writes():
    pages = make_mirror.committed_pages()
    assert sorted(pages) == sorted(path.name for path in PAGES.iterdir())
    for name, text in pages.items():
        assert (PAGES / name).read_text(encoding="utf-8") == text, name


def test_committed_fixtures_stay_small():
    folder = Path(make_mirror.__file__).parent
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()
               and "__pycache__" not in path.parts)
    assert size < 1_000_000


# --- One page -------------------------------------------------------------------------------


def test_the_sample_page_reads_as_its_article():
    article = parse_page(SAMPLE_PAGE.read_bytes(), "/" + SAMPLE_PAGE.name)
    assert article.title == ("Tiếp tục phát huy hiệu quả từ triển khai thực hiện Đoàn cơ sở "
                             "“3 chủ động”")
    assert article.date == datetime(2022, 11, 13, 21, 12, tzinfo=VIETNAM)
    assert article.modified is None
    assert article.category == "Hoạt động Đoàn"
    assert article.lead.startswith("Phát huy hiệu quả từ các mô hình đoàn cơ sở “3 chủ động”")
    assert article.lead.endswith("nhiệm vụ trong tình hình mới.")
    assert article.tags == ["Đoàn cơ sở", "3 chủ động", "Quảng Hòa"]
    assert article.tag_aliases["3 chủ động"] == "3-chủ-động"
    assert article.authors == [] and article.source == ""
    # The canonical URL, not the saved file's name, says which article this is.
    assert article.legacy_url == SAMPLE_URL
    assert (article.legacy_id, article.alias, article.category_alias) == (
        1234, make_mirror.SAMPLE.alias, "hoat-dong-doan")
    assert article.image.caption == ("Đoàn thanh niên xã Quốc Toản huyện Quảng Hòa ra quân "
                                     "hưởng ứng Ngày môi trường Thế giới.")
    assert article.image.url.endswith("/uploads/news/2022_11/doan-thanh-nien-xa-quoc-toan-"
                                      "ngay-moi-truong.jpg")
    (photo,) = article.images
    assert photo.alt == "Đoàn thanh niên xã Trương Lương ra quân hỗ trợ xóa nhà tạm, nhà dột nát"
    assert photo.caption == photo.alt + "."
    assert article.notes == []


def test_nothing_around_the_article_is_imported():
    text = render(parse_page(SAMPLE_PAGE.read_bytes(), SAMPLE_URL))
    for furniture in FURNITURE:
        assert furniture not in text, furniture
    assert "<" not in text.replace("<Em", "")  # no HTML left in the Markdown


def test_the_sample_imports_as_the_hand_converted_sample(imported):
    content, _summary, _said = imported
    ours = read_source(imported_file(content, 1234).read_bytes(), "imported.md")
    theirs = read_source(SAMPLE_CONTENT.read_bytes(), "sample.md")
    assert not ours.problems and not theirs.problems
    for key in ("title", "date", "category", "tags", "authors", "source", "summary", "image",
                "image_caption", "slug", "legacy_urls", "modified"):
        assert ours.get(key) == theirs.get(key), key
    paragraphs = [block.strip() for block in ours.body.strip().split("\n\n")]
    assert paragraphs == [block.strip() for block in theirs.body.strip().split("\n\n")]
    assert len(paragraphs) == 4 and paragraphs[1].startswith("![Đoàn thanh niên xã Trương Lương")


def test_list_print_feed_and_tag_pages_are_not_articles(mirror):
    site = mirror / make_mirror.HOST
    cases = {"news/hoat-dong-doan/index.html": ("category", "/news/hoat-dong-doan/"),
             "news/index.html": ("module", "/news/"), "index.html": ("home", "/"),
             "news/rss/index.html": ("rss", "/news/rss/"),
             f"news/print/hoat-dong-doan/{make_mirror.SAMPLE.alias}-1234.html":
                 ("print", f"/news/print/hoat-dong-doan/{make_mirror.SAMPLE.alias}-1234.html"),
             "news/tag/cao-bằng.html": ("tag", "/news/tag/cao-bằng")}
    for relative, (kind, url) in cases.items():
        with pytest.raises(NotAnArticle) as verdict:
            parse_page((site / relative).read_bytes(), url)
        assert verdict.value.kind == kind, relative
    # The committed category page too: a list of articles is not an article.
    with pytest.raises(NotAnArticle):
        parse_page((PAGES / "hoat-dong-doan.html").read_bytes(), "/news/hoat-dong-doan/")


def test_a_page_without_date_line_takes_the_structured_date_and_says_so():
    text = SAMPLE_PAGE.read_text(encoding="utf-8").replace(
        '<span class="h5">Chủ nhật - 13/11/2022 21:12</span>', "")
    article = parse_page(text, SAMPLE_URL)
    assert article.date == datetime(2022, 11, 13, 21, 12, tzinfo=VIETNAM)
    assert any("dữ liệu cấu trúc" in note for note in article.notes)


def test_an_edited_article_gets_its_update_time(mirror):
    edited = generated(3)
    article = parse_page((mirror / make_mirror.HOST / edited.url.lstrip("/")).read_bytes(),
                         edited.url)
    assert article.date == edited.published.replace(tzinfo=VIETNAM)
    assert article.modified == edited.edited.replace(tzinfo=VIETNAM)
    assert "Cập nhật: " in render(article)


@pytest.mark.parametrize(("damage", "message"), [
    (lambda text: re.sub(r'<span class="h5">.*?</span>|itemprop="date\w+">[^<]*', "", text),
     "ngày đăng"),
    (lambda text: text[: text.index('<span class="h5">')], "nội dung bài"),
    (lambda text: text.replace(f'itemprop="headline">{make_mirror.SAMPLE.title}</h1>',
                               'itemprop="headline"></h1>'), "tiêu đề"),
    (lambda text: text.replace("Chủ nhật - 13/11/2022", "Thứ hai - 13/11/2022"), "Chủ nhật"),
    (lambda text: text[: text.index("<body>")], "không có nội dung bài"),
])
def test_a_broken_page_is_an_error_that_says_why(damage, message):
    text = damage(SAMPLE_PAGE.read_text(encoding="utf-8"))
    with pytest.raises(LegacyPageError) as error:
        parse_page(text, SAMPLE_URL)
    assert message in str(error.value)


def test_a_page_that_is_not_utf8_is_reported():
    with pytest.raises(LegacyPageError, match="UTF-8"):
        parse_page(SAMPLE_PAGE.read_text(encoding="utf-8").encode("cp1258", errors="replace"),
                   SAMPLE_URL)


@pytest.mark.parametrize(("url", "kind", "alias", "legacy_id"), [
    ("/news/hoat-dong-doan/abc-12.html", "article", "abc", 12),
    ("http://x.vn/vi/news/hoat-dong-doan/abc-def-12.html", "article", "abc-def", 12),
    ("/index.php/vi/news/hoat-dong-doan/a-b-3-chu-dong-1234.html", "article",
     "a-b-3-chu-dong", 1234),
    ("/news/hoat-dong-doan/", "category", "", None),
    ("/news/hoat-dong-doan/page-3/", "category", "", None),
    ("/news/tag/%C4%91o%C3%A0n", "tag", "", None),
    ("/news/print/hoat-dong-doan/abc-12.html", "print", "", None),
    ("/news/rss/hoat-dong-doan/", "rss", "", None),
    ("/news/", "module", "", None),
    ("/", "home", "", None),
])
def test_legacy_urls_are_read(url, kind, alias, legacy_id):
    where = classify_path(url)
    assert (where.kind, where.alias, where.legacy_id) == (kind, alias, legacy_id)


def test_tag_aliases_follow_nukeviet():
    assert legacy_tag_aliases("Đoàn cơ sở") == ["đoàn-cơ-sở", "doan-co-so"]
    assert legacy_tag_aliases("Covid-19, (2021)") == ["covid-19-2021"]
    assert legacy_tag_aliases("bien gioi") == ["bien-gioi"]


# --- The mirror -----------------------------------------------------------------------------


def test_the_mirror_imports_every_article_and_skips_the_rest(imported):
    content, summary, said = imported
    assert len(summary.imported) == 50 and not summary.failed and not summary.updated
    assert len(article_files(content)) == 50
    assert summary.skipped == {"trang chuyên mục": 8, "trang thẻ": 4, "trang in/lưu/gửi bài": 1,
                               "nguồn tin RSS": 1, "trang chủ": 1,
                               "trang chủ chuyên mục tin": 1}
    assert "  bài mới: 50" in said
    for path in article_files(content):
        document = read_source(path.read_bytes(), str(path))
        assert not document.problems, (path, document.problems)
        legacy = classify_path(document.get("legacy_urls")[0])
        # content/<category-slug>/<YYYY>-<MM>-<DD>-<alias>.md
        assert path.parent.name == slugify(document.get("category"))
        assert path.name == f"{document.get('date'):%Y-%m-%d}-{legacy.alias}.md"
        assert document.get("slug") == legacy.alias


def test_the_imported_mirror_builds(imported, build_site):
    content, _summary, _said = imported
    site = build_site(content, SETTINGS)
    assert site.ok, site.messages
    assert site.errors == []
    for path in article_files(content):
        document = read_source(path.read_bytes(), str(path))
        page = site.html(f"{document.get('slug')}.html")
        assert visible(page.h1) == document.get("title")


def test_importing_again_changes_nothing(mirror, imported):
    content, _summary, _said = imported
    before = snapshot(content)
    summary, said = run_import(mirror, content)
    assert snapshot(content) == before
    assert (len(summary.imported), len(summary.updated), summary.unchanged) == (0, 0, 50)
    assert summary.photos_copied == 0 and summary.photos_present == 59
    assert "  bài không đổi: 50" in said


def test_a_broken_page_is_reported_and_the_rest_import(mirror, tmp_path, capsys):
    source = tmp_path / "mirror"
    shutil.copytree(mirror, source)
    site = source / make_mirror.HOST
    cut = site / generated(9).url.lstrip("/")
    cut.write_text(cut.read_text(encoding="utf-8")[:4000], encoding="utf-8")  # download cut
    legacy = site / "news/hoat-dong-doan/trang-ma-cu-9999.html"
    legacy.write_bytes(SAMPLE_PAGE.read_text(encoding="utf-8").encode("cp1258", "replace"))
    content = tmp_path / "content"
    with pytest.raises(Exit) as stopped:
        import_legacy(Context(), str(source), content=str(content))
    assert stopped.value.code == 1
    printed = capsys.readouterr().out
    assert f"{cut}: lỗi: " in printed and f"{legacy}: lỗi: " in printed
    assert "  bài lỗi: 2" in printed and "  bài mới: 49" in printed
    assert len(article_files(content)) == 49


def test_an_edited_file_is_kept_and_a_changed_page_updates(mirror, tmp_path):
    source = tmp_path / "mirror"
    shutil.copytree(mirror, source)
    content = tmp_path / "content"
    run_import(source, content)
    edited = imported_file(content, 2001)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu biên tập viên thêm.\n",
                      encoding="utf-8")
    changed = source / make_mirror.HOST / generated(2).url.lstrip("/")
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "<h1 class=\"title margin-bottom-lg\" itemprop=\"headline\">",
        "<h1 class=\"title margin-bottom-lg\" itemprop=\"headline\">Cập nhật: "), encoding="utf-8")
    summary, said = run_import(source, content)
    assert summary.kept == [str(edited)]
    assert "biên tập viên thêm" in edited.read_text(encoding="utf-8")
    assert any(str(edited) in line and "giữ nguyên" in line for line in said)
    assert summary.updated == [str(imported_file(content, 2002))]
    assert "Tiêu đề: Cập nhật: " in imported_file(content, 2002).read_text(encoding="utf-8")
    assert len(article_files(content)) == 50  # updated in place, never duplicated
    # --force takes the legacy text back.
    summary, _said = run_import(source, content, force=True)
    assert summary.updated == [str(edited)]


def test_the_hand_converted_sample_is_never_duplicated(mirror, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT.parents[1], content)
    before = {path: path.read_bytes() for path in article_files(content)}
    summary, _said = run_import(mirror, content)
    assert SAMPLE_CONTENT.read_bytes() == (content / SAMPLE_CONTENT.relative_to(
        SAMPLE_CONTENT.parents[1])).read_bytes()
    assert not any("-1234.html" in Path(path).read_text(encoding="utf-8")
                   for path in summary.imported)
    assert len(summary.imported) == 49
    assert all(path.read_bytes() == data for path, data in before.items())


def test_photos_are_copied_by_month_and_missing_ones_reported(imported):
    content, summary, said = imported
    sample = imported_file(content, 1234).read_text(encoding="utf-8")
    assert "Ảnh đại diện: {static}/images/2022/11/doan-thanh-nien-xa-quoc-toan-ngay-moi-" \
           "truong.jpg" in sample
    images = content / "images"
    assert (images / "2022/11/doan-thanh-nien-xa-truong-luong-xoa-nha-tam.jpg").read_bytes() \
        == make_mirror.jpeg("/uploads/news/2022_11/doan-thanh-nien-xa-truong-luong-xoa-nha-tam"
                            ".jpg")
    # A featured photo shown as a thumbnail: the full-size original is what is kept.
    thumb = generated(13)
    kept = images / f"{thumb.published:%Y/%m}" / Path(thumb.featured.path).name
    assert kept.read_bytes() == make_mirror.jpeg(thumb.featured.path)
    # Two uploads named hoi-nghi.jpg from different months meet in one folder.
    month = images / f"{generated(15).published:%Y/%m}"
    assert (month / "hoi-nghi.jpg").read_bytes() != (month / "hoi-nghi-2.jpg").read_bytes()
    # A linked PDF travels with its article.
    linked = imported_file(content, 2005).read_text(encoding="utf-8")
    assert "[kế hoạch triển khai]({static}/images/2019/07/ke-hoach-trien-khai.pdf)" in linked
    assert (images / "2019/07/ke-hoach-trien-khai.pdf").exists()
    # A photo the mirror lost is reported and still points at the old site.
    lost = generated(7)
    assert [url for _page, url in summary.photos_missing] == [
        f"/uploads/news/{lost.published:%Y_%m}/anh-da-mat.jpg"]
    assert any("anh-da-mat.jpg" in line and "thiếu ảnh" in line for line in said)
    assert f"](http://{make_mirror.HOST}/uploads/news/{lost.published:%Y_%m}/anh-da-mat.jpg)" \
        in imported_file(content, 2007).read_text(encoding="utf-8")
    assert summary.photos_copied == 59


def test_scripts_trackers_and_handlers_are_dropped_and_reported(imported):
    content, _summary, said = imported
    text = imported_file(content, 2004).read_text(encoding="utf-8")
    for dropped in ("script", "document.write", "onclick", "alert(", "google-analytics",
                    "counter.example", "color:red", "<marquee>", "<iframe"):
        assert dropped not in text, dropped
    assert "[Xem video](https://www.youtube.com/embed/a1B2c3D4e5F)" in text
    assert "Nhấn để xem chi tiết và chạy chữ." in text
    notes = [line for line in said if "giai-bong-da-thanh-nien-ha-quang-2004" in line]
    assert any("<iframe>" in line for line in notes)
    assert any("<marquee>" in line and "lạ" in line for line in notes)
    assert any("<script>" in line and "thuộc tính sự kiện" in line for line in notes)


def test_an_article_without_tags_gets_none_from_the_sidebar(imported):
    content, _summary, _said = imported
    text = imported_file(content, 2017).read_text(encoding="utf-8")
    assert "\nThẻ:" not in text and "Đại hội Đoàn" not in text


def test_nfd_text_becomes_nfc_and_the_odd_alias_is_kept_verbatim(imported, build_site):
    content, _summary, _said = imported
    path = imported_file(content, 2006)
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "Tiêu đề: Tiếp nhận thiết bị học trực tuyến cho học sinh vùng cao" in text
    assert "Đường dẫn: tie-p-nha-n-thie-t-bi-hoc-tru-c-tuye-n-cho-hoc-sinh-vung-cao" in text
    assert path.name == "2019-08-17-tie-p-nha-n-thie-t-bi-hoc-tru-c-tuye-n-cho-hoc-sinh-vung-" \
                        "cao.md"


def test_markdown_keeps_the_structure_and_escapes_what_is_text(imported):
    content, _summary, _said = imported
    rich = imported_file(content, 2003).read_text(encoding="utf-8")
    assert "\n### Kết quả nổi bật\n" in rich
    assert "\n- Ra mắt **12** câu lạc bộ\n" in rich
    assert "\n1. Đợt một\n2. Đợt hai\n" in rich
    assert "| **Đơn vị** | **Số đoàn viên** |\n| --- | --- |\n| Hòa An | 1.250 |" in rich
    assert "\n> Tuổi trẻ Cao Bằng luôn đi đầu.\n" in rich
    typed = imported_file(content, 2012).read_text(encoding="utf-8")
    assert "\n1\\. Mục tiêu: 100% chi đoàn sinh hoạt đều.\n" in typed
    assert "\n\\- Gạch đầu dòng gõ tay\n" in typed
    assert "\\# 5 là số đội hình; điểm \\*trung bình\\* là 8\\_5 và \\[ghi chú\\]." in typed
    # Links to other legacy articles stay root paths: the redirects answer them.
    assert "(/news/chuyen-doi-so/cho-phien-khong-dung-tien-mat-o-trung-khanh-2012.html)" in \
        imported_file(content, 2005).read_text(encoding="utf-8")
    old_style = imported_file(content, 2011).read_text(encoding="utf-8")
    assert '"Lễ ra quân sáng 12/5.")' in old_style
    assert '![Trao quà](' in old_style and '"Trao quà cho các em học sinh.")' in old_style


def test_the_imported_articles_render_as_the_legacy_pages_did(imported, build_site):
    content, _summary, _said = imported
    site = build_site(content, SETTINGS)
    assert site.ok, site.messages
    marks = site.html("cuoc-thi-em-yeu-to-quoc-sang-tao-tre.html")
    assert visible(marks.h1) == "Cuộc thi “<Em yêu Tổ quốc>” & sáng tạo trẻ"
    typed = site.html("cho-phien-khong-dung-tien-mat-o-trung-khanh.html")
    paragraphs = [visible(paragraph) for paragraph in typed.find_all("p")]
    assert "1. Mục tiêu: 100% chi đoàn sinh hoạt đều." in paragraphs
    assert "# 5 là số đội hình; điểm *trung bình* là 8_5 và [ghi chú]." in paragraphs
    sample = site.html(f"{make_mirror.SAMPLE.alias}.html")
    captions = [visible(caption) for caption in sample.find_all("figcaption")]
    assert "Đoàn thanh niên xã Trương Lương ra quân hỗ trợ xóa nhà tạm, nhà dột nát." in captions
    nested = site.html("tu-van-huong-nghiep-cho-hoc-sinh-thach-an.html")
    assert nested.find("a", href=lambda href: href and "chuyen-muc/doan-co-so" in href)


def test_a_page_saved_by_a_browser_imports_with_its_photos(tmp_path):
    saved = tmp_path / "Tiep tuc phat huy.html"
    folder = tmp_path / "Tiep tuc phat huy_files"
    folder.mkdir()
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    for name in ("doan-thanh-nien-xa-quoc-toan-ngay-moi-truong.jpg",
                 "doan-thanh-nien-xa-truong-luong-xoa-nha-tam.jpg"):
        text = text.replace(f"/uploads/news/2022_11/{name}", f"Tiep tuc phat huy_files/{name}")
        (folder / name).write_bytes(make_mirror.jpeg(name))
    saved.write_text(text, encoding="utf-8")
    content = tmp_path / "content"
    summary, _said = run_import(saved, content)
    assert len(summary.imported) == 1 and not summary.photos_missing
    assert summary.photos_copied == 2
    written = Path(summary.imported[0]).read_text(encoding="utf-8")
    assert f"Đường dẫn cũ: {SAMPLE_URL}" in written
    assert (content / "images/2022/11/doan-thanh-nien-xa-truong-luong-xoa-nha-tam.jpg").exists()


def test_a_category_can_be_renamed_on_import(mirror, tmp_path):
    content = tmp_path / "content"
    summary, _said = run_import(mirror, content,
                                category_names={"doan-co-so": "Hoạt động Đoàn"})
    path = imported_file(content, 2016)
    assert path.parent.name == "hoat-dong-doan"
    assert "Chuyên mục: Hoạt động Đoàn" in path.read_text(encoding="utf-8")
    assert not (content / "doan-co-so").exists() and len(summary.imported) == 50


def test_the_manifest_records_what_was_written(imported):
    content, _summary, _said = imported
    manifest = json.loads((content / "data/legacy-import.json").read_text(encoding="utf-8"))
    entry = manifest["articles"]["news:1234"]
    assert entry["url"] == SAMPLE_URL
    assert (content / entry["file"]).exists()
    assert len(manifest["articles"]) == 50


def test_a_damaged_manifest_stops_the_import_rather_than_overwrite(mirror, tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    (content / "data/legacy-import.json").write_text("{không phải json", encoding="utf-8")
    with pytest.raises(Exit, match="bị hỏng"):
        run_import(mirror, content)
    assert not article_files(content)
