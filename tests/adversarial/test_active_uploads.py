"""Uploaded files a browser would run are never published (issue 18, item 8).

An SVG holding `<script>` or `onload=` under content/images was copied as is; opened from the
site's address it runs with the site's rights, and GitHub Pages sends no Content-Security-
Policy to stop it. `invoke check`, the build and the `files` publishing gate each refuse such a
file with the line of what they found; a plain drawing goes through untouched.
"""

import shutil

import pytest
from conftest import build

from tintuc.active_content import findings_for
from tintuc.checker import run_check
from tintuc.files import load_settings
from tintuc_tools import gates

from .conftest import PROJECT

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
ARTICLE = ("Tiêu đề: Bài có hình\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n\n"
           "![Biểu đồ]({static}/images/bieu-do.svg)\n")
PLAIN = SVG + '<rect width="10" height="10" fill="#c8102e"/>\n<use href="#a"/></svg>\n'

# (name, file name under images/, bytes, line of the first finding)
HOSTILE = [
    ("script-element", "bieu-do.svg", SVG + "<script>alert(document.cookie)</script></svg>", 2),
    ("onload-attribute", "bieu-do.svg", SVG + '<rect onload="alert(1)"/></svg>', 2),
    ("javascript-link-split-by-newline", "bieu-do.svg",
     SVG + '<a xlink:href="java\nscript:alert(1)"><text>x</text></a></svg>', 2),
    ("foreign-object-html", "bieu-do.svg",
     SVG + '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" '
     'onerror="alert(1)"/></foreignObject></svg>', 2),
    ("animation-rewrites-link", "bieu-do.svg",
     SVG + '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>', 2),
    ("entity-declarations", "bieu-do.svg",
     '<!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]>\n' + SVG + "&a;</svg>", 1),
    ("stylesheet-from-elsewhere", "bieu-do.svg",
     SVG + "<style>\n@import url(https://example.com/x.css);</style></svg>", 3),
    ("image-from-elsewhere", "bieu-do.svg",
     SVG + '<image href="https://tracker.example/p.png"/></svg>', 2),
    ("html-in-data-address", "bieu-do.svg",
     SVG + '<image href="data:text/html;base64,PHNjcmlwdD4="/></svg>', 2),
    ("uppercase-suffix", "bieu-do.SVG", SVG + "<script>alert(1)</script></svg>", 2),
    ("html-page-with-handler", "trang.html", '<p>Xin chào</p>\n<img src="a.png" onerror="x()">',
     2),
    ("javascript-file", "tien-ich.js", "alert(1)", 1),
    ("compressed-svg", "bieu-do.svgz", "\x1f\x8b", 1),
]


@pytest.mark.parametrize(("name", "file", "data", "line"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_refused_by_check_build_and_gate(tmp_path, name, file, data, line):
    files = {"tin-tuc/bai.md": ARTICLE.replace("bieu-do.svg", file),
             f"images/{file}": data.encode()}
    site = build(tmp_path, files, {"SEARCH_INDEX": {"enabled": False}})
    assert not site.ok, name
    assert any(f"images/{file}:{line}: lỗi:" in message for message in site.errors), site.errors
    assert not site.exists(f"images/{file}")

    problems = [problem for problem in run_check(site.content, SETTINGS).problems
                if problem.is_error]
    assert [(problem.code, problem.line) for problem in problems] == [("active-content", line)]

    # Whatever a build lets through, the gate reads the output itself.
    output = tmp_path / "published"
    (output / "images").mkdir(parents=True)
    shutil.copy(site.content / "images" / file, output / "images" / file)
    findings = gates.check_files(output, SETTINGS)
    assert [(finding.path, finding.line) for finding in findings] == [(f"images/{file}", line)]


def test_a_plain_drawing_is_published_untouched(tmp_path):
    files = {"tin-tuc/bai.md": ARTICLE, "images/bieu-do.svg": PLAIN.encode()}
    site = build(tmp_path, files, {"SEARCH_INDEX": {"enabled": False}})
    assert site.ok, site.errors
    assert site.read("images/bieu-do.svg") == PLAIN
    assert [problem for problem in run_check(site.content, SETTINGS).problems
            if problem.is_error] == []
    assert gates.check_files(site.output, SETTINGS) == []


def test_the_sites_own_scripts_feeds_and_pages_pass_the_gate(tmp_path):
    files = {"tin-tuc/bai.md": ARTICLE.replace("![Biểu đồ]({static}/images/bieu-do.svg)",
                                               "Nội dung.")}
    site = build(tmp_path, files, {"FEED_ALL_ATOM": "feeds/all.atom.xml"})
    assert site.ok, site.errors
    assert site.exists("theme/js/tin.js") and site.exists("feeds/all.atom.xml")
    assert gates.check_files(site.output, SETTINGS) == []


@pytest.mark.parametrize("data", [
    b"<svg><script>", b"\xff\xfe<svg/>", b"<svg xmlns='http://www.w3.org/2000/svg'>" * 5000,
])
def test_broken_or_huge_files_give_findings_not_tracebacks(data):
    assert findings_for("x.svg", data)
