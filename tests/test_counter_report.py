"""The operator's view (`invoke counter`) and the counter's settings (issue 4)."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from counter_fixtures.logs import (
    BOTS,
    GUESTS,
    VIETNAM,
    Hit,
    expected,
    lines_of,
    visits,
    vn,
    write_log,
)

from tintuc.counter_report import (
    CounterSettings,
    CounterSettingsError,
    format_number,
    show,
)
from tintuc.files import load_settings as read_settings_file


def test_show_prints_the_six_figures_and_thirty_days(tmp_path):
    start = vn("28/10/2022 20:00")
    hits = []
    for day in range(6):  # across the month's end, one day missing
        if day == 3:
            continue
        for n in range(day + 2):
            at = start + timedelta(days=day, minutes=40 * n)
            hits.append(Hit(f"203.0.113.{n}", GUESTS[n % 4], at, "/"))
            hits.append(Hit("66.249.66.1", BOTS[0], at, "/bai.html"))
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    settings = {"VISITOR_COUNTER_LOGS": [str(tmp_path / "logs" / "*.log")],
                "VISITOR_COUNTER_STATE": str(tmp_path / "counter.json"),
                "VISITOR_COUNTER_BASELINE": {"total": 1000, "as_of": "01/01/2020 00:00"}}
    out = io.StringIO()
    snapshot = show(settings, out)
    text = out.getvalue()
    want = expected(hits, baseline_total=1000, baseline_at=vn("01/01/2020 00:00"))
    assert f"cập nhật: {want.as_of:%d/%m/%Y %H:%M}" in text
    for label, value in want.labelled():
        assert any(line.split() == [*label.split(), value] for line in text.splitlines())

    per_day = Counter((hit.time.astimezone(VIETNAM).date(), hit.bot) for hit in visits(hits))
    table = snapshot.day_table()
    assert len(table) == 30
    last = want.as_of.astimezone(VIETNAM).date()
    for offset, (day, guests, bots) in enumerate(table):
        date = last - timedelta(days=offset)
        assert (day, guests, bots) == (f"{date:%d/%m/%Y}", per_day[(date, False)],
                                       per_day[(date, True)])
        total = format_number(guests + bots)
        assert any(line.split() == [day, str(guests), str(bots), total]
                   for line in text.splitlines())


def test_the_settings_file_is_read_without_pelican(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text('VISITOR_COUNTER_LOGS = ["a/*.log"]\nSITEURL = "https://x.vn/tin"\n'
                    'lower = 1\n', encoding="utf-8")
    values = read_settings_file(conf)
    assert values == {"VISITOR_COUNTER_LOGS": ["a/*.log"], "SITEURL": "https://x.vn/tin"}
    config = CounterSettings.from_mapping(values)
    assert config.site_prefix == "/tin"
    assert config.site_path("bai-a.html") == "/tin/bai-a.html"


def test_defaults():
    config = CounterSettings.from_mapping({})
    assert (config.enabled, config.count_bots, config.thousands_sep, config.logs,
            config.state, config.baseline_at) == (True, True, ",", (), None, None)


@pytest.mark.parametrize(("settings", "words"), [
    ({"VISITOR_COUNTER_LOGS": [1]}, "VISITOR_COUNTER_LOGS"),
    ({"VISITOR_COUNTER_BASELINE": {"total": 5}}, "as_of"),
    ({"VISITOR_COUNTER_BASELINE": {"total": -1, "as_of": "13/11/2022"}}, "total"),
    ({"VISITOR_COUNTER_BASELINE": {"total": 5, "as_of": "31/02/2022"}}, "không tồn tại"),
    ({"VISITOR_COUNTER_BASELINE": {"tong": 5}}, "VISITOR_COUNTER_BASELINE"),
    ({"VISITOR_COUNTER_COUNT_BOTS": "có lẽ"}, "VISITOR_COUNTER_COUNT_BOTS"),
    ({"VISITOR_COUNTER_MOST_READ_DAYS": 0}, "VISITOR_COUNTER_MOST_READ_DAYS"),
    ({"VISITOR_COUNTER_THOUSANDS_SEP": 1}, "VISITOR_COUNTER_THOUSANDS_SEP"),
])
def test_wrong_settings_are_told_in_vietnamese(settings, words):
    with pytest.raises(CounterSettingsError, match=words):
        CounterSettings.from_mapping(settings)


def test_a_baseline_given_as_text_with_separators():
    config = CounterSettings.from_mapping(
        {"VISITOR_COUNTER_BASELINE": {"total": "7,558,632", "as_of": "13/11/2022 21:12"}})
    assert config.baseline_total == 7_558_632
    assert config.baseline_at == int(vn("13/11/2022 21:12").timestamp())
