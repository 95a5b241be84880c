"""Identical warnings told once per kind (issue 15), in real runs of `invoke check`,
`invoke build` and `pelican` over folders where dozens of files share a warning.

A kind given at more than three places is one line: its first place, the count, the next two
places and how to see them all; `--verbose` prints every one; `--json` keeps every one.
Errors are never grouped: each keeps its own line, even when dozens read the same.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, SETTINGS_FILE

from tintuc.problems import ERROR, WARNING, Problem
from tintuc.warning_groups import Group, group_problems
from tintuc_tools.bench import BENCH_SETTINGS

INVOKE = Path(sys.executable).with_name("invoke")
PELICAN = Path(sys.executable).with_name("pelican")
# Wide enough that Pelican's console never wraps a message: one record, one line.
WIDE = {**os.environ, "COLUMNS": "2000"}

COMMON = 40  # files in "Tin tức chung": grouped
FEW = 5  # files in "Gương sáng": grouped
LONE = 2  # files in "Thông báo": each on its own line
CATEGORIES = [("Tin tức chung", COMMON), ("Gương sáng", FEW), ("Thông báo", LONE)]


def write_site(content: Path, errors: int = 0, unknown_key: bool = False) -> list[str]:
    """Articles in categories the site does not list, `errors` files with one same error;
    the names of the files, in the order the check sorts them."""
    names, number = [], 0
    extra = "Lượt xem: 12\n" if unknown_key else ""
    for category, count in CATEGORIES:
        for _ in range(count):
            number += 1
            name = f"bai-{number:03d}.md"
            (content / "tin" / name).parent.mkdir(parents=True, exist_ok=True)
            (content / "tin" / name).write_text(
                f"Tiêu đề: Bài số {number}\nNgày đăng: {1 + number % 28:02d}/03/2024 08:00\n"
                f"Chuyên mục: {category}\n{extra}\nNội dung bài số {number}.\n",
                encoding="utf-8")
            names.append(name)
    for broken in range(errors):
        # The same impossible date in each: identical errors, still one line each.
        (content / "tin" / f"hong-{broken:02d}.md").write_text(
            f"Tiêu đề: Bài hỏng {broken}\nNgày đăng: 31/02/2024\nChuyên mục: Hoạt động Đoàn\n"
            f"{extra}\nNội dung.\n", encoding="utf-8")
    return names


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, env=WIDE,
                          timeout=300)


def invoke(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run(cwd, str(INVOKE), "--search-root", str(PROJECT), *args)


def lines_about(text: str, fragment: str) -> list[str]:
    return [line for line in text.splitlines() if fragment in line]


def named(line: str) -> list[str]:
    return re.findall(r"bai-\d{3}\.md:\d+", line)


def test_the_check_tells_each_kind_of_warning_once_with_its_count_and_first_files(tmp_path):
    names = write_site(tmp_path / "content")
    result = invoke(tmp_path, "check", "--path", "content")
    assert result.returncode == 0, result.stdout + result.stderr
    common = lines_about(result.stdout, "“Tin tức chung”")
    assert len(common) == 1
    assert common[0].startswith(f"content/tin/{names[0]}:3: cảnh báo: chuyên mục “Tin tức chung”")
    assert f"[{COMMON} lần; cũng gặp ở" in common[0]
    assert named(common[0]) == [f"{name}:3" for name in names[:3]]
    assert f"và {COMMON - 3} chỗ khác; in đủ từng chỗ: invoke check --verbose]" in common[0]
    few = lines_about(result.stdout, "“Gương sáng”")
    assert len(few) == 1 and f"[{FEW} lần;" in few[0]
    lone = lines_about(result.stdout, "“Thông báo”")
    assert [named(line) for line in lone] == [[f"{name}:3"] for name in names[-LONE:]]
    assert not any("lần;" in line for line in lone)
    total = COMMON + FEW + LONE
    assert f"Đã kiểm tra {total} tệp: 0 lỗi, {total} cảnh báo (không có lỗi)." in result.stdout
    assert len(result.stdout.splitlines()) == 1 + 1 + LONE + 1


def test_check_verbose_prints_every_warning_and_json_keeps_every_problem(tmp_path):
    names = write_site(tmp_path / "content")
    verbose = invoke(tmp_path, "check", "--path", "content", "--verbose")
    assert verbose.returncode == 0
    warned = [line for line in verbose.stdout.splitlines() if ": cảnh báo: chuyên mục" in line]
    assert [named(line)[0] for line in warned] == [f"{name}:3" for name in names]
    assert "lần;" not in verbose.stdout
    data = json.loads(invoke(tmp_path, "check", "--path", "content", "--json").stdout)
    assert len(data["problems"]) == data["warnings"] == len(names)


def test_errors_are_never_grouped_even_when_they_read_the_same(tmp_path):
    write_site(tmp_path / "content", errors=6)
    result = invoke(tmp_path, "check", "--path", "content")
    assert result.returncode == 1
    errors = lines_about(result.stdout, ": lỗi: “Ngày đăng”: ngày “31/02/2024” không tồn tại")
    assert [line.split(":")[0] for line in errors] == [
        f"content/tin/hong-{number:02d}.md" for number in range(6)]
    assert len(lines_about(result.stdout, "“Tin tức chung”")) == 1  # warnings still grouped
    assert "6 lỗi" in result.stdout


def build_options(tmp_path: Path) -> tuple[str, ...]:
    """The site's settings with the cache in tmp_path, as `invoke bench` builds."""
    settings = tmp_path / "settings.py"
    settings.write_text(BENCH_SETTINGS.format(settings=str(SETTINGS_FILE),
                                              theme=str(PROJECT / "theme"),
                                              cache=str(tmp_path / "cache")))
    return ("--content", str(tmp_path / "content"), "--output", str(tmp_path / "output"),
            "--settings", str(settings))


def test_the_build_stops_at_the_checks_errors_each_on_its_line(tmp_path):
    write_site(tmp_path / "content", errors=6)
    result = invoke(tmp_path, "build", *build_options(tmp_path))
    assert result.returncode == 1
    errors = lines_about(result.stdout, ": lỗi: “Ngày đăng”: ngày “31/02/2024” không tồn tại")
    assert len(errors) == 6
    assert len(lines_about(result.stdout, "“Tin tức chung”")) == 1
    assert "6 lỗi" in result.stdout and "invoke build --verbose" in result.stdout
    assert not (tmp_path / "output").exists()  # Pelican never started


def test_the_build_groups_the_readers_warnings_and_verbose_prints_them_all(tmp_path):
    names = write_site(tmp_path / "content", unknown_key=True)
    where = build_options(tmp_path)
    grouped = invoke(tmp_path, "build", *where)
    assert grouped.returncode == 0, grouped.stdout + grouped.stderr
    told = grouped.stdout + grouped.stderr
    # The check's lines and the reader's (Pelican's console), one per kind each.
    key_lines = lines_about(told, "khóa “Lượt xem”")
    assert len(key_lines) == 2
    for line in key_lines:
        assert f"{names[0]}:4: cảnh báo: khóa “Lượt xem”" in line
        assert f"[{len(names)} lần; cũng gặp ở" in line
        assert "in đủ từng chỗ: invoke build --verbose]" in line
    assert len(lines_about(told, "“Tin tức chung”")) == 1  # the check's alone
    assert (tmp_path / "output" / "index.html").exists()

    verbose = invoke(tmp_path, "build", *where, "--verbose")
    assert verbose.returncode == 0
    told = verbose.stdout + verbose.stderr
    key_lines = lines_about(told, "khóa “Lượt xem”")
    assert len(key_lines) == 2 * len(names)
    assert sorted({named(line)[0] for line in key_lines}) == [f"{name}:4" for name in names]
    assert "lần;" not in told


def pelican(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run(PROJECT, str(PELICAN), str(tmp_path / "content"), "-s", str(SETTINGS_FILE),
               "-o", str(tmp_path / "output"), "-e",
               f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}", *args)


def test_pelican_alone_groups_too_and_never_an_error(tmp_path):
    names = write_site(tmp_path / "content", errors=6, unknown_key=True)
    result = pelican(tmp_path)
    assert result.returncode == 1
    told = result.stdout + result.stderr
    key_lines = lines_about(told, "khóa “Lượt xem”")
    assert len(key_lines) == 1
    assert f"[{len(names) + 6} lần;" in key_lines[0]
    errors = lines_about(told, ": lỗi: “Ngày đăng”: ngày “31/02/2024” không tồn tại")
    assert sorted(re.search(r"hong-\d\d\.md", line)[0] for line in errors) == [
        f"hong-{number:02d}.md" for number in range(6)]
    # Told before the build's last word, not after it.
    last = told.rindex("BuildFailed")
    assert told.index("khóa “Lượt xem”") < last


def test_pelican_groups_nothing_when_told_not_to(tmp_path):
    names = write_site(tmp_path / "content", unknown_key=True)
    result = pelican(tmp_path, "NEWS_WARNING_GROUPS=0")
    assert result.returncode == 0, result.stdout + result.stderr
    key_lines = lines_about(result.stdout + result.stderr, "khóa “Lượt xem”")
    assert sorted(named(line)[0] for line in key_lines) == [f"{name}:4" for name in names]


def problem(path: str, level: str = WARNING, message: str = "chuyên mục lạ") -> Problem:
    return Problem(path, 3, "unknown-category", message, "chọn chuyên mục khác", level)


def test_a_kind_is_grouped_only_past_three_places_and_keeps_its_first_position():
    problems = ([problem(f"a{n}.md") for n in range(3)] + [problem("b.md", ERROR)]
                + [problem(f"c{n}.md", message="khác") for n in range(4)])
    told = group_problems(problems)
    assert told[:4] == problems[:4]
    assert isinstance(told[4], Group) and len(told) == 5
    assert told[4].places == [f"c{n}.md:3" for n in range(4)]
    assert told[4].line().startswith("c0.md:3: cảnh báo: khác. Cách sửa: chọn chuyên mục khác "
                                     "[4 lần; cũng gặp ở c1.md:3, c2.md:3 và 1 chỗ khác;")
