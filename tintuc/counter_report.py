"""The visitor counter as the operator and the site see it: settings in, six figures out.

`refresh()` is the one way to bring the counter up to date (the build's plugin and the
operator's `invoke counter` both call it): read the settings, load the state, read the new
log lines, save the state, and return a `Snapshot` to display.
"""

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from tintuc.counter_state import (
    CounterState,
    IngestReport,
    baseline_moved_error,
    check_writable,
    load_state,
    save_state,
)
from tintuc.dates import DateError, build_clock, parse_date
from tintuc.problems import Explained
from tintuc.visits import (
    CLOCK_SKEW,
    BaselineMoved,
    Figures,
    Tally,
    article_path_pattern,
    days_back,
    excluded_prefixes,
    vietnam_day,
    vietnam_time,
)

LABELS = (
    "Đang truy cập",
    "Máy chủ tìm kiếm",
    "Khách viếng thăm",
    "Hôm nay",
    "Tháng hiện tại",
    "Tổng lượt truy cập",
)
TABLE_DAYS = 30
# Views are kept for the operator's month at least, whatever the most-read window.
VIEW_DAYS_KEPT = 31


class CounterSettingsError(Explained, ValueError):
    """A VISITOR_COUNTER_* setting that cannot be used; the message is in Vietnamese."""


@dataclass(frozen=True)
class CounterSettings:
    enabled: bool = True
    logs: tuple[str, ...] = ()
    state: Path | None = None
    baseline_total: int = 0
    baseline_at: int | None = None  # epoch seconds; None: no baseline
    count_bots: bool = True
    thousands_sep: str = ","
    most_read_days: int = 7
    most_read_count: int = 5
    site_prefix: str = ""  # the path of SITEURL, without its last slash
    article_url: str = "{slug}.html"
    now: int | None = None  # the build's clock (epoch seconds); None: read it when counting

    @classmethod
    def from_mapping(cls, settings: Mapping) -> "CounterSettings":
        """Read the VISITOR_COUNTER_* settings (and SITEURL, ARTICLE_URL) of a Pelican site.

        Relative paths are taken from the current folder, where `pelican` and `invoke` run.
        The build's clock is `NEWS_BUILD_TIME` when set (`tintuc.dates.build_clock`).
        """
        try:
            now = int(build_clock(settings.get("NEWS_BUILD_TIME")).timestamp())
        except DateError as error:
            raise CounterSettingsError(f"NEWS_BUILD_TIME: {error}.") from None
        logs = settings.get("VISITOR_COUNTER_LOGS") or ()
        if isinstance(logs, str):
            logs = (logs,)
        if not isinstance(logs, list | tuple) or not all(isinstance(p, str) for p in logs):
            raise CounterSettingsError(
                "VISITOR_COUNTER_LOGS phải là danh sách mẫu đường dẫn tệp nhật ký, ví dụ "
                "[\"/var/log/nginx/access.log*\"]."
            )
        state = settings.get("VISITOR_COUNTER_STATE")
        if state is not None and not isinstance(state, str | Path):
            raise CounterSettingsError("VISITOR_COUNTER_STATE phải là đường dẫn một tệp.")
        total, at = _baseline(settings.get("VISITOR_COUNTER_BASELINE"), now)
        separator = settings.get("VISITOR_COUNTER_THOUSANDS_SEP", ",")
        if not isinstance(separator, str):
            raise CounterSettingsError(
                "VISITOR_COUNTER_THOUSANDS_SEP phải là một chuỗi, ví dụ \",\" hoặc \".\"."
            )
        return cls(
            enabled=_flag(settings, "VISITOR_COUNTER_ENABLED", True),
            logs=tuple(logs),
            state=Path(state).expanduser() if state else None,
            baseline_total=total,
            baseline_at=at,
            count_bots=_flag(settings, "VISITOR_COUNTER_COUNT_BOTS", True),
            thousands_sep=separator,
            most_read_days=_whole(settings, "VISITOR_COUNTER_MOST_READ_DAYS", 7, minimum=1),
            most_read_count=_whole(settings, "VISITOR_COUNTER_MOST_READ_COUNT", 5, minimum=0),
            site_prefix=urlsplit(str(settings.get("SITEURL") or "")).path.rstrip("/"),
            article_url=str(settings.get("ARTICLE_URL") or "{slug}.html"),
            now=now,
        )

    def site_path(self, url: str) -> str:
        """The request path of a site-relative URL (`bai.html` → `/prefix/bai.html`)."""
        return unquote(f"{self.site_prefix}/{url.lstrip('/')}")


def _flag(settings: Mapping, name: str, default: bool) -> bool:
    value = settings.get(name, default)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if not isinstance(value, bool | int):
        raise CounterSettingsError(f"{name} phải là True hoặc False.")
    return bool(value)


def _whole(settings: Mapping, name: str, default: int, minimum: int) -> int:
    value = settings.get(name, default)
    if type(value) is not int or value < minimum:
        raise CounterSettingsError(f"{name} phải là số nguyên từ {minimum} trở lên.")
    return value


def _baseline(value: object, now: int) -> tuple[int, int | None]:
    if not value:
        return 0, None
    example = '{"total": 7558632, "as_of": "13/11/2022 21:12"}'
    if not isinstance(value, Mapping) or set(value) - {"total", "as_of"}:
        raise CounterSettingsError(f"VISITOR_COUNTER_BASELINE phải có dạng {example}.")
    total = value.get("total", 0)
    if isinstance(total, str) and total.replace(",", "").replace(".", "").strip().isdigit():
        total = int(total.replace(",", "").replace(".", ""))
    if type(total) is not int or total < 0:
        raise CounterSettingsError(
            f"VISITOR_COUNTER_BASELINE: “total” phải là số nguyên không âm (ví dụ {example})."
        )
    as_of = value.get("as_of")
    if not isinstance(as_of, str):
        raise CounterSettingsError(
            f"VISITOR_COUNTER_BASELINE: thiếu “as_of”, thời điểm của tổng cũ (ví dụ {example})."
        )
    try:
        moment = parse_date(as_of)
    except DateError as error:
        raise CounterSettingsError(f"VISITOR_COUNTER_BASELINE: {error}") from None
    at = int(moment.timestamp())
    if at > now + CLOCK_SKEW:
        raise CounterSettingsError(
            f"VISITOR_COUNTER_BASELINE: “as_of” là {format_moment(at)}, muộn hơn đồng hồ của "
            f"bản dựng ({format_moment(now)}). Đó phải là lúc bộ đếm cũ dừng, một thời điểm "
            "đã qua: hãy sửa lại ngày (viết ngày trước tháng, ví dụ 13/11/2022 21:12)."
        )
    return total, at


# --- Display -------------------------------------------------------------------------------------

def format_number(number: int, separator: str = ",") -> str:
    return f"{number:,}".replace(",", separator)


def views_html(figure: str | None) -> Markup:
    """An article's "Lượt xem" as its page shows it; nothing before anyone has read it."""
    if not figure:
        return Markup("")
    return Markup('<p class="views">Lượt xem: {}</p>').format(figure)


def format_moment(epoch: int) -> str:
    """`dd/mm/YYYY HH:MM` in Vietnam time."""
    return f"{vietnam_time(epoch):%d/%m/%Y %H:%M}"


@dataclass(frozen=True)
class CounterBlock:
    """What the sidebar shows: the labelled figures in the contract's order and their time."""

    figures: list[tuple[str, str]]
    as_of_text: str


@dataclass
class Snapshot:
    settings: CounterSettings
    tally: Tally
    report: IngestReport | None  # None when no logs are configured
    state_existed: bool
    now: int | None = None  # the build's clock the counting used

    @property
    def figures(self) -> Figures | None:
        """None when there is nothing to show: no page request ever and no baseline."""
        if self.tally.as_of is None and self.settings.baseline_at is None:
            return None
        return self.tally.figures(self.settings.baseline_total, self.settings.count_bots)

    @property
    def as_of(self) -> int | None:
        return self.tally.as_of if self.tally.as_of is not None else self.settings.baseline_at

    def block(self) -> CounterBlock | None:
        figures = self.figures
        if figures is None:
            return None
        values = (figures.online, figures.online_bots, figures.online_guests,
                  figures.today, figures.month, figures.total)
        separator = self.settings.thousands_sep
        return CounterBlock(
            figures=[(label, format_number(value, separator))
                     for label, value in zip(LABELS, values, strict=True)],
            as_of_text=format_moment(self.as_of),
        )

    def day_table(self, count: int = TABLE_DAYS) -> list[tuple[str, int, int]]:
        """(day `dd/mm/YYYY`, guest visits, bot visits) for the last `count` days, newest first."""
        if self.tally.as_of is None:
            return []
        days = self.tally.days()
        table = []
        for day in days_back(vietnam_day(self.tally.as_of), count):
            guests, bots = days.get(day, (0, 0))
            table.append((f"{date.fromisoformat(day):%d/%m/%Y}", guests, bots))
        return table

    def most_read(self) -> Counter[str]:
        """Request path → views over the last `most_read_days` days up to *as of*."""
        if self.tally.as_of is None or not self.settings.most_read_count:
            return Counter()
        first = days_back(vietnam_day(self.tally.as_of), self.settings.most_read_days)[-1]
        return self.tally.views_since(first)

    def warnings(self) -> list[str]:
        """The problems with the logs, one message each kind (Vietnamese)."""
        report = self.report
        if report is None:
            return []
        messages = []
        if not report.files:
            patterns = ", ".join(self.settings.logs)
            messages.append(
                f"Bộ đếm truy cập: không có tệp nhật ký nào khớp VISITOR_COUNTER_LOGS "
                f"({patterns}); số liệu giữ như lần đếm trước. Hãy kiểm tra bước lấy nhật ký "
                "từ máy chủ."
            )
        if report.unreadable:
            files = "; ".join(f"{path}: {count}" for path, count in report.unreadable.items())
            messages.append(
                f"Bộ đếm truy cập: bỏ qua {format_number(report.unreadable_total)} dòng nhật ký "
                f"không đọc được ({files})."
            )
        if report.future:
            path, line, time = report.first_future
            where = str(path) if line is None else f"{path}:{line}"
            messages.append(
                f"Bộ đếm truy cập: bỏ qua {format_number(report.future)} dòng nhật ký ghi thời "
                f"điểm muộn hơn đồng hồ của bản dựng ({format_moment(self.now)}) quá "
                f"{CLOCK_SKEW // 3600} giờ, dòng đầu tiên ở {where} ({format_moment(time)}). "
                "Những dòng này không được đếm. Hãy kiểm tra đồng hồ (NTP) của máy chủ web và "
                "của máy dựng."
            )
        if report.damaged:
            files = ", ".join(str(path) for path in report.damaged)
            messages.append(
                f"Bộ đếm truy cập: tệp nén bị hỏng hoặc bị cắt cụt, chỉ đếm được phần đọc được "
                f"({files})."
            )
        return messages


# --- Bringing the counter up to date ---------------------------------------------------------

def refresh(settings: CounterSettings) -> Snapshot:
    """Load the state, read the new log lines, save the state; raise on a damaged state.

    `CounterStateError` (damaged or foreign state file, baseline that cannot be moved, a
    state folder that cannot be written) must stop whoever called: counting on would start
    again from zero, or count what cannot be saved.
    """
    now = settings.now if settings.now is not None else int(build_clock().timestamp())
    latest = now + CLOCK_SKEW
    if settings.state is not None and settings.logs:
        check_writable(settings.state)
    if settings.state is not None:
        state, existed = load_state(settings.state, latest)
    else:
        state, existed = CounterState(), False
    try:
        state.tally.use_baseline(settings.baseline_at)
    except BaselineMoved as error:
        raise baseline_moved_error(settings.state, error) from None

    report = None
    if settings.logs:
        report = state.ingest(
            settings.logs,
            article_paths=article_path_pattern(settings.article_url),
            excluded=excluded_prefixes(settings.site_prefix),
            latest=latest,
        )
        if state.tally.as_of is not None:
            keep = max(VIEW_DAYS_KEPT, settings.most_read_days)
            state.tally.forget_views_before(days_back(vietnam_day(state.tally.as_of), keep)[-1])
    if settings.state is not None and (report is not None or existed):
        save_state(state, settings.state)
    return Snapshot(settings, state.tally, report, existed, now)


def show(settings: Mapping, out: TextIO = sys.stdout) -> Snapshot:
    """The operator's view: update the counter and print the figures and the last 30 days."""
    config = CounterSettings.from_mapping(settings)
    snapshot = refresh(config)
    print(render(snapshot), file=out)
    return snapshot


def render(snapshot: Snapshot) -> str:
    config = snapshot.settings
    lines = []
    block = snapshot.block()
    if block is None:
        lines.append("Bộ đếm truy cập: chưa có lượt truy cập nào và chưa đặt "
                     "VISITOR_COUNTER_BASELINE.")
    else:
        lines.append(f"Thống kê truy cập — cập nhật: {block.as_of_text}")
        width = max(len(label) for label, _ in block.figures)
        for label, value in block.figures:
            lines.append(f"  {label:<{width}}  {value:>12}")
    report = snapshot.report
    if report is None:
        lines.append("Chưa khai báo VISITOR_COUNTER_LOGS: không đọc nhật ký nào.")
    else:
        lines.append(
            f"Đã đọc {len(report.files)} tệp nhật ký: "
            f"{format_number(report.bytes_read, config.thousands_sep)} byte mới, "
            f"{format_number(report.page_requests, config.thousands_sep)} lượt xem trang mới."
        )
    if config.state is not None:
        lines.append(f"Tệp trạng thái: {config.state}"
                     + ("" if snapshot.state_existed else " (mới tạo)"))
    lines.extend(snapshot.warnings())
    table = snapshot.day_table()
    if table:
        lines.append("")
        counted = "Cộng" if config.count_bots else "Cộng (không tính máy)"
        lines.append(f"Lượt truy cập {len(table)} ngày gần nhất:")
        lines.append(f"  {'Ngày':<10}  {'Khách':>10}  {'Máy tìm kiếm':>12}  {counted:>12}")
        for day, guests, bots in table:
            total = guests + bots if config.count_bots else guests
            lines.append(
                f"  {day:<10}  {format_number(guests, config.thousands_sep):>10}  "
                f"{format_number(bots, config.thousands_sep):>12}  "
                f"{format_number(total, config.thousands_sep):>12}"
            )
    return "\n".join(lines)
