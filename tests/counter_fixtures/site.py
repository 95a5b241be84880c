"""A real site with the visitor counter: the project's plugins, Pelican's plain theme and the
two partials of this project's theme (copied from `theme/templates/partials/`), so tests see
exactly what the partials print whatever state the rest of the theme is in.
"""

import shutil
from pathlib import Path

import pelican
import pytest
from conftest import PROJECT, SETTINGS_FILE
from pelican.settings import read_settings

PARTIALS = PROJECT / "theme" / "templates" / "partials"
SIMPLE_THEME = Path(pelican.__file__).parent / "themes" / "simple"
BASE = """{% extends "!simple/base.html" %}
{% block footer %}<aside>{% include "partials/most_read.html" %}
{% include "partials/visitor_counter.html" %}</aside>{{ super() }}{% endblock %}
"""
ARTICLES = {
    "tin-tuc/a.md": "Tiêu đề: Ra quân Ngày môi trường\nNgày đăng: 10/11/2022 08:00\n"
                    "Chuyên mục: Hoạt động Đoàn\nĐường dẫn: bai-a\n\nNội dung A.\n",
    "tin-tuc/b.md": "Tiêu đề: Hội nghị Ban Chấp hành\nNgày đăng: 11/11/2022 08:00\n"
                    "Chuyên mục: Hoạt động Đoàn\nĐường dẫn: bai-b\n\nNội dung B.\n",
    "tin-tuc/c.md": "Tiêu đề: Tuổi trẻ <chuyển đổi số>\nNgày đăng: 12/11/2022 08:00\n"
                    "Chuyên mục: Hoạt động Đoàn\nĐường dẫn: bai-c\n\nNội dung C.\n",
}
PAGES = ["index.html", "bai-a.html", "bai-c.html"]


@pytest.fixture
def theme(tmp_path) -> Path:
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "base.html").write_text(BASE, encoding="utf-8")
    for name in ("visitor_counter.html", "most_read.html"):
        shutil.copy(PARTIALS / name, folder / "partials" / name)
    return folder


@pytest.fixture
def counter_site(build_site, tmp_path, theme):
    plugins = list(read_settings(str(SETTINGS_FILE))["PLUGINS"])
    if "tintuc_plugins.visitor_counter" not in plugins:
        plugins.append("tintuc_plugins.visitor_counter")

    def _build(**settings):
        options = {
            "PLUGINS": plugins, "REQUIRED_PLUGINS": plugins,
            "THEME": str(SIMPLE_THEME), "THEME_TEMPLATES_OVERRIDES": [str(theme)],
            "TEMPLATE_PAGES": {},  # the simple theme has no 404, sitemap or robots templates
            "VISITOR_COUNTER_LOGS": [str(tmp_path / "logs" / "access.log*")],
            "VISITOR_COUNTER_STATE": str(tmp_path / "state" / "counter.json"),
            # The site's own baseline would hide what each test counts.
            "VISITOR_COUNTER_BASELINE": None,
            **settings,
        }
        return build_site(ARTICLES, options)

    return _build


def counter_block(site, page="index.html"):
    """(heading, [(label, value)], update line) of the counter block, or None."""
    soup = site.html(page)
    (section,) = soup.select("section.counter") or [None]
    if section is None:
        return None
    pairs = [(dt.get_text(strip=True), dd.get_text(strip=True))
             for dt, dd in zip(section.find_all("dt"), section.find_all("dd"), strict=True)]
    return section.h2.get_text(strip=True), pairs, section.p.get_text(" ", strip=True)
