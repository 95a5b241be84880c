from datetime import datetime

import pytest

from tintuc.dates import (
    VIETNAM,
    DateError,
    build_clock,
    format_dateline,
    format_day,
    format_month,
    isoformat,
    parse_date,
)

NOV_13 = datetime(2022, 11, 13, 21, 12, tzinfo=VIETNAM)


@pytest.mark.parametrize("typed", [
    "13/11/2022 21:12", "13-11-2022 21:12", "Chủ nhật - 13/11/2022 21:12",
    "CHỦ NHẬT - 13/11/2022 21:12", "chu nhat - 13/11/2022 21:12", "CN - 13/11/2022 21:12",
    "2022-11-13 21:12", "2022-11-13T21:12:00+07:00", "2022-11-13T14:12:00Z",
    "2022-11-13T14:12:00+00:00", " 13/11/2022   21:12 ",
])
def test_accepted_forms(typed):
    assert parse_date(typed) == NOV_13


def test_day_first_always():
    assert parse_date("05/11/2022").month == 11
    assert parse_date("05/11/2022").day == 5


def test_seconds_and_no_time():
    assert parse_date("13/11/2022 21:12:05").second == 5
    midnight = parse_date("13/11/2022")
    assert (midnight.hour, midnight.minute) == (0, 0)
    assert midnight.tzinfo is VIETNAM


def test_weekday_in_any_case_and_numbered():
    assert parse_date("thứ bảy - 12/11/2022 08:00").day == 12
    assert parse_date("Thứ 7 - 12/11/2022 08:00").day == 12


@pytest.mark.parametrize(("typed", "words"), [
    ("31/02/2022", "không tồn tại"),
    ("29/02/2023", "không tồn tại"),
    ("13/11/2022 25:00", "không tồn tại"),
    ("Thứ hai - 13/11/2022 21:12", "là Chủ nhật, không phải Thứ hai"),
    ("Thứ tám - 13/11/2022", "không hiểu thứ"),
    ("hôm qua", "không đọc được"),
    ("11/13/2022", "không tồn tại"),
    ("2022/11/13", "không đọc được"),
])
def test_bad_dates_are_explained_in_vietnamese(typed, words):
    with pytest.raises(DateError, match=words):
        parse_date(typed)


def test_display_forms_of_the_legacy_site():
    assert format_dateline(NOV_13) == "Chủ nhật - 13/11/2022 21:12"
    assert format_dateline(parse_date("14/11/2022 08:00")) == "Thứ hai - 14/11/2022 08:00"
    assert format_day(NOV_13) == "13/11/2022"
    assert format_month(2022, 11) == "Tháng 11/2022"
    assert isoformat(parse_date("2022-11-13T14:12:00Z")) == "2022-11-13T21:12:00+07:00"


def test_all_weekday_names_are_sentence_case():
    names = {format_dateline(parse_date(f"{day:02d}/11/2022 08:00")).split(" - ")[0]
             for day in range(7, 14)}
    assert names == {"Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"}


def test_the_build_clock_is_the_setting_when_given():
    assert build_clock("13/11/2022 21:12") == NOV_13
    pinned = build_clock("2022-11-13T14:12:00Z")
    assert pinned == NOV_13 and pinned.tzinfo == VIETNAM and pinned.hour == 21
    with pytest.raises(DateError):
        build_clock("31/02/2022")


def test_the_build_clock_is_the_real_clock_otherwise():
    before = datetime.now(VIETNAM)
    now = build_clock()
    assert now.tzinfo == VIETNAM and before <= now <= datetime.now(VIETNAM)
