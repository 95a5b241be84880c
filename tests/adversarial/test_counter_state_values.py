"""Issue 18, item 10: a state file whose values cannot be right, and a state folder that
cannot be written. Both stop the counting with a Vietnamese message naming the file and what
to do, like a damaged state file; nothing is reset, nothing is half done.
"""

import contextlib
import json
import subprocess
from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import SETTINGS_FILE, run_pelican_cli
from counter_fixtures import site
from counter_fixtures.logs import GUESTS, Hit, lines_of, vn, write_log
from counter_fixtures.site import ARTICLES, SIMPLE_THEME
from pelican.settings import read_settings

from tintuc.counter_report import CounterSettings, refresh
from tintuc.counter_state import CounterStateError

theme, counter_site = site.theme, site.counter_site  # pytest fixtures


def traffic() -> list[Hit]:
    start = vn("13/11/2022 21:00")
    return [Hit(f"203.0.113.{n % 5}", GUESTS[n % 4], start + timedelta(minutes=9 * n),
                "/bai-a.html") for n in range(12)]


def config(tmp_path) -> CounterSettings:
    return CounterSettings(logs=(str(tmp_path / "logs" / "access.log*"),),
                           state=tmp_path / "state" / "counter.json",
                           now=int(vn("14/11/2022 08:00").timestamp()))


def counted_state(tmp_path) -> dict:
    """A real state file, counted from logs, as JSON."""
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic()))
    refresh(config(tmp_path))
    return json.loads((tmp_path / "state" / "counter.json").read_text())


def damage(data: dict, where: str, value) -> None:
    """Set one value: `where` is a dotted path; numbers index lists; `*` is the first key."""
    *parents, last = where.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[next(iter(data)) if part == "*"
                                                           else part]
    if last.isdigit():
        data[int(last)] = value
    else:
        data[next(iter(data)) if last == "*" else last] = value


@pytest.mark.parametrize(("where", "value", "words"), [
    ("after_baseline.0", -3, "“after_baseline” có số âm (-3)"),
    ("daily.*.1", -1, "có số âm (-1)"),
    ("views.*.*", -7, "có số âm (-7)"),
    ("files.0.offset", -1, "“files.offset” có số âm"),
    ("as_of", -5, "“as_of” có thời điểm không thể có (-5)"),
    ("as_of", 1 << 40, "“as_of” có thời điểm không thể có"),
    ("settled_until", 4_102_444_800, "“settled_until” muộn hơn “as_of”"),  # 2100
    ("pending.0.0", 4_102_444_800, "“pending” muộn hơn “as_of”"),
    ("last_visits.*", 4_102_444_800, "“last_visits” muộn hơn “as_of”"),
    ("files.0.newest", -1, "“newest” có thời điểm không thể có"),
])
def test_values_that_cannot_be_right_are_refused(tmp_path, where, value, words):
    data = counted_state(tmp_path)
    damage(data, where, value)
    state = tmp_path / "state" / "counter.json"
    state.write_text(json.dumps(data))
    before = state.read_bytes()
    with pytest.raises(CounterStateError) as raised:
        refresh(config(tmp_path))
    message = str(raised.value)
    assert words in message
    assert str(state) in message and "bị hỏng" in message and "sao lưu" in message
    assert state.read_bytes() == before  # never reset, never overwritten


def test_the_counted_state_itself_is_accepted(tmp_path):
    counted_state(tmp_path)
    assert refresh(config(tmp_path)).state_existed
    # The baseline is the operator's setting, kept as given, even before 1970.
    early = replace(config(tmp_path), baseline_total=5, baseline_at=-86_400)
    assert refresh(early).state_existed and refresh(early).figures.total == 5 + 12


@contextlib.contextmanager
def unwritable(folder):
    """The folder made immutable: even root cannot create a file in it."""
    folder.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {made.stderr.strip()}")
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_bytes(b"")
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def assert_told_before_counting(message: str, state) -> None:
    assert f"Không ghi được tệp trạng thái bộ đếm truy cập {state}" in message
    assert "trước khi đếm" in message and "quyền ghi" in message


def test_an_unwritable_state_folder_stops_before_counting(tmp_path):
    settings = config(tmp_path)
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic()))
    with unwritable(settings.state.parent) as folder:
        with pytest.raises(CounterStateError) as raised:
            refresh(settings)
        assert_told_before_counting(str(raised.value), settings.state)
        assert list(folder.iterdir()) == []


def test_a_state_folder_that_is_a_file_is_told(tmp_path):
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic()))
    (tmp_path / "state").write_text("not a folder")
    with pytest.raises(CounterStateError) as raised:
        refresh(config(tmp_path))
    assert_told_before_counting(str(raised.value), tmp_path / "state" / "counter.json")
    assert (tmp_path / "state").read_text() == "not a folder"


def test_an_unwritable_state_folder_stops_the_build(counter_site, tmp_path):
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic()))
    with unwritable(tmp_path / "state"):
        built = counter_site()
    assert isinstance(built.exception, CounterStateError)
    assert_told_before_counting(str(built.exception), tmp_path / "state" / "counter.json")
    assert not (built.output / "index.html").exists()


def test_an_unwritable_state_folder_fails_the_command_line_without_a_traceback(tmp_path,
                                                                                theme):
    content = tmp_path / "content"
    for relpath, text in ARTICLES.items():
        (content / relpath).parent.mkdir(parents=True, exist_ok=True)
        (content / relpath).write_text(text, encoding="utf-8")
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic()))
    state = tmp_path / "state" / "counter.json"
    plugins = read_settings(str(SETTINGS_FILE))["PLUGINS"]
    with unwritable(state.parent):
        result = run_pelican_cli(
            content, tmp_path / "out", "-e",
            "PLUGINS=" + json.dumps(plugins),
            "THEME=" + json.dumps(str(SIMPLE_THEME)),
            "THEME_TEMPLATES_OVERRIDES=" + json.dumps([str(theme)]),
            "VISITOR_COUNTER_STATE=" + json.dumps(str(state)),
            "VISITOR_COUNTER_LOGS=" + json.dumps([f"{tmp_path}/logs/access.log*"]),
        )
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "Không ghi được tệp trạng thái bộ đếm truy cập" in said and "quyền ghi" in said
    assert "Traceback" not in said
