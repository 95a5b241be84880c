"""The reader in real Pelican builds: one scenario file per case of CONTRACT §1–§2.

`scenarios/reader_ok/` is one site whose files are each named for the case they show;
`scenarios/reader_errors/` holds one broken file per error, each built on its own.
"""

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import SCENARIOS, build, run_pelican_cli

OK = SCENARIOS / "reader_ok"
ERRORS = SCENARIOS / "reader_errors"
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("reader_ok"), OK)
    assert built.ok, built.messages
    return built


def news_article(page) -> dict:
    for script in page.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle JSON-LD")


def test_valid_scenarios_build_with_one_warning(site):
    assert site.errors == []
    (warning,) = [text for text in site.warnings if "unknown-key.md" in text]
    assert "unknown-key.md:4: cảnh báo: khóa “Chuyen mucc”" in warning
    assert "“Chuyên mục”" in warning


@pytest.mark.parametrize(("page", "title", "dateline", "iso"), [
    ("doan-thanh-nien-xa-quoc-toan-ra-quan-ngay-moi-truong.html",
     "Đoàn Thanh niên xã Quốc Toản ra quân Ngày môi trường",
     "Chủ nhật - 13/11/2022 21:12", "2022-11-13T21:12:00+07:00"),
    ("hoi-nghi-ban-chap-hanh-tinh-doan-lan-thu-5.html",
     "Hội nghị Ban Chấp hành Tỉnh Đoàn lần thứ 5",
     "Thứ bảy - 05/11/2022 08:00", "2022-11-05T08:00:00+07:00"),
    ("tuoi-tre-cao-bang-chung-tay-xay-dung-nong-thon-moi.html",
     "Tuổi trẻ Cao Bằng chung tay xây dựng nông thôn mới",
     "Chủ nhật - 13/11/2022 07:30", "2022-11-13T07:30:00+07:00"),
    ("thanh-nien-lap-nghiep-voi-cay-hoi.html", "Thanh niên lập nghiệp với cây hồi",
     "Chủ nhật - 13/11/2022 21:12", "2022-11-13T21:12:05+07:00"),
    ("cao-bang-youth-join-the-green-summer-campaign.html",
     "Cao Bang youth join the green summer campaign",
     "Thứ bảy - 12/11/2022 10:00", "2022-11-12T10:00:00+07:00"),
    ("tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong.html",
     "Tiếp tục phát huy hiệu quả từ triển khai thực hiện Đoàn cơ sở “3 chủ động”",
     "Chủ nhật - 13/11/2022 21:12", "2022-11-13T21:12:00+07:00"),
    ("chuyen-doi-so-trong-sinh-hoat-chi-doan.html", "Chuyển đổi số trong sinh hoạt chi đoàn",
     "Thứ năm - 10/11/2022 21:00", "2022-11-10T21:00:00+07:00"),
    ("ngay-hoi-doc-sach-cua-thieu-nhi.html", "Ngày hội đọc sách của thiếu nhi",
     "Thứ bảy - 05/11/2022 00:00", "2022-11-05T00:00:00+07:00"),
    ("bai-co-bom-va-crlf.html", "Bài có BOM và CRLF",
     "Thứ hai - 31/10/2022 08:00", "2022-10-31T08:00:00+07:00"),
])
def test_article_landmarks(site, page, title, dateline, iso):
    html = site.html(page)
    assert html.html["lang"] == "vi"
    (h1,) = html.find_all("h1")
    assert h1.get_text(" ", strip=True).replace("\xa0", " ") == title
    assert dateline in html.get_text(" ")
    data = news_article(html)
    assert data["headline"] == title
    assert data["datePublished"] == iso
    assert html.title.get_text().replace("\xa0", " ").startswith(title)


def test_hidden_article_has_its_page_but_is_listed_nowhere(site):
    assert "Chỉ ai có đường dẫn" in site.read("thong-bao-noi-bo.html")
    linking = [name for name in site.files("**/*") if (site.output / name).is_file()
               and name != "thong-bao-noi-bo.html"
               and "thong-bao-noi-bo" in (site.output / name).read_text(errors="replace")]
    assert linking == []


def test_draft_is_never_written(site):
    written = [name for name in site.files("**/*") if (site.output / name).is_file()
               and "Bản nháp chưa đăng" in (site.output / name).read_text(errors="replace")]
    assert written == []
    assert not site.exists("ban-nhap")
    assert not site.exists("ban-nhap-chua-dang.html")


@pytest.mark.parametrize(("page", "text"), [
    ("hoi-nghi-ban-thuong-vu-tinh-doan.html", "Kỳ họp tháng 3/2021."),
    ("hoi-nghi-ban-thuong-vu-tinh-doan-2.html", "Kỳ họp tháng 3/2022."),
    # Same minute: the file whose path sorts first is the older and keeps the plain slug.
    ("giao-ban-cong-tac-doan.html", "Bản A."),
    ("giao-ban-cong-tac-doan-2.html", "Bản B."),
    ("tieu-de-luc-dang.html", "Đường dẫn giữ nguyên"),
])
def test_same_titles_get_their_own_stable_urls(site, page, text):
    assert text in site.read(page)


def test_urls_are_lowercase_ascii(site):
    for name in site.files("**/*.html"):
        assert name.isascii() and name == name.lower(), name


def test_title_is_escaped_never_stripped(site):
    page = "hoi-thao-chuyen-doi-so-thanh-nien-2022.html"
    html = site.html(page)
    assert "<chuyển đổi số>" in html.h1.get_text()
    assert "<chuyển đổi số>" in html.title.get_text()
    assert "\\u003cchuyển đổi số\\u003e" in site.read(page)
    assert news_article(html)["headline"] == 'Hội thảo <chuyển đổi số> & "thanh niên" -- 2022...'


def test_typography_without_caps(site):
    source = site.read(
        "tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong.html")
    assert 'class="caps"' not in source
    body = "các huyện đã triển khai… Qua đó — tạo"
    html = site.html(
        "tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong.html")
    assert body in html.get_text().replace("\xa0", " ")


def test_images_are_captioned_figures(site):
    html = site.html(
        "tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong.html")
    captions = [figure.figcaption.get_text(" ", strip=True) for figure in html.find_all("figure")
                if figure.figcaption]
    assert ("Đoàn thanh niên xã Quốc Toản huyện Quảng Hòa ra quân hưởng ứng Ngày môi trường "
            "Thế giới.") in captions  # the featured image and its caption
    assert "Đoàn thanh niên xã Trương Lương ra quân hỗ trợ xóa nhà tạm, nhà dột nát." in captions
    assert "Chỉ có chữ thay thế" in captions  # no title: the alt text
    for image in html.find_all("img", src=lambda src: "truong-luong" in src):
        assert image.find_parent("figure") is not None
        assert "{static}" not in image["src"]


def test_lead_from_first_paragraph_is_shown_once(site):
    html = site.html("hoi-nghi-ban-chap-hanh-tinh-doan-lan-thu-5.html")
    article_text = " ".join(html.find("article").get_text().split())
    assert article_text.count("Hội nghị tổng kết công tác năm.") == 1


def test_pages_need_no_date(site):
    assert "Tỉnh Đoàn Cao Bằng." in site.read("gioi-thieu/index.html")


def _rewrite_all(folder: Path, transform) -> None:
    for path in folder.rglob("*.md"):
        text = path.read_bytes().decode("utf-8-sig")
        path.write_bytes(transform(text).encode("utf-8"))


def _combining_tones(text: str) -> str:
    """"Unicode tổ hợp": precomposed vowels, tone marks as separate combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


@pytest.mark.parametrize("variant", ["NFD", "tổ hợp"])
def test_decomposed_files_build_exactly_like_their_nfc_twin(tmp_path, site, variant):
    twin = tmp_path / "twin"
    shutil.copytree(OK, twin)
    if variant == "NFD":
        _rewrite_all(twin, lambda text: unicodedata.normalize("NFD", text))
    else:
        _rewrite_all(twin, _combining_tones)
    sample = (twin / "tin-tuc" / "unfenced-header.md").read_text()
    assert not unicodedata.is_normalized("NFC", sample)

    other = build(tmp_path / "built", twin)
    assert other.ok, other.messages
    ours, theirs = site.written(), other.written()
    assert ours.keys() == theirs.keys()
    differing = [name for name in ours if ours[name] != theirs[name]]
    assert differing == []


ERROR_CASES = [
    ("missing-title.md", 2, "thiếu khóa bắt buộc “Tiêu đề”"),
    ("empty-title.md", 1, "“Tiêu đề” để trống"),
    ("missing-date.md", 2, "thiếu khóa bắt buộc “Ngày đăng”"),
    ("impossible-date.md", 2, "ngày “31/02/2022” không tồn tại"),
    ("weekday-contradicts-date.md", 2, "ngày 13/11/2022 là Chủ nhật, không phải Thứ hai"),
    ("unreadable-date.md", 2, "không đọc được ngày “hôm qua”"),
    ("missing-category.md", 2, "thiếu khóa bắt buộc “Chuyên mục”"),
    ("unclosed-fence.md", 1, "không có dòng “---” đóng"),
    ("unknown-status.md", 4, "“Trạng thái” không nhận giá trị “xuất bản”"),
    ("header-line-without-colon.md", 4, "không có dạng “Khóa: giá trị”"),
    ("not-utf8-windows-1258.md", 1, "tệp không phải UTF-8"),
]


@pytest.mark.parametrize(("name", "line", "words"), ERROR_CASES)
def test_each_error_stops_the_build_naming_file_and_line(build_site, name, line, words):
    good = (OK / "tin-tuc" / "unfenced-header.md").read_bytes()
    site = build_site({"tin-tuc/" + name: (ERRORS / name).read_bytes(), "tin-tuc/good.md": good})
    assert not site.ok
    (message,) = [text for text in site.errors if name in text and ": lỗi: " in text]
    assert f"tin-tuc/{name}:{line}: lỗi: " in message
    assert words in message
    assert not site.output.exists() or site.files("**/*.html") == []


def test_every_problem_of_every_file_is_reported(build_site):
    files = {"tin-tuc/" + name: (ERRORS / name).read_bytes() for name, _, _ in ERROR_CASES}
    site = build_site(files)
    assert not site.ok
    for name, line, words in ERROR_CASES:
        assert any(f"{name}:{line}: lỗi: " in text and words in text for text in site.errors)
    assert "Có " in str(site.exception) and "chưa ghi trang nào" in str(site.exception)


def test_contract_command_exits_non_zero_on_an_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ERRORS, content / "tin", ignore=shutil.ignore_patterns("[!i]*"))
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode != 0
    assert "impossible-date.md:2: lỗi:" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_contract_command_builds_a_valid_folder(tmp_path):
    result = run_pelican_cli(OK, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "hoi-nghi-ban-thuong-vu-tinh-doan-2.html").exists()


def test_a_plugin_that_fails_to_load_fails_the_build(tmp_path):
    plugins = '["tintuc_plugins.build_guard", "tintuc_plugins.vn_reader", "khong_co_plugin_nay"]'
    result = run_pelican_cli(OK, tmp_path / "out", "-e", f"PLUGINS={plugins}",
                             f"REQUIRED_PLUGINS={plugins}")
    assert result.returncode != 0
    assert "khong_co_plugin_nay" in result.stdout + result.stderr


def test_files_linked_from_the_lead_are_published(build_site):
    """The reader takes the first paragraph out of the body as the lead; the files it links
    must be published as a body's are (Pelican collects the body's links only)."""
    site = build_site({
        "tin-tuc/bai.md": "Tiêu đề: Kế hoạch\nNgày đăng: 13/11/2022\nChuyên mục: Hoạt động Đoàn\n"
                          "\nTải [kế hoạch]({static}ke-hoach.pdf) và [quyết định]"
                          "({attach}quyet-dinh.pdf).\n\nThân bài.\n",
        "tin-tuc/ke-hoach.pdf": b"%PDF-1.4 ke hoach\n",
        "tin-tuc/quyet-dinh.pdf": b"%PDF-1.4 quyet dinh\n"}, {"SEARCH_INDEX": {"enabled": False}})
    assert site.ok, site.messages
    lead = site.html("ke-hoach.html").find(class_="sapo")
    links = [link["href"] for link in lead.find_all("a")]
    assert links == ["/tin-tuc/ke-hoach.pdf", "/quyet-dinh.pdf"]
    for link in links:
        assert site.exists(link.lstrip("/")), link
    assert not any("Unable to find" in text for text in site.warnings)
