"""Symbolic links never bring a file from outside the content folder onto the site
(issue 18, item 1): `invoke check`, the build and the publishing gate each refuse them, naming
the link; no byte of what they point at is read into a message or copied into the output."""

import os
import subprocess
import sys

import pytest
from conftest import build

from tintuc.checker import run_check
from tintuc.files import load_settings
from tintuc_tools import gates

from .conftest import PROJECT, SECRET, files_outside, plant_secret

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
ARTICLE = ("Tiêu đề: Bài bình thường\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n"
           "\nNội dung.\n")
# The secret as a Markdown file would look: a build that read it would print its lines.
SECRET_ARTICLE = b"Tieu de: " + SECRET + b"\nroot:x:0:0:root:/root:/bin/bash\n"


def link(path, target) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


# (name, link inside content, where it points, relative to the site's root folder)
LINKS = [
    ("file-outside", "images/passwd.txt", "secret.txt"),
    ("article-outside", "tin-tuc/bai-mat.md", "secret.md"),
    ("folder-outside", "images/ngoai", "."),
    ("system-file", "images/hosts.txt", "/etc/hosts"),
    ("folder-loop", "images/vong", "content/images"),
    ("dangling", "images/mat-tich.jpg", "khong-co.jpg"),
]


@pytest.fixture(params=LINKS, ids=[case[0] for case in LINKS])
def linked_site(request, tmp_path):
    _name, inside, target = request.param
    root = tmp_path / "site"
    plant_secret(root)
    (root / "secret.md").write_bytes(SECRET_ARTICLE)
    content = root / "content"
    (content / "tin-tuc").mkdir(parents=True)
    (content / "tin-tuc" / "bai.md").write_text(ARTICLE, encoding="utf-8")
    link(content / inside, target if target.startswith("/") else root / target)
    return root, content, f"content/{inside}"


def test_the_build_stops_before_reading_anything(linked_site):
    root, content, shown = linked_site
    site = build(root, content, {"SEARCH_INDEX": {"enabled": False}}, copy=False)
    assert not site.ok
    assert any(f"{shown}:1: lỗi:" in message and "symlink" in message
               for message in site.errors), site.errors
    assert not any(SECRET.decode() in text or "root:x:0" in text for _, text in site.messages)
    assert files_outside(root) == []
    assert not site.output.exists() or not any(site.output.iterdir())


def test_check_names_the_link_and_reads_nothing_through_it(linked_site):
    _root, content, shown = linked_site
    result = run_check(content, SETTINGS)
    errors = [problem for problem in result.problems if problem.is_error]
    assert [(problem.line, problem.code) for problem in errors] == [(1, "symlink")]
    assert errors[0].path.endswith(shown)
    assert not any(SECRET.decode() in str(problem) or "root:x" in str(problem)
                   for problem in result.problems)


def test_check_command_exits_non_zero(linked_site):
    _root, content, shown = linked_site
    done = subprocess.run([sys.executable, "-m", "tintuc_tools.check_files", "--path",
                           str(content)], cwd=PROJECT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stdout
    assert "symlink" in done.stdout and shown.split("/", 1)[1] in done.stdout


def test_a_link_inside_the_content_folder_to_a_file_is_fine(tmp_path):
    root = tmp_path / "site"
    content = root / "content"
    (content / "tin-tuc").mkdir(parents=True)
    (content / "tin-tuc" / "bai.md").write_text(ARTICLE, encoding="utf-8")
    (content / "images").mkdir()
    (content / "images" / "goc.txt").write_text("tệp thật", encoding="utf-8")
    link(content / "images" / "ban-sao.txt", "goc.txt")
    assert [problem for problem in run_check(content, SETTINGS).problems if problem.is_error] \
        == []
    site = build(root, content, {"SEARCH_INDEX": {"enabled": False}}, copy=False)
    assert site.ok, site.errors
    assert site.read("images/ban-sao.txt") == "tệp thật"


def test_the_publishing_gate_refuses_links_in_the_output(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    os.symlink("/etc/hosts", output / "hosts.txt")
    findings = gates.check_files(output)
    assert [(finding.path, finding.line) for finding in findings] == [("hosts.txt", 0)]
    assert "symlink" in findings[0].message
