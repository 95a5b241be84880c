"""The date forms editors type and the forms the legacy site displayed.

Day first, always; Asia/Ho_Chi_Minh unless an offset is given. See CONTRACT.md §1.
"""

import os
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tintuc.text import fold

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Monday first, as datetime.weekday() counts; sentence case as the legacy site wrote them.
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_WEEKDAY_BY_FOLDED = {fold(name): index for index, name in enumerate(WEEKDAYS)}
# "Thứ 2" … "Thứ 7" and "CN" are what people type when they abbreviate.
_WEEKDAY_BY_FOLDED.update({f"thu {n}": n - 2 for n in range(2, 8)})
_WEEKDAY_BY_FOLDED["cn"] = 6

_TIME = r"(?:[ T]+(?P<hour>\d{1,2})[:hg](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_OFFSET = r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?"
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})" + _TIME + _OFFSET
)
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})" + _TIME + _OFFSET)
_WEEKDAY_PREFIX = re.compile(r"(?P<weekday>[^\W\d][^,–-]*?)\s*[-,–]\s*(?P<rest>\d.*)")

EXAMPLES = "13/11/2022 21:12, 13/11/2022, Chủ nhật - 13/11/2022 21:12 hoặc 2022-11-13 21:12"


class DateError(ValueError):
    """A date that cannot be read; the message is in Vietnamese, for the editor."""


def parse_date(value: str) -> datetime:
    """Read one of the accepted forms into an aware datetime."""
    text = " ".join(value.split())
    weekday = None
    prefixed = _WEEKDAY_PREFIX.fullmatch(text)
    if prefixed:
        weekday_name = fold(prefixed["weekday"])
        if weekday_name not in _WEEKDAY_BY_FOLDED:
            raise DateError(
                f"không hiểu thứ trong ngày “{value}”: hãy viết Thứ hai … Thứ bảy hoặc Chủ nhật"
            )
        weekday = _WEEKDAY_BY_FOLDED[weekday_name]
        text = prefixed["rest"]

    match = _ISO.fullmatch(text) or _DAY_FIRST.fullmatch(text)
    if not match:
        raise DateError(f"không đọc được ngày “{value}”: hãy viết theo dạng {EXAMPLES}")

    try:
        moment = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
        )
    except ValueError:
        raise DateError(
            f"ngày “{value}” không tồn tại (ngày/tháng/năm): hãy kiểm tra lại ngày và tháng"
        ) from None

    moment = moment.replace(tzinfo=_zone(match["offset"]))
    if weekday is not None and moment.weekday() != weekday:
        raise DateError(
            f"“{value}”: ngày {format_day(moment)} là {WEEKDAYS[moment.weekday()]}, "
            f"không phải {WEEKDAYS[weekday]}: hãy sửa thứ hoặc ngày cho khớp"
        )
    return moment


def build_clock(value: str | None = None) -> datetime:
    """The build's current time, in Vietnam time: `value` when given, else the real clock.

    `value` is the `NEWS_BUILD_TIME` setting, in the forms of `parse_date`: it pins what
    "now" means to a build (tests, a rebuild of a past day), so nothing reads the clock twice.
    Without it, `SOURCE_DATE_EPOCH` (the reproducible-builds convention) is the time when set.
    """
    if value is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), tz=VIETNAM)
        return datetime.now(VIETNAM)
    if not isinstance(value, str):
        raise DateError(f"không đọc được ngày “{value!r}”: hãy viết theo dạng {EXAMPLES}")
    return in_vietnam(parse_date(value))


def _zone(offset: str | None):
    if not offset:
        return VIETNAM
    if offset == "Z":
        return UTC
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def in_vietnam(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def format_dateline(moment: datetime) -> str:
    """`Chủ nhật - 13/11/2022 21:12`, the date line of an article."""
    local = in_vietnam(moment)
    return f"{WEEKDAYS[local.weekday()]} - {local:%d/%m/%Y %H:%M}"


def format_day(moment: datetime) -> str:
    """`13/11/2022`, as in lists."""
    return f"{in_vietnam(moment):%d/%m/%Y}"


def format_month(year: int, month: int) -> str:
    """`Tháng 11/2022`, the label of a monthly archive."""
    return f"Tháng {month}/{year}"


def isoformat(moment: datetime) -> str:
    """ISO 8601 in Vietnam time: `2022-11-13T21:12:00+07:00`."""
    return in_vietnam(moment).isoformat()
