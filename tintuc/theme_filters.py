"""More filters of the theme: share links, archive labels, page numbers. Pure functions."""

import base64
import json
from urllib.parse import quote, urlsplit

from tintuc.dates import format_month


def facebook_share_url(url: str) -> str:
    """Facebook's sharer: a plain link, so no Facebook script loads before a reader clicks."""
    return "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe="")


def zalo_share_url(url: str) -> str:
    """Zalo's share page, which takes the shared URL as base64 JSON in `d`."""
    payload = json.dumps({"url": url}, separators=(",", ":")).encode()
    encoded = base64.b64encode(payload).decode("ascii")
    return "https://button-share.zalo.me/share_external?d=" + quote(encoded, safe="")


def period_label(period_num) -> str:
    """`Năm 2022`, `Tháng 11/2022` or `Ngày 13/11/2022` from Pelican's `period_num`."""
    parts = tuple(int(part) for part in period_num)
    if len(parts) == 1:
        return f"Năm {parts[0]}"
    if len(parts) == 2:
        return format_month(parts[0], parts[1])
    year, month, day = parts
    return f"Ngày {day:02d}/{month:02d}/{year}"


def page_window(current: int, total: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and `radius` around the current one.

    `None` stands for a gap ("…"); a gap of one page shows that page instead.
    """
    if total < 1:
        return []
    shown = {1, total, *range(max(1, current - radius), min(total, current + radius) + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(shown):
        if number - previous == 2:
            numbers.append(previous + 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def link_of(item, siteurl: str = "") -> str:
    """Where a listed article's link goes: its page, or the outside story it points to
    (`Liên kết ngoài`, as the old portal's external-link articles did)."""
    return getattr(item, "external_url", None) or f"{siteurl}/{item.url}"


def host_of(address: str) -> str:
    """`https://www.baocaobang.vn/a.html` → `baocaobang.vn`: how a reader names a site."""
    host = urlsplit(address).hostname or address
    return host.removeprefix("www.")


FILTERS = {
    "link_of": link_of,
    "host_of": host_of,
    "facebook_share_url": facebook_share_url,
    "zalo_share_url": zalo_share_url,
    "period_label": period_label,
    "page_window": page_window,
}
