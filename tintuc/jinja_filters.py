"""Filters the theme uses to write dates and machine-readable data the legacy way."""

import json

from markupsafe import Markup

from tintuc.dates import format_dateline, format_day, format_month, isoformat


def json_for_script(value) -> Markup:
    """JSON safe inside `<script>`: `<`, `>` and `&` written as `\\u003c`, … (CONTRACT §3)."""
    text = json.dumps(value, ensure_ascii=False, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


FILTERS = {
    "dateline": format_dateline,
    "day": format_day,
    "isodate": isoformat,
    "month_label": format_month,
    "json_for_script": json_for_script,
}
