"""What the browser tests share: a missing tool skips them (and fails them in CI), Debian's
Chromium through Playwright, the site over HTTP, and an axe-core run (tools/search.py holds
the server and Chromium, which `invoke search-bench` uses too)."""

import os

import pytest
from conftest import PROJECT

from tintuc_tools.search import CHROMIUM, CHROMIUM_ARGS, chromium, serve

__all__ = ["AXE_JS", "CHROMIUM", "CHROMIUM_ARGS", "WCAG_AA", "axe_violations", "chromium",
           "require", "serve"]

AXE_JS = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; the setup script must install it")
    pytest.skip(f"{what} is not installed")


def axe_violations(page) -> list[str]:
    require(AXE_JS.exists(), "axe-core (npm ci)")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    assert result["passes"], "axe ran no rule"
    return [f"{violation['id']}: {violation['help']} at "
            f"{[node['target'] for node in violation['nodes']][:3]}"
            for violation in result["violations"]]
