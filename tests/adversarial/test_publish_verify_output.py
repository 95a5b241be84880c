"""Issue 18, item 11 (e): `invoke verify --output` of something that is not a built site.

Every gate passes over an empty folder (no page has a broken link), so a mistyped path used to
read as "every gate passed". It must fail, and say why.
"""

import shutil

import pytest
from conftest import write_files
from test_publish import invoke

CASES = {
    "missing": (lambda folder: None, "Không có thư mục"),
    "empty": (lambda folder: folder.mkdir(), "trống"),
    "no-index": (lambda folder: write_files(folder, {"tin-mot.html": "<!DOCTYPE html>"}),
                 "không có index.html"),
    "a-file": (lambda folder: folder.write_text("không phải thư mục"), "là một tệp"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_verify_output_of_what_is_not_a_site_fails_and_says_why(tmp_path, case):
    make, phrase = CASES[case]
    folder = tmp_path / "output"
    make(folder)
    run = invoke("verify", "--output", str(folder))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "✗ " in run.stdout and str(folder) in run.stdout and phrase in run.stdout, run.stdout
    assert "Mọi bước kiểm tra đều đạt" not in run.stdout
    assert "Traceback" not in run.stderr


def test_verify_output_of_a_built_site_still_passes(tmp_path):
    from test_publish import make_content, publish

    live = tmp_path / "www" / "tintuc"
    run = publish(make_content(tmp_path), f"folder:{live}")
    assert run.returncode == 0, run.stdout + run.stderr
    built = tmp_path / "built"
    shutil.copytree(live, built)
    run = invoke("verify", "--output", str(built))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Mọi bước kiểm tra đều đạt" in run.stdout
