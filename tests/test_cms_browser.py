"""The web editor end to end: real Chromium, the real `invoke admin` (Decap CMS's local Git
proxy and the live preview) on a real Git repository made here, real `invoke check`, a real
build.

Set CMS_SCREENSHOTS=docs/images/quan-tri to write the editor guide's screenshots
(docs/huong-dan-bien-tap.md, section 14) from this run.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, WCAG_AA, require
from conftest import PROJECT

from tintuc.dates import VIETNAM
from tintuc.frontmatter import read_source
from tintuc.new_article import build_article
from tintuc.text import slugify

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
SHOTS = os.environ.get("CMS_SCREENSHOTS")
CATEGORY = "Phong trào tình nguyện"
COLLECTION = slugify(CATEGORY)
TITLE = "Đoàn viên xã Quốc Toản ra quân “Chủ nhật xanh”"
DRAFT_TITLE = "Kế hoạch ra quân tháng Thanh niên (đang viết)"
LISTED = "Tuổi trẻ Cao Bằng chung tay khắc phục hậu quả cơn bão số 3"
# Decap CMS's own markup that fails WCAG 2.1 AA, with why; our own fields must pass all rules.
# Each is checked to still occur, so a fixed one is noticed and removed from here.
DECAP_VIOLATIONS = {
    # A menu's <span role="button"> inside the toolbar's own button: fixing it means changing
    # Decap's component, not its attributes. (Contrast and missing names are corrected by
    # admin/tintuc-cms.css and admin/tintuc-cms.js.)
    "nested-interactive": "the toolbar's heading and component menus nest buttons",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def _wait_http(url: str, seconds: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"invoke admin stopped:\n{log.read_text()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer:\n{log.read_text()}")


class Editor:
    """`invoke admin` on a repository of its own, and Chromium with every request recorded."""

    def __init__(self, root: Path, *options: str):
        self.root = root
        self.repo = root / "depot"
        shutil.copytree(PROJECT / "content", self.repo / "content")
        (self.repo / ".gitignore").write_text("output/\ncache/\n")
        _git(self.repo, "init", "-q", "-b", "main")
        _git(self.repo, "config", "user.name", "Biên tập viên")
        _git(self.repo, "config", "user.email", "bientap@example.invalid")
        _git(self.repo, "add", ".")
        _git(self.repo, "commit", "-qm", "Nội dung ban đầu")
        self.port, self.proxy_port = _free_port(), _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = root / "admin.log"
        self.process = subprocess.Popen(
            [str(BIN / "invoke"), "admin", "--path", str(self.repo / "content"),
             "--port", str(self.port), "--cong-git", str(self.proxy_port), *options],
            cwd=PROJECT, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.requests: list[str] = []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def commits(self) -> int:
        return int(_git(self.repo, "rev-list", "--count", "HEAD"))

    def wait_for_commit(self, before: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.commits() > before:
                return
            time.sleep(0.2)
        pytest.fail(f"no commit after saving:\n{self.log.read_text()}")


@contextlib.contextmanager
def running_editor(*options: str):
    require(CHROMIUM.exists(), "Chromium")
    require((PROJECT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").exists(),
            "decap-cms (npm ci)")
    require(shutil.which("node") is not None, "node")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        editor = Editor(Path(folder), *options)
        try:
            _wait_http(editor.base + "quan-tri/", 180, editor.process, editor.log)
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(Path(folder) / "profile"), executable_path=str(CHROMIUM),
                    args=CHROMIUM_ARGS, headless=True, locale="vi-VN",
                    viewport={"width": 1280, "height": 860})
                context.on("request", lambda request: editor.requests.append(request.url))
                editor.page = context.new_page()
                editor.page.set_default_timeout(20_000)
                # Decap asks "publish now?" with window.confirm: the editor says yes.
                editor.page.on("dialog", lambda dialog: dialog.accept())
                try:
                    yield editor
                finally:
                    context.close()
        finally:
            editor.stop()


@pytest.fixture(scope="module")
def editor():
    with running_editor() as running:
        yield running


def shot(page, name: str, **options) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), **options)


def axe(page, context: dict | None = None) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "([context, tags]) => axe.run(context || document, "
        "{runOnly: {type: 'tag', values: tags}})", [context, WCAG_AA])
    assert result["passes"], "axe ran no rule"
    return result["violations"]


def photo(folder: Path, name: str, color: tuple[int, int, int], size=(1200, 800)) -> Path:
    from PIL import Image

    path = folder / name
    Image.new("RGB", size, color).save(path)
    return path


def upload(page, scope, file: Path) -> None:
    scope.get_by_role("button", name="Chọn một hình").first.click()
    page.locator("input[type=file]").set_input_files(str(file))
    page.get_by_role("button", name="Lấy những cái đã chọn").click()


def publish(editor: "Editor") -> None:
    before = editor.commits()
    editor.page.get_by_role("button", name="Công bố").first.click()
    editor.page.get_by_text("Công bố ngay", exact=True).click()
    editor.wait_for_commit(before)


def open_page(editor, route: str) -> None:
    """A fresh load of the editor at `route`: within the editor a new hash may show the last
    entry for a moment, and a field filled then belongs to it."""
    editor.page.goto("about:blank")
    editor.page.goto(editor.base + "quan-tri/#/" + route)


def new_article(editor, title: str, *, featured_photo: Path | None = None, body_photo=None,
                status: str | None = None):
    page = editor.page
    open_page(editor, f"collections/{COLLECTION}/new")
    page.get_by_label("Tiêu đề", exact=True).fill(title)
    page.get_by_label("Tác giả").fill("Nông Thị Hà")
    page.get_by_label("Thẻ").fill("Chủ nhật xanh, Môi trường")
    if featured_photo:
        upload(page, page.locator("body"), featured_photo)
        page.get_by_label("Chú thích ảnh đại diện").fill("Đoàn viên ra quân dọn vệ sinh.")
    if status:
        page.get_by_label("Trạng thái").click()
        page.get_by_text(status, exact=True).click()
    body = page.locator("[data-slate-editor]").first
    body.click()
    page.keyboard.type("Sáng 26/3, Đoàn xã Quốc Toản tổ chức ra quân dọn vệ sinh đường làng.")
    page.keyboard.press("Enter")
    if body_photo:
        page.locator('button[title="Add Component"]').click()
        page.get_by_role("menuitem", name="Ảnh có chú thích").click()
        upload(page, body, body_photo)
        body.get_by_label("Mô tả ảnh").fill("Trồng cây ven đường")
        body.get_by_label("Chú thích").fill("Chi đoàn xóm Bản Nưa trồng cây ven đường.")
    return page


def test_an_editor_writes_an_article_with_photos_and_it_is_published(editor, tmp_path):
    page = editor.page
    page.goto(editor.base + "quan-tri/")
    login = page.get_by_role("button", name="Đăng nhập")
    login.wait_for()
    shot(page, "dang-nhap")
    login.click()
    page.get_by_role("link", name=CATEGORY).first.wait_for()
    page.goto(editor.base + f"quan-tri/#/collections/{COLLECTION}")
    page.get_by_text(LISTED).first.wait_for()
    shot(page, "danh-sach-bai")

    lead = photo(tmp_path, "Ảnh Đoàn viên ra quân.JPG", (200, 60, 60))
    inline = photo(tmp_path, "Trồng cây ven đường.png", (60, 160, 60), (900, 600))
    new_article(editor, TITLE, featured_photo=lead, body_photo=inline)
    preview = page.frame_locator("iframe").first
    preview.locator(".news-body figure figcaption").first.wait_for()
    assert preview.locator(".lead-photo figcaption").inner_text() == \
        "Đoàn viên ra quân dọn vệ sinh."
    shot(page, "viet-bai")
    started = datetime.now(VIETNAM)
    publish(editor)

    # The commit holds the article and both photos, under the article's month, ASCII-named.
    files = _git(editor.repo, "show", "--name-only", "--format=", "HEAD").split()
    article = next(name for name in files if name.endswith(".md"))
    month = f"content/images/{started:%Y}/{started:%m}/"
    assert sorted(files) == sorted([article, month + "anh-doan-vien-ra-quan.jpg",
                                    month + "trong-cay-ven-duong.png"])
    assert re.fullmatch(rf"content/{COLLECTION}/\d{{4}}-\d{{2}}-\d{{2}}-"
                        rf"{slugify(TITLE)}\.md", article)
    text = (editor.repo / article).read_text("utf-8")
    document = read_source(text.encode("utf-8"), article)
    assert not document.problems
    # The header is `invoke new`'s for the same title, time and category, plus what was filled.
    expected = build_article(TITLE, CATEGORY, document.get("date")).text
    for key, value in (("Tác giả:", "Tác giả: Nông Thị Hà"),
                       ("Thẻ:", "Thẻ: Chủ nhật xanh, Môi trường"),
                       ("Ảnh đại diện:", f"Ảnh đại diện: {{static}}/images/{month[15:]}"
                                         "anh-doan-vien-ra-quan.jpg"),
                       ("Chú thích ảnh:", "Chú thích ảnh: Đoàn viên ra quân dọn vệ sinh.")):
        expected = expected.replace(f"\n{key}\n", f"\n{value}\n", 1)
    assert text == expected + (
        "Sáng 26/3, Đoàn xã Quốc Toản tổ chức ra quân dọn vệ sinh đường làng.\n\n"
        f"![Trồng cây ven đường]({{static}}/images/{month[15:]}trong-cay-ven-duong.png "
        "\"Chi đoàn xóm Bản Nưa trồng cây ven đường.\")\n")
    assert abs((document.get("date") - started).total_seconds()) < 120

    check = subprocess.run([str(BIN / "invoke"), "check", "--path", str(editor.repo / "content")],
                           cwd=PROJECT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 lỗi" in check.stdout

    # The live preview rebuilt on the commit: the article with its captions and category.
    slug = document.get("slug")
    page.goto(editor.base + f"{slug}.html")
    page.get_by_role("heading", level=1, name=TITLE).wait_for(timeout=60_000)
    assert page.locator(".lead-photo figcaption").inner_text() == "Đoàn viên ra quân dọn vệ sinh."
    assert page.locator(".news-body figure figcaption").inner_text() == \
        "Chi đoàn xóm Bản Nưa trồng cây ven đường."
    assert page.locator("nav.breadcrumb a, .breadcrumb a").filter(has_text=CATEGORY).count()
    editor.article = article


def test_editing_changes_only_what_was_edited(editor):
    page = editor.page
    article = editor.article
    before_text = (editor.repo / article).read_text("utf-8")
    slug = Path(article).stem
    open_page(editor, f"collections/{COLLECTION}/entries/{slug}")
    field = page.get_by_label("Nguồn tin")
    field.wait_for()
    field.fill("Huyện Đoàn Quảng Hòa")
    publish(editor)
    diff = _git(editor.repo, "diff", "--unified=0", "HEAD~1", "HEAD", "--", article)
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-Nguồn tin:", "+Nguồn tin: Huyện Đoàn Quảng Hòa"]
    after = (editor.repo / article).read_text("utf-8")
    assert after == before_text.replace("Nguồn tin:\n", "Nguồn tin: Huyện Đoàn Quảng Hòa\n")


def test_a_hand_written_file_keeps_its_own_forms_when_edited(editor):
    page = editor.page
    path = (editor.repo / "content" / COLLECTION /
            "2024-09-14-chung-tay-khac-phuc-hau-qua-bao-so-3.md")
    original = path.read_text("utf-8")
    open_page(editor, f"collections/{COLLECTION}/entries/{path.stem}")
    title = page.get_by_label("Tiêu đề", exact=True)
    title.wait_for()
    # Its photos (another month's folder) show, from the site itself.
    photo = page.locator("img[src$='/images/2024/09/chung-tay-khac-phuc-hau-qua-bao-so-3.jpg']")
    photo.first.wait_for()
    assert photo.first.evaluate("img => img.complete && img.naturalWidth > 0")
    title.fill(title.input_value() + " (cập nhật)")
    publish(editor)
    diff = _git(editor.repo, "diff", "--unified=0", "HEAD~1", "HEAD", "--", str(path))
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2, _git(editor.repo, "show", "--stat", "HEAD")
    assert changed[0].startswith("-") and changed[1].endswith("(cập nhật)")
    assert len(path.read_text("utf-8").splitlines()) == len(original.splitlines())


def test_a_draft_is_committed_but_never_published(editor, tmp_path):
    new_article(editor, DRAFT_TITLE, status="Nháp (chưa đăng)")
    publish(editor)
    files = _git(editor.repo, "show", "--name-only", "--format=", "HEAD").split()
    draft = editor.repo / files[0]
    assert read_source(draft.read_bytes(), files[0]).get("status") == "draft"
    output = tmp_path / "site"
    build = subprocess.run(
        [str(BIN / "pelican"), str(editor.repo / "content"), "-s", "pelicanconf.py", "-o",
         str(output)], cwd=PROJECT, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    slug = slugify(DRAFT_TITLE)
    assert not list(output.rglob(f"*{slug}*"))
    everything = "\n".join(path.read_text("utf-8", errors="replace")
                           for path in output.rglob("*") if path.suffix in (".html", ".xml"))
    assert slug not in everything and DRAFT_TITLE not in everything
    assert (output / f"{slugify(TITLE)}.html").is_file()
    # The editor itself is in the build, unlisted.
    assert (output / "quan-tri" / "index.html").is_file()
    assert "quan-tri" not in (output / "sitemap.xml").read_text("utf-8")


def test_the_editor_loads_nothing_from_another_site(editor):
    assert editor.requests
    allowed = (editor.base, f"http://127.0.0.1:{editor.proxy_port}/", "data:", "blob:")
    assert [url for url in editor.requests if not url.startswith(allowed)] == []


def test_accessibility_of_the_editors_pages(editor):
    page = editor.page
    found = {}
    open_page(editor, f"collections/{COLLECTION}")
    page.get_by_text(LISTED).first.wait_for()
    for violation in axe(page):
        found.setdefault(violation["id"], violation)
    open_page(editor, f"collections/{COLLECTION}/new")
    page.get_by_label("Tiêu đề", exact=True).wait_for()
    # What admin/tintuc-cms.js names once Decap has drawn the editor.
    page.wait_for_function("""() => document.querySelector('#preview-pane[title]')
        && document.querySelector('[data-slate-editor][aria-label]')
        && document.querySelector('button[role=switch][aria-checked][aria-label]')""")
    for violation in axe(page):
        found.setdefault(violation["id"], violation)
    # Ours: the date widget and the preview pane's article must pass every rule.
    ours = axe(page, {"include": [[".tintuc-date"]]})
    assert [violation["id"] for violation in ours] == []
    unexpected = {rule: (violation["help"], [node["target"] for node in violation["nodes"]],
                         violation["nodes"][0]["html"][:300])
                  for rule, violation in found.items() if rule not in DECAP_VIOLATIONS}
    if os.environ.get("CMS_AXE_REPORT"):
        import json
        Path(os.environ["CMS_AXE_REPORT"]).write_text(json.dumps(unexpected, indent=1,
                                                                 ensure_ascii=False))
    assert unexpected == {}
    assert set(DECAP_VIOLATIONS) <= set(found), "a rule Decap failed now passes: update the list"

