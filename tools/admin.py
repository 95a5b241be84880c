"""`invoke admin`: the web editor on one's own computer (issue 16; docs/quan-tri-web.md).

Two processes, both on 127.0.0.1 only: Decap CMS's local Git proxy (the npm package
`decap-server`, in its `git` mode: each save is a commit in this checkout) and the live
preview (`invoke livereload`), whose build carries the editor at /quan-tri/ pointed at the
proxy. Saving in the editor commits, the commit changes the files, the preview rebuilds.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from invoke import Exit, task

from tintuc import cms
from tintuc.files import load_settings
from tintuc_tools.check_files import SETTINGS_FILE, content_folder
from tintuc_tools.preview import serve_preview

PROJECT = Path(__file__).resolve().parents[1]
PROXY = PROJECT / "node_modules" / "decap-server" / "dist" / "index.js"
PROXY_WAIT_SECONDS = 20


class AdminError(RuntimeError):
    """Why the local editor cannot start; the message is for the editor, in Vietnamese."""


def _git(folder: Path, *args: str) -> str:
    run = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    if run.returncode:
        raise AdminError(f"“{folder}” không nằm trong một kho Git (git {' '.join(args)}: "
                         f"{run.stderr.strip()}): trình biên tập lưu bài bằng commit, hãy mở nó "
                         "trong thư mục dự án đã clone")
    return run.stdout.strip()


def repository_of(content: Path) -> tuple[Path, str, str]:
    """The checkout holding `content`, its current branch and the content folder inside it."""
    root = Path(_git(content, "rev-parse", "--show-toplevel")).resolve()
    branch = _git(content, "rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":
        raise AdminError("kho đang ở trạng thái “detached HEAD”: hãy chuyển về một nhánh "
                         "(git switch main) rồi chạy lại")
    return root, branch, content.resolve().relative_to(root).as_posix()


def uncommitted(root: Path) -> list[str]:
    return [line[3:] for line in _git(root, "status", "--porcelain").splitlines() if line]


def local_overrides(settings: dict, proxy_url: str, branch: str, content: str,
                    workflow: bool) -> dict:
    """ADMIN_CMS for the local build: the proxy, this checkout's branch and folder."""
    admin = cms.admin_settings(settings)
    backend = {**admin["backend"], "branch": branch}
    return {cms.SETTING: {**admin, "backend": backend, "local_backend": proxy_url,
                          "content_folder": content, "editorial_workflow": workflow}}


def start_proxy(root: Path, port: int, origin: str, log) -> subprocess.Popen:
    node = shutil.which("node")
    if node is None:
        raise AdminError("không có lệnh “node” (apt-get install nodejs npm)")
    if not PROXY.is_file():
        raise AdminError(f"không có {PROXY.relative_to(PROJECT)}: chạy “npm ci” trong thư mục "
                         "dự án trước")
    env = {**os.environ, "MODE": "git", "PORT": str(port), "BIND_HOST": "127.0.0.1",
           "GIT_REPO_DIRECTORY": str(root), "ORIGIN": origin, "LOG_LEVEL": "warn"}
    return subprocess.Popen([node, str(PROXY)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def wait_for_proxy(process: subprocess.Popen, url: str) -> None:
    request = urllib.request.Request(url, data=json.dumps({"action": "info"}).encode(),
                                     headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + PROXY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AdminError(f"máy chủ Git cục bộ (decap-server) dừng ngay khi chạy (mã "
                             f"{process.returncode}); có lẽ cổng đang bận: chọn cổng khác bằng "
                             "--cong-git")
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AdminError(f"máy chủ Git cục bộ không trả lời sau {PROXY_WAIT_SECONDS} giây ({url})")


def run_admin(path: str = "", settings: str = "", port: int = 8000, proxy_port: int = 8081,
              workflow: bool = False, out=None) -> int:
    out = out or sys.stdout
    settings_path = Path(settings) if settings else SETTINGS_FILE
    values = load_settings(settings_path)
    content = Path(path) if path else content_folder(values, settings_path)
    root, branch, folder = repository_of(content)
    admin = cms.admin_settings(values)
    origin = f"http://127.0.0.1:{port}"
    proxy_url = f"http://127.0.0.1:{proxy_port}/api/v1"
    pending = uncommitted(root)
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        print(f"Lưu ý: kho có {len(pending)} thay đổi chưa commit ({shown}). Lần lưu đầu tiên "
              "trong trình biên tập sẽ commit cả những thay đổi đó; muốn tách riêng, hãy commit "
              "chúng trước.", file=out, flush=True)
    # The proxy logs warnings and errors only (a commit that failed), into this terminal.
    proxy = start_proxy(root, proxy_port, origin, None)
    try:
        wait_for_proxy(proxy, proxy_url)
        print(f"Trình biên tập: {origin}/{admin['path']}/ — mỗi lần lưu là một commit trên "
              f"nhánh {branch} của {root}. Dừng: Ctrl+C.", file=out, flush=True)
        overrides = local_overrides(values, proxy_url, branch, folder, workflow)
        return serve_preview(content, settings_path, port=port, out=out, overrides=overrides,
                             quiet_paths=(f"/{admin['path']}/",))
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait()


@task(help={"path": "thư mục nội dung (content/)", "settings": "tệp cấu hình (pelicanconf.py)",
            "port": "cổng của trang xem trước và trình biên tập (8000)",
            "cong_git": "cổng của máy chủ Git cục bộ (8081)",
            "quy_trinh": "bật quy trình duyệt: lưu vào nhánh riêng, duyệt rồi mới gộp"})
def admin(c, path="", settings="", port=8000, cong_git=8081, quy_trinh=False):
    """Trình biên tập web trên máy mình: http://127.0.0.1:8000/quan-tri/, lưu là commit."""
    try:
        status = run_admin(path, settings, int(port), int(cong_git), bool(quy_trinh))
    except AdminError as error:
        raise Exit(f"Không mở được trình biên tập: {error}", code=1) from None
    if status:
        raise Exit(code=status)
