"""The review workflow of the web editor (`invoke admin --quy-trinh`): a save is a branch, and
only publishing it, a second step, reaches the branch the site is built from. In its own
module: Playwright runs one browser per process at a time, and test_cms_browser's is open for
its whole module."""

import re
from pathlib import Path

import pytest
from test_cms_browser import (
    CATEGORY,
    COLLECTION,
    TITLE,
    _git,
    new_article,
    open_page,
    running_editor,
    shot,
)

from tintuc.frontmatter import read_source
from tintuc.text import slugify

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_with_the_review_workflow_a_second_step_publishes():
    with running_editor("--quy-trinh") as editor:
        page = editor.page
        open_page(editor, "")
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("link", name=CATEGORY).first.wait_for()
        before = editor.commits()
        new_article(editor, TITLE)
        page.get_by_role("button", name="Lưu", exact=True).click()
        page.get_by_role("button", name=re.compile("Bản nháp")).wait_for()
        branches = _git(editor.repo, "branch", "--list", "cms/*").split()
        assert branches == [f"cms/{COLLECTION}/{Path(branches[0]).name}"]
        assert Path(branches[0]).name.endswith(slugify(TITLE))
        # Saved for review: nothing reached the branch the site is built from.
        assert editor.commits() == before
        assert not list((editor.repo / "content" / COLLECTION).glob(f"*{slugify(TITLE)}*"))
        shot(page, "cho-duyet")

        page.get_by_role("button", name=re.compile("Bản nháp")).click()
        page.get_by_role("menuitem", name="Sẵn sàng").click()
        page.get_by_role("button", name=re.compile("Sẵn sàng")).wait_for()
        page.get_by_role("button", name="Công bố").first.click()
        page.get_by_text("Công bố ngay", exact=True).click()
        editor.wait_for_commit(before)
        assert _git(editor.repo, "branch", "--list", "cms/*").split() == []
        (published,) = (editor.repo / "content" / COLLECTION).glob(f"*{slugify(TITLE)}.md")
        assert read_source(published.read_bytes(), published.name).get("title") == TITLE
