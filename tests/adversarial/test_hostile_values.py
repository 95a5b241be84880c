"""Values editors type that become paths, and text no page can hold (issue 18, items 3 and 9).

Each case is one article (or page) beside a harmless one, built for real: the build must stop
with an error naming the file and the line, `invoke check` must report the same problem at the
same line, and nothing may be read from outside the content folder (a secret file sits right
next to it) or written outside the output folder.
"""

import pytest
from conftest import build

from tintuc.checker import run_check
from tintuc.files import load_settings

from .conftest import PROJECT, SECRET, files_outside, plant_secret

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
HEAD = "Tiêu đề: {title}\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n"
HARMLESS = HEAD.format(title="Bài bình thường") + "\nNội dung.\n"


def article(extra: str = "", body: str = "Nội dung.", title: str = "Bài có vấn đề") -> str:
    return HEAD.format(title=title) + extra + "\n" + body + "\n"


NESTED_LIST = "\n".join("    " * level + "- mục" for level in range(400))

# (name, relative path, text, problem code, line of the problem)
CASES = [
    ("language-climbs-out", "tin-tuc/bai.md", article("Ngôn ngữ: x/../index\n"), "bad-lang", 4),
    ("language-absolute", "tin-tuc/bai.md", article("Ngôn ngữ: /etc\n"), "bad-lang", 4),
    ("template-climbs-out", "pages/trang.md",
     "Tiêu đề: Trang\nMẫu trang: ../../etc/passwd\n\nNội dung.\n", "bad-template", 2),
    ("template-in-a-folder", "pages/trang.md",
     "Tiêu đề: Trang\nMẫu trang: partials/header\n\nNội dung.\n", "bad-template", 2),
    ("static-link-climbs-out", "tin-tuc/bai.md",
     article(body="Tải [tệp]({static}/../secret.txt) về."), "link-outside", 5),
    ("attach-link-climbs-out", "tin-tuc/bai.md",
     article(body="Dòng một.\n\n![ảnh]({attach}../../secret.txt)"), "link-outside", 7),
    ("static-link-percent-encoded", "tin-tuc/bai.md",
     article(body="[x]({static}/%2e%2e/secret.txt)"), "link-outside", 5),
    ("static-link-backslashes", "tin-tuc/bai.md",
     article(body="[x]({static}/..\\secret.txt)"), "link-outside", 5),
    ("featured-image-climbs-out", "tin-tuc/bai.md",
     article("Ảnh đại diện: {static}/images/../../secret.txt\n"), "bad-image", 4),
    ("old-address-climbs-out", "tin-tuc/bai.md",
     article("Đường dẫn cũ: /news/../../index.html\n"), "bad-legacy-url", 4),
    ("old-address-javascript", "tin-tuc/bai.md",
     article("Đường dẫn cũ: javascript:alert(1)\n"), "bad-legacy-url", 4),
    ("old-address-control-character", "tin-tuc/bai.md",
     article("Đường dẫn cũ: /news/a%0Ab.html\n"), "bad-legacy-url", 4),
    ("slug-too-long", "tin-tuc/bai.md", article("Đường dẫn: " + "a" * 300 + "\n"), "bad-slug", 4),
    ("category-over-255-bytes", "tin-tuc/bai.md",
     HEAD.replace("Hoạt động Đoàn", "Đoàn " * 60).format(title="Bài") + "\nx\n",
     "bad-category", 3),
    ("tag-over-255-bytes", "tin-tuc/bai.md", article("Thẻ: ngắn, " + "Thanh niên " * 30 + "\n"),
     "bad-tags", 4),
    ("author-over-255-bytes", "tin-tuc/bai.md", article("Tác giả: " + "Nguyễn Văn " * 30 + "\n"),
     "bad-authors", 4),
    ("tag-without-letters", "tin-tuc/bai.md", article("Thẻ: Đoàn, !!!\n"), "bad-tags", 4),
    ("nul-in-title", "tin-tuc/bai.md", article(title="Tiêu\x00đề"), "control-character", 1),
    ("escape-character-in-body", "tin-tuc/bai.md", article(body="Dòng\x1b[31m đỏ"),
     "control-character", 5),
    ("list-nested-400-levels", "tin-tuc/bai.md", article(body=NESTED_LIST), "too-deep", 21),
    ("quote-nested-100-levels", "tin-tuc/bai.md", article(body="> " * 100 + "trích"),
     "too-deep", 5),
    ("six-thousand-open-brackets", "tin-tuc/bai.md", article(body="[" * 6000 + "a"),
     "too-many-brackets", 5),
]


@pytest.mark.parametrize(("name", "relative", "text", "code", "line"), CASES,
                         ids=[case[0] for case in CASES])
def test_refused_with_file_and_line_by_build_and_check(tmp_path, name, relative, text, code,
                                                       line):
    root = tmp_path / "site"
    plant_secret(root)
    files = {relative: text, "tin-tuc/binh-thuong.md": HARMLESS}
    site = build(root, files, {"SEARCH_INDEX": {"enabled": False}})

    assert not site.ok, f"{name}: the build went through"
    where = f"{relative}:{line}: lỗi:"
    assert any(where in message for message in site.errors), (where, site.errors)
    assert files_outside(root) == [], "something was written outside the output folder"
    if site.output.exists():
        assert not any(SECRET in path.read_bytes() for path in site.output.rglob("*")
                       if path.is_file())

    problems = [problem for problem in run_check(site.content, SETTINGS).problems
                if problem.is_error]
    assert [(problem.code, problem.line) for problem in problems] == [(code, line)], problems
    assert problems[0].path.endswith(relative)
