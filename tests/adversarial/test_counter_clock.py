"""Issue 18, item 10: times that cannot be right, against the build's clock.

A log line dated 2100 froze "Cập nhật" and "Hôm nay" on that day for good. The clock is pinned
with `NEWS_BUILD_TIME`, as a site would pin it, never by patching time.
"""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import PROJECT
from counter_fixtures import site
from counter_fixtures.logs import GUESTS, Hit, expected, lines_of, vn, write_log
from counter_fixtures.site import counter_block

from tintuc.counter_report import CounterSettings, CounterSettingsError, refresh
from tintuc.counter_state import CounterStateError, load_state
from tintuc.visits import CLOCK_SKEW

theme, counter_site = site.theme, site.counter_site  # pytest fixtures
INVOKE = Path(sys.executable).with_name("invoke")
NOW = "13/11/2022 22:30"


def readers(count: int = 10) -> list[Hit]:
    start = vn("13/11/2022 21:00")
    return [Hit(f"203.0.113.{n}", GUESTS[n % 4], start + timedelta(minutes=7 * n),
                "/bai-a.html") for n in range(count)]


def from_the_future() -> list[Hit]:
    return [Hit("198.51.100.1", GUESTS[0], vn("01/01/2100 08:00"), "/"),
            Hit("198.51.100.2", GUESTS[1], vn(NOW) + timedelta(seconds=CLOCK_SKEW + 60), "/"),
            Hit("198.51.100.1", GUESTS[0], vn("02/01/2100 08:00"), "/bai-b.html")]


def settings(tmp_path, **extra) -> dict:
    return {"VISITOR_COUNTER_LOGS": [str(tmp_path / "logs" / "access.log*")],
            "VISITOR_COUNTER_STATE": str(tmp_path / "state" / "counter.json"),
            "NEWS_BUILD_TIME": NOW, **extra}


def test_lines_from_the_future_are_ignored_and_told_once(counter_site, tmp_path):
    hits, future = readers(), from_the_future()
    log = write_log(tmp_path / "logs" / "access.log",
                    lines_of(hits[:5]) + lines_of(future[:1]) + lines_of(hits[5:] + future[1:]))
    built = counter_site(NEWS_BUILD_TIME=NOW)
    assert built.ok, built.messages
    want = expected(hits)
    _, figures, updated = counter_block(built)
    assert figures == want.labelled()
    assert updated == f"Cập nhật: {want.as_of:%d/%m/%Y %H:%M}"  # 13/11/2022, not 2100
    told = [text for text in built.warnings if "muộn hơn đồng hồ" in text]
    assert len(told) == 1
    assert "bỏ qua 3 dòng" in told[0] and f"{log}:6 (01/01/2100 08:00)" in told[0]
    assert "13/11/2022 22:30" in told[0]

    # They were read once: the next build neither counts nor tells them again.
    again = counter_site(NEWS_BUILD_TIME="14/11/2022 08:00")
    assert counter_block(again)[1] == want.labelled()
    assert not [text for text in again.warnings if "muộn hơn đồng hồ" in text]


def test_the_tolerance_is_an_hour_either_side_of_it(tmp_path):
    now = vn(NOW)
    inside = Hit("198.51.100.3", GUESTS[2], now + timedelta(seconds=CLOCK_SKEW), "/")
    outside = Hit("198.51.100.4", GUESTS[3], now + timedelta(seconds=CLOCK_SKEW + 1), "/")
    write_log(tmp_path / "logs" / "access.log", lines_of([*readers(), inside, outside]))
    snapshot = refresh(CounterSettings.from_mapping(settings(tmp_path)))
    assert snapshot.tally.as_of == int(inside.time.timestamp())
    assert snapshot.report.future == 1


def test_invoke_counter_uses_the_same_clock(tmp_path):
    write_log(tmp_path / "logs" / "access.log", lines_of(readers() + from_the_future()))
    conf = tmp_path / "conf.py"
    conf.write_text("".join(f"{name} = {json.dumps(value)}\n"
                            for name, value in settings(tmp_path).items()), encoding="utf-8")
    result = subprocess.run([str(INVOKE), "--search-root", str(PROJECT), "counter",
                             "--settings", str(conf)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"cập nhật: {expected(readers()).as_of:%d/%m/%Y %H:%M}" in result.stdout
    assert "bỏ qua 3 dòng nhật ký ghi thời điểm muộn hơn" in result.stdout


def test_a_state_counted_past_the_clock_is_refused(tmp_path):
    write_log(tmp_path / "logs" / "access.log", lines_of(readers()))
    refresh(CounterSettings.from_mapping(settings(tmp_path, NEWS_BUILD_TIME="01/01/2100")))
    state = tmp_path / "state" / "counter.json"
    before = state.read_bytes()
    with pytest.raises(CounterStateError) as raised:
        refresh(CounterSettings.from_mapping(settings(tmp_path, NEWS_BUILD_TIME="13/11/2022")))
    message = str(raised.value)
    assert str(state) in message and "13/11/2022 22:03" in message  # its as of
    assert "đồng hồ" in message and "NEWS_BUILD_TIME" in message and "sao lưu" in message
    assert state.read_bytes() == before
    # With the right clock it is used as it is.
    assert refresh(CounterSettings.from_mapping(settings(tmp_path))).state_existed
    assert load_state(state, latest=int(vn(NOW).timestamp()))[1]


def test_a_baseline_in_the_future_is_refused():
    baseline = {"total": 7_558_632, "as_of": "13/11/2100 21:12"}
    with pytest.raises(CounterSettingsError, match="muộn hơn đồng hồ của bản dựng"):
        CounterSettings.from_mapping({"VISITOR_COUNTER_BASELINE": baseline})
    # Against a pinned clock too; a moment in its past is accepted.
    with pytest.raises(CounterSettingsError, match="13/11/2100 21:12"):
        CounterSettings.from_mapping({"VISITOR_COUNTER_BASELINE": baseline,
                                      "NEWS_BUILD_TIME": NOW})
    baseline["as_of"] = "13/11/2022 21:12"
    assert CounterSettings.from_mapping({"VISITOR_COUNTER_BASELINE": baseline,
                                         "NEWS_BUILD_TIME": NOW}).baseline_total == 7_558_632


@pytest.mark.parametrize("value", ["31/02/2022", "hôm nay", 2022])
def test_a_build_time_that_cannot_be_read_is_told(value):
    with pytest.raises(CounterSettingsError, match="NEWS_BUILD_TIME"):
        CounterSettings.from_mapping({"NEWS_BUILD_TIME": value})
