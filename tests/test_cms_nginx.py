"""The published editor behind the example nginx configuration: its own Content-Security-
Policy under /quan-tri/ only, and Decap CMS really starts under it (Chromium)."""

import shutil

import pytest
from browser import CHROMIUM, chromium, require
from test_publish import CONF, nginx  # noqa: F401 (the fixture: a real publication, real nginx)

from tintuc_tools import gates

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _load(url: str) -> tuple[list[str], list[str], object]:
    messages, requests = [], []
    with chromium() as context:
        page = context.new_page()
        page.on("console", lambda message: messages.append(message.text))
        page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
        context.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        login = page.get_by_role("button", name="Đăng nhập bằng GitHub")
        try:
            login.wait_for(timeout=15_000)
            drawn = True
        except Exception:
            drawn = False
        return messages, requests, drawn


def test_the_editor_has_its_own_headers_and_the_site_keeps_its_policy(nginx):  # noqa: F811
    status, headers, body = nginx.get("/quan-tri/")
    assert status == 200 and b"decap-cms.js?v=" in body
    assert headers["X-Robots-Tag"] == "noindex, nofollow"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in headers and "X-Content-Type-Options" in headers
    policy = gates.parse_policy(headers["Content-Security-Policy"])
    assert "'unsafe-eval'" in policy["script-src"] and policy["frame-ancestors"] == ["'none'"]
    _, site, _ = nginx.get("/")
    assert site["Content-Security-Policy"] == gates.policy_from_nginx(CONF)
    status, headers, _ = nginx.get("/quan-tri/decap-cms.js")
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")


def test_decap_starts_under_the_editors_policy_and_not_under_the_sites(nginx):  # noqa: F811
    require(CHROMIUM.exists(), "Chromium")
    messages, requests, drawn = _load(nginx.base + "/quan-tri/")
    assert drawn, messages
    assert [m for m in messages if "Content Security Policy" in m] == []
    assert [url for url in requests if not url.startswith(nginx.base)] == []

    # The control: the same files anywhere else get the site's policy, and Decap cannot run.
    shutil.copytree(nginx.root / "quan-tri", nginx.root / "thu-quan-tri")
    messages, _, drawn = _load(nginx.base + "/thu-quan-tri/")
    assert not drawn
    assert any("unsafe-eval" in m or "Content Security Policy" in m for m in messages)
