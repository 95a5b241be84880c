"""The live preview (tools/preview.py), for real: the server runs in a subprocess on a free
port, files are edited on disk, and the pages are read back over HTTP. Every wait is bounded
and the server is always stopped, whatever the test did.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SCENARIOS

PROJECT = Path(__file__).resolve().parents[1]
ARTICLE = "doan-thanh-nien-xa-quoc-toan-ra-quan.html"
DRAFT = """Tiêu đề: Bài nháp chưa đăng
Ngày đăng: 20/11/2022 08:00
Chuyên mục: Hoạt động Đoàn
Trạng thái: nháp

Nội dung nháp.
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A preview server in its own process group, so stopping it stops its builds too."""

    def __init__(self, content: Path, log: Path, port: int, command: list[str] | None = None,
                 cwd: Path = PROJECT):
        self.content, self.log_path, self.port = content, log, port
        self.log = log.open("w", encoding="utf-8")
        command = command or [sys.executable, "-m", "tintuc_tools.preview", "--path", str(content),
                              "--port", str(port)]
        self.process = subprocess.Popen(
            command, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}",
                                        timeout=10) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def state(self) -> dict:
        return json.loads(self.get("__xem-truoc/trang-thai")[1])

    def wait_for(self, condition, what: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the preview stopped: {self.output()}")
            try:
                state = self.state()
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                state = None
            if state is not None and condition(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}: {self.output()}")

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        # The terminal lines come after the build the state reports: wait for them too.
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                raise AssertionError(f"never printed {text!r}: {self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> int | None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log.close()
        return self.process.returncode


@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SCENARIOS / "check_ok", content)
    (content / "tin-tuc" / "draft.md").write_text(DRAFT, encoding="utf-8")
    server = Server(content, tmp_path / "preview.log", free_port())
    try:
        server.wait_for(lambda state: state["build"] >= 1 and not state["building"],
                        "the first build")
        yield server
    finally:
        server.stop()


def save(path: Path, text: str) -> None:
    # Like an editor's save: a new file moved over the old one.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_pages_carry_the_reload_script(preview):
    status, page = preview.get(ARTICLE)
    assert status == 200
    assert '<script src="/__xem-truoc/tai-lai.js" data-build="1"></script></body>' in page
    status, script = preview.get("__xem-truoc/tai-lai.js")
    assert status == 200 and "location.reload()" in script and "trang-thai" in script
    assert preview.state() == {"build": 1, "building": False, "error": ""}
    # A page not built yet (or any more) still reloads itself when it appears.
    status, missing = preview.get("khong-co-trang-nay.html")
    assert status == 404 and "tai-lai.js" in missing and 'lang="vi"' in missing
    assert f"Xem trước tại http://127.0.0.1:{preview.port}/" in preview.output()


def test_saving_a_file_rebuilds_the_page(preview):
    path = preview.content / "tin-tuc" / "two-captioned-photos.md"
    save(path, path.read_text(encoding="utf-8").replace("hơn 100 đoàn viên", "hơn 250 đoàn viên"))
    preview.wait_for(lambda state: state["build"] >= 2 and not state["building"], "a rebuild")
    status, page = preview.get(ARTICLE)
    assert status == 200 and "hơn 250 đoàn viên" in page and 'data-build="2"' in page
    preview.wait_for_output("two-captioned-photos.md; đang dựng lại…")


def test_an_error_is_shown_and_the_server_keeps_serving(preview):
    path = preview.content / "tin-tuc" / "two-captioned-photos.md"
    good = path.read_text(encoding="utf-8")
    save(path, good.replace("Ngày đăng: 13/11/2022 21:12", "Ngày đăng: 31/02/2022 21:12"))
    state = preview.wait_for(lambda state: state["error"], "the build error")
    assert state["build"] == 1
    assert ("two-captioned-photos.md:2: lỗi: “Ngày đăng”: ngày “31/02/2022 21:12” không tồn tại"
            in state["error"])
    assert ".py:" not in state["error"]  # Pelican's log layout is taken off
    status, page = preview.get(ARTICLE)
    assert status == 200 and "hơn 100 đoàn viên" in page  # the last good build
    preview.wait_for_output("two-captioned-photos.md:2: lỗi:")
    preview.wait_for_output("Dựng trang bị lỗi")
    assert "trình duyệt vẫn hiển thị bản trước" in preview.output()

    save(path, good)
    state = preview.wait_for(lambda state: state["build"] >= 2 and not state["building"],
                             "the rebuild after the fix")
    assert state["error"] == ""


def test_drafts_are_shown_and_marked(preview):
    status, page = preview.get("ban-nhap/bai-nhap-chua-dang.html")
    assert status == 200
    assert "Bản nháp" in page and "Bài nháp chưa đăng" in page
    preview.wait_for_output("Bản nháp (chỉ có trong xem trước): http://127.0.0.1:"
                            f"{preview.port}/ban-nhap/bai-nhap-chua-dang.html")


def test_the_checker_speaks_about_the_saved_article(preview):
    path = preview.content / "tin-tuc" / "without-slug.md"
    save(path, path.read_text(encoding="utf-8") + "\n![](images/2022/11/khong-co.png)\n")
    preview.wait_for(lambda state: state["build"] >= 2 and not state["building"], "a rebuild")
    preview.wait_for_output("without-slug.md:9: cảnh báo: ảnh “images/2022/11/khong-co.png” "
                            "trỏ tới")
    preview.wait_for_output("without-slug.md:9: cảnh báo: ảnh không có mô tả")


def test_stopping_cleans_up_and_a_busy_port_is_explained(preview, tmp_path):
    second = subprocess.run(
        [sys.executable, "-m", "tintuc_tools.preview", "--path", str(preview.content), "--port",
         str(preview.port)], cwd=PROJECT, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 1
    assert f"Không mở được cổng {preview.port}" in second.stdout
    assert f"--port {preview.port + 1}" in second.stdout

    assert preview.stop() == 0
    assert preview.output().rstrip().endswith("Đã dừng xem trước.")
