"""`invoke check`'s logic on its own (tintuc/checker.py): one scenario file per message.

`scenarios/check_warnings/` holds one file per warning, named for it; `check_errors/` and
the reader's `reader_errors/` one file per error; `check_ok/` a small site with photos,
captions, links and a page that must pass without a word.
"""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import SCENARIOS, build

from tintuc.checker import (
    CheckResult,
    check_folder,
    fix_normalisation,
    report_json,
    report_text,
    run_check,
)
from tintuc.files import load_settings
from tintuc.problems import ERROR, WARNING

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(PROJECT / "pelicanconf.py")
WARNINGS = SCENARIOS / "check_warnings"
HEADER = "Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\n"


@pytest.fixture(scope="module")
def warnings():
    return check_folder(WARNINGS, SETTINGS)


def problems_of(problems, name: str):
    return [problem for problem in problems if Path(problem.path).name == name]


def write(folder: Path, relative: str, text: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def test_valid_site_has_no_problem_at_all():
    result = run_check(SCENARIOS / "check_ok", SETTINGS)
    assert result.problems == []
    assert result.files_checked == 4


def test_the_valid_site_also_builds_without_a_warning(tmp_path):
    site = build(tmp_path, SCENARIOS / "check_ok")
    assert site.ok, site.messages
    assert site.errors == [] and site.warnings == []
    page = site.html("doan-thanh-nien-xa-quoc-toan-ra-quan.html")
    assert len(page.select(".news-body figure figcaption")) == 2


@pytest.mark.parametrize(("name", "line", "code", "fragments"), [
    ("unknown-category.md", 3, "unknown-category", ["“Tin tức chung”", "Hoạt động Đoàn;"]),
    ("category-without-marks.md", 3, "unknown-category",
     ["“hoat dong doan”", "có phải ý bạn là “Hoạt động Đoàn”"]),
    ("duplicate-title-morning.md", 1, "duplicate-title",
     ["02/11/2022", "duplicate-title-afternoon.md"]),
    ("duplicate-title-afternoon.md", 1, "duplicate-title",
     ["02/11/2022", "duplicate-title-morning.md"]),
    ("duplicate-slug-newer.md", 4, "duplicate-slug",
     ["“dai-hoi-doan”", "duplicate-slug-older.md", "“dai-hoi-doan-2”"]),
    ("duplicate-slug-older.md", 4, "duplicate-slug", ["duplicate-slug-newer.md", "giữ"]),
    ("missing-featured-image.md", 4, "missing-file",
     ["“Ảnh đại diện”", "images/2022/11/khong-co.jpg"]),
    ("external-featured-image.md", 4, "external-image", ["https://example.com/anh.jpg"]),
    ("featured-image-outside-images.md", 4, "image-not-static", ["tin-tuc/anh-canh-bai.png"]),
    ("missing-body-image.md", 9, "missing-file", ["images/2022/11/don-rac.jpg"]),
    ("wrong-case-image.md", 5, "wrong-case", ["“images/2022/11/Quoc-Toan.png”"]),
    ("relative-image-missing.md", 7, "missing-file", ["images/2022/11/khong-co.png"]),
    ("relative-image-beside-article.md", 7, "relative-image",
     ["“anh-canh-bai.png”", "{static}/tin-tuc/anh-canh-bai.png"]),
    ("missing-filename-link.md", 5, "missing-file", ["{filename}/tin-tuc/bai-khong-co.md"]),
    ("filename-to-static.md", 5, "filename-to-static", ["{static}/images/2022/11/Quoc-Toan.png"]),
    ("image-without-alt.md", 7, "image-without-alt", ["mô tả", "![Đoàn viên trồng cây"]),
    ("html-image-without-alt.md", 7, "image-without-alt", ["mô tả"]),
    ("undefined-image-reference.md", 7, "undefined-image-reference", ["“anh-dep”"]),
    ("long-summary.md", 4, "long-summary", ["401 ký tự", "300"]),
    ("long-title.md", 1, "long-title", ["206 ký tự", "150"]),
    ("misspelt-key.md", 4, "unknown-key", ["“Tác gỉa”", "“Tác giả”"]),
    ("nfd-text.md", 1, "not-nfc", ["NFD", "invoke check --fix", ".bak"]),
    ("combining-tone-mark.md", 5, "not-nfc", ["từ dòng 5"]),
    ("tcvn3-pasted-text.md", 5, "legacy-text", ["TCVN3", "§oµn", "Unikey"]),
    ("vni-pasted-text.md", 5, "legacy-text", ["VNI", "Ñoaøn"]),
    ("double-utf8-text.md", 5, "legacy-text", ["Windows-1252"]),
    ("empty-static-link.md", 5, "empty-link", ["{static}"]),
    ("uppercase-suffix.MD", 1, "markdown-suffix-case", ["“.MD”", "“uppercase-suffix.md”"]),
    ("plain-text-file.txt", 1, "not-markdown", ["plain-text-file.txt"]),
])
def test_each_warning_names_its_file_line_and_fix(warnings, name, line, code, fragments):
    (problem,) = problems_of(warnings, name)
    assert (problem.line, problem.code, problem.level) == (line, code, WARNING)
    text = str(problem)
    assert text.startswith(f"{problem.path}:{line}: cảnh báo: ")
    assert problem.path.endswith(f"check_warnings/tin-tuc/{name}")
    assert "Cách sửa: " in text
    for fragment in fragments:
        assert fragment in text


def test_every_file_of_the_warning_scenario_is_named_except_the_clean_ones(warnings):
    named = {Path(problem.path).name for problem in warnings}
    clean = {"no-slug-no-warning.md", "same-title-other-day.md", "page-with-title-only.md",
             "notes.md.bak", "anh-canh-bai.png", "Quoc-Toan.png"}
    files = {path.name for path in WARNINGS.rglob("*") if path.is_file()}
    assert named == files - clean
    assert not any(problem.is_error for problem in warnings)


def test_a_missing_slug_is_not_a_warning(warnings):
    assert problems_of(warnings, "no-slug-no-warning.md") == []


def test_the_same_title_on_another_day_is_no_duplicate(warnings):
    assert problems_of(warnings, "same-title-other-day.md") == []


def test_pages_need_only_a_title(warnings):
    assert problems_of(warnings, "page-with-title-only.md") == []
    problems = check_folder(SCENARIOS / "check_errors", SETTINGS)
    (problem,) = problems_of(problems, "page-without-title.md")
    assert (problem.code, problem.level) == ("missing-title", ERROR)


@pytest.mark.parametrize(("name", "encoding"), [
    ("not-utf8-tcvn3.md", "TCVN3 (ABC)"), ("not-utf8-vni.md", "VNI Windows"),
])
def test_legacy_encodings_are_errors_that_name_the_encoding(name, encoding):
    (problem,) = problems_of(check_folder(SCENARIOS / "check_errors", SETTINGS), name)
    assert problem.code == "not-utf8" and problem.is_error
    assert f"bảng mã {encoding}" in str(problem)


READER_ERRORS = sorted(path.name for path in (SCENARIOS / "reader_errors").glob("*.md"))


@pytest.mark.parametrize("name", READER_ERRORS)
def test_every_error_of_the_build_is_found_by_the_check(tmp_path, name):
    content = tmp_path / "content"
    (content / "tin-tuc").mkdir(parents=True)
    shutil.copy(SCENARIOS / "reader_errors" / name, content / "tin-tuc" / name)
    site = build(tmp_path / "site", content)
    assert not site.ok
    problems = check_folder(content, SETTINGS)
    errors = [problem for problem in problems if problem.is_error]
    assert errors, name
    for problem in errors:
        assert Path(problem.path).name == name
        # Same words as the build: the message after the path (the paths differ in form).
        said = str(problem).split(": ", 1)[1]
        assert any(said in message for message in site.errors), (said, site.errors)


def test_only_reports_the_given_files_but_compares_with_all(tmp_path):
    content = tmp_path / "content"
    older = write(content, "tin-tuc/a.md",
                  HEADER.format(title="Hội nghị", date="02/11/2022 08:00") + "\nA.\n")
    newer = write(content, "tin-tuc/b.md",
                  HEADER.format(title="Hội nghị", date="02/11/2022 15:00")
                  + "Tóm tắt:\n\nB.\n")
    write(content, "tin-tuc/c.md", "Tiêu đề: Thiếu ngày\n\nC.\n")
    problems = check_folder(content, SETTINGS, only=[newer])
    assert {Path(problem.path).name for problem in problems} == {"b.md"}
    assert {problem.code for problem in problems} == {"duplicate-title"}
    assert "a.md" in next(p for p in problems if p.code == "duplicate-title").message
    assert {p.code for p in check_folder(content, SETTINGS, only=[older])} == {"duplicate-title"}
    assert run_check(content, SETTINGS).errors == 2  # c.md: no date, no category


def test_code_samples_are_not_checked(tmp_path):
    content = tmp_path / "content"
    write(content, "tin-tuc/mau.md", HEADER.format(title="Mẫu", date="01/11/2022")
          + "\nCách chèn ảnh:\n\n```\n![]({static}/images/khong-co.jpg)\n```\n"
          + "\n![](images/that-su-thieu.jpg)\n")
    problems = check_folder(content, SETTINGS)
    assert [(p.line, p.code) for p in problems] == [(11, "image-without-alt"),
                                                    (11, "missing-file")]


def test_unknown_categories_are_not_checked_without_a_list(tmp_path):
    content = tmp_path / "content"
    write(content, "tin-tuc/a.md", HEADER.replace("Hoạt động Đoàn", "Gì cũng được").format(
        title="A", date="01/11/2022") + "\nA.\n")
    assert check_folder(content, {**SETTINGS, "NEWS_CATEGORIES": []}) == []
    assert [p.code for p in check_folder(content, SETTINGS)] == ["unknown-category"]


def test_excluded_folders_are_not_content(tmp_path):
    content = tmp_path / "content"
    write(content, "images/ghi-chu.md", "không phải bài")
    write(content, "data/bang.txt", "dữ liệu")
    write(content, "extra/robots.txt", "User-agent: *")
    assert run_check(content, SETTINGS).files_checked == 0
    assert check_folder(content, SETTINGS) == []


def test_fix_normalises_to_nfc_and_keeps_the_original(tmp_path):
    content = tmp_path / "content"
    original = ("\ufeff" + unicodedata.normalize(
        "NFD", HEADER.format(title="Bài gõ tổ hợp", date="01/11/2022") + "\nĐoàn viên.\n")
    ).replace("\n", "\r\n").encode("utf-8")
    path = write(content, "tin-tuc/to-hop.md", original)
    nfc_file = write(content, "tin-tuc/dung-san.md",
                     HEADER.format(title="Bài dựng sẵn", date="01/11/2022") + "\nA.\n")
    legacy = write(content, "tin-tuc/cu.md", (SCENARIOS / "check_errors" /
                                              "not-utf8-tcvn3.md").read_bytes())
    nfc_before, legacy_before = nfc_file.read_bytes(), legacy.read_bytes()

    fixed = fix_normalisation(content, SETTINGS)

    assert [Path(item.path).name for item in fixed] == ["to-hop.md"]
    backup = path.with_name("to-hop.md.bak")
    assert Path(fixed[0].backup).resolve() == backup.resolve()
    assert backup.read_bytes() == original
    data = path.read_bytes()
    assert data == unicodedata.normalize("NFC", original.decode("utf-8")).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # only the form changed
    assert nfc_file.read_bytes() == nfc_before and legacy.read_bytes() == legacy_before
    assert "not-nfc" not in {problem.code for problem in check_folder(content, SETTINGS)}
    # A second fix keeps the first backup: the next one gets its own name.
    path.write_bytes(original)
    (second,) = fix_normalisation(content, SETTINGS)
    assert second.backup.endswith("to-hop.md.2.bak") and backup.read_bytes() == original


def test_the_fixed_file_builds_like_the_nfd_one(tmp_path):
    source = WARNINGS / "tin-tuc" / "nfd-text.md"
    content = tmp_path / "content"
    write(content, "tin-tuc/nfd-text.md", source.read_bytes())
    before = build(tmp_path / "before", content)
    fix_normalisation(content, SETTINGS)
    after = build(tmp_path / "after", content)
    assert before.ok and after.ok
    page = "bai-go-unicode-to-hop.html"
    assert before.read(page) == after.read(page)


def test_messages_are_nfc_and_codes_stable(warnings):
    for problem in warnings + check_folder(SCENARIOS / "check_errors", SETTINGS):
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", problem.code)
        assert unicodedata.is_normalized("NFC", problem.message + problem.hint)


def test_reports_count_errors_and_warnings(warnings):
    result = CheckResult(warnings + check_folder(SCENARIOS / "check_errors", SETTINGS), 34)
    text = report_text(result)
    assert text.splitlines()[-1] == (
        f"Đã kiểm tra 34 tệp: 3 lỗi, {len(warnings)} cảnh báo "
        "(có lỗi: trang sẽ không dựng được cho tới khi sửa xong)."
    )
    data = report_json(result)
    assert (data["errors"], data["warnings"], data["files_checked"]) == (3, len(warnings), 34)
    assert {"path", "line", "code", "message", "hint", "level"} <= set(data["problems"][0])


def test_the_sample_content_has_no_error():
    result = run_check(PROJECT / "content", SETTINGS)
    assert result.errors == 0, report_text(result)


def test_a_file_an_article_links_is_not_a_stray_file():
    """`{attach}van-ban.pdf` beside its article: published with it, so no warning."""
    problems = check_folder(SCENARIOS / "every_feature", SETTINGS)
    assert problems == []
