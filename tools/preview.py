"""`invoke livereload`: a local preview that rebuilds on save and refreshes the browser.

How it works, and why:
- Each build is a fresh `pelican` process. Pelican keeps state between runs in one process
  (signal receivers, logging filters), and a crash or a content error in a child can never
  take the server down: the error is printed in the terminal and shown over the page.
- Each build writes into a new folder and the server switches to it only when the build
  succeeds, so the browser never sees a half-written site, and after a failed build it keeps
  showing the last good one.
- Every HTML page is served with a small script that asks the server, about once a second,
  which build it is on; when a newer build is ready the page reloads itself. Polling plain
  HTTP needs nothing but the standard library in the server and the browser.
- Drafts are written at `ban-nhap/{slug}.html` (only here: real builds never write them) and
  the theme marks them as drafts; their addresses are printed after each build.
- Files are watched with `watchfiles`, which Pelican itself depends on.
"""

import argparse
import html
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tintuc.checker import run_check
from tintuc.files import (
    ARTICLE,
    MARKDOWN_EXTENSIONS,
    PAGE,
    content_folder,
    display_path,
    kind_of,
    load_settings,
)

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = PROJECT / "pelicanconf.py"
DRAFT_URLS = {
    "DRAFT_URL": "ban-nhap/{slug}.html",
    "DRAFT_SAVE_AS": "ban-nhap/{slug}.html",
    "DRAFT_PAGE_URL": "ban-nhap/trang/{slug}.html",
    "DRAFT_PAGE_SAVE_AS": "ban-nhap/trang/{slug}.html",
}
SERVICE = "/__xem-truoc/"  # the preview's own URLs, beside the site's
# Source folders of the project that change what a build writes, beside the content.
WATCHED_PROJECT_FOLDERS = ("theme", "plugins", "tintuc")
_SCRATCH_SUFFIXES = (".bak", ".nfc-tmp", ".tmp", ".swp", ".swx", "~", ".pyc")

RELOAD_SCRIPT = """(function () {
  var me = document.currentScript;
  var shown = me ? me.getAttribute("data-build") : null;
  var box = null;
  function tell(text, isError) {
    if (!text) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:99999;max-height:50vh;" +
        "overflow:auto;margin:0;padding:12px 16px;font:14px/1.4 monospace;white-space:pre-wrap;" +
        "box-shadow:0 -2px 8px rgba(0,0,0,.3)";
      document.body.appendChild(box);
    }
    box.style.background = isError ? "#fff0f0" : "#fff8d6";
    box.style.color = isError ? "#8a0000" : "#5a4500";
    box.style.borderTop = "4px solid " + (isError ? "#c8102e" : "#a86500");
    box.textContent = text;
  }
  function ask() {
    fetch("__SERVICE__trang-thai", {cache: "no-store"}).then(function (answer) {
      return answer.json();
    }).then(function (state) {
      if (shown !== null && String(state.build) !== shown) { location.reload(); return; }
      if (state.error) {
        tell("Lỗi khi dựng trang (đang hiển thị bản dựng trước). Sửa tệp rồi lưu lại:\\n\\n" +
             state.error, true);
      } else {
        tell(state.building ? "Đang dựng lại trang…" : "", false);
      }
      setTimeout(ask, 800);
    }).catch(function () {
      tell("Máy chủ xem trước đã dừng. Chạy lại: invoke livereload", false);
      setTimeout(ask, 3000);
    });
  }
  ask();
})();
""".replace("__SERVICE__", SERVICE)

PLAIN_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Xem trước</title></head>
<body><h1>{heading}</h1><pre>{details}</pre>{script}</body></html>
"""


class Preview:
    """The builds, the state the browser polls, and the watching."""

    def __init__(self, content: Path, settings_file: Path, *, port: int = 8000,
                 bind: str = "127.0.0.1", drafts: bool = True, out=None,
                 overrides: dict | None = None, quiet_paths: tuple[str, ...] = ()):
        self.content = Path(content).resolve()
        self.settings_file = Path(settings_file).resolve()
        self.port = port
        self.bind = bind
        self.drafts = drafts
        # Settings given to every build (`invoke admin`: the editor's local Git proxy), and
        # pages served without the reload script (the web editor must not reload mid-edit).
        self.overrides = dict(overrides or {})
        self.quiet_paths = tuple(quiet_paths)
        self.out = out or sys.stdout
        self.workspace = Path(tempfile.mkdtemp(prefix="tintuc-xem-truoc-"))
        self.site: Path | None = None
        self.build_number = 0
        self.error = ""
        self.building = False
        self.stop = threading.Event()
        self._process: subprocess.Popen | None = None
        self._drafts_seen: list[str] = []
        self._lock = threading.Lock()
        self._changes: queue.Queue = queue.Queue()
        self._settings_cache: tuple[int, dict] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.port}/"

    def say(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=self.out, flush=True)

    # --- building ---------------------------------------------------------------------

    def command(self, output: Path) -> list[str]:
        command = [sys.executable, "-m", "pelican", str(self.content), "-s",
                   str(self.settings_file), "-o", str(output)]
        overrides = {**(DRAFT_URLS if self.drafts else {}), **self.overrides}
        if overrides:
            # One `-e` with every override: argparse keeps only the last `-e` given.
            command += ["-e", *(f"{name}={json.dumps(value)}"
                                for name, value in overrides.items())]
        return command

    def build(self, changed: list[str] = ()) -> bool:
        """Build into a new folder; switch to it only when the build succeeds."""
        with self._lock:
            number = self.build_number + 1
            target = self.workspace / f"ban-dung-{number}"
            self.building = True
            started = time.monotonic()
            # Pelican's log lines are laid out for a terminal of COLUMNS characters; wide
            # enough never to wrap a message, then `_tidy` takes the layout off again.
            # (`--log-handler plain` would be simpler, but in Pelican 4.12 it installs no
            # handler at all and the errors vanish.)
            env = {**os.environ, "COLUMNS": "1000", "PYTHONIOENCODING": "utf-8"}
            try:
                self._process = subprocess.Popen(
                    self.command(target), cwd=self.settings_file.parent, env=env, text=True,
                    encoding="utf-8", errors="replace", stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                try:
                    output, _ = self._process.communicate()
                except BaseException:  # Ctrl+C or SIGTERM mid-build: no orphan pelican
                    self._process.kill()
                    self._process.wait()
                    raise
                succeeded = self._process.returncode == 0
            finally:
                self._process = None
                self.building = False
            seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
            output = _tidy(output)
            if output:
                print(output, file=self.out, flush=True)
            if not succeeded:
                shutil.rmtree(target, ignore_errors=True)
                self.error = output or "pelican dừng mà không báo lý do"
                self.say(f"Dựng trang bị lỗi sau {seconds} giây; trình duyệt vẫn hiển thị bản "
                         "trước. Sửa lỗi ở trên rồi lưu tệp, trang sẽ tự dựng lại.")
                return False
            previous, self.site = self.site, target
            self.error = ""
            self.build_number = number
            if previous is not None:
                shutil.rmtree(previous, ignore_errors=True)
        self.say(f"Đã dựng xong sau {seconds} giây: {self.url}")
        self._tell_drafts()
        self._tell_content_problems(changed, output)
        return True

    def _tell_drafts(self) -> None:
        if not self.drafts or self.site is None:
            return
        drafts = sorted(path.relative_to(self.site).as_posix()
                        for path in (self.site / "ban-nhap").rglob("*.html"))
        if drafts and drafts != self._drafts_seen:
            self.say("Bản nháp (chỉ có trong xem trước): "
                     + ", ".join(self.url + draft for draft in drafts))
        self._drafts_seen = drafts

    def _tell_content_problems(self, changed: list[str], build_output: str) -> None:
        """What `invoke check` says about the articles just saved that the build did not
        (missing photos, alt text, long leads…), so it is seen while writing."""
        saved = [Path(path) for path in changed if self._is_document(Path(path))]
        if not saved:
            return
        try:
            result = run_check(self.content, self._settings(), only=saved)
        except Exception as error:  # a check that fails must not stop the preview
            self.say(f"Không kiểm tra được bài vừa sửa: {error}")
            return
        for problem in result.problems:
            if problem.message not in build_output:
                print(problem, file=self.out, flush=True)

    def _is_document(self, path: Path) -> bool:
        """Whether `path` is an article or a page of the content folder."""
        resolved = path.resolve()
        return resolved.is_relative_to(self.content) and kind_of(
            resolved.relative_to(self.content).as_posix(), self._settings()) in (ARTICLE, PAGE)

    def _settings(self) -> dict:
        # Read again only when the file changed.
        stamp = self.settings_file.stat().st_mtime_ns
        if self._settings_cache is None or self._settings_cache[0] != stamp:
            self._settings_cache = (stamp, load_settings(self.settings_file))
        return self._settings_cache[1]

    # --- watching ---------------------------------------------------------------------

    def watched_paths(self) -> list[Path]:
        project = self.settings_file.parent
        paths = [self.content, self.settings_file]
        paths += [project / name for name in WATCHED_PROJECT_FOLDERS if (project / name).is_dir()]
        return paths

    @staticmethod
    def wanted(change, path: str) -> bool:
        name = os.path.basename(path)
        return not (name.startswith(".") or name.endswith(_SCRATCH_SUFFIXES)
                    or "__pycache__" in path)

    def start_watching(self) -> None:
        """Watch in a thread from now on, before the first build, so that no save made
        while it runs is missed; `rebuild_on_changes` does the builds."""
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        import watchfiles

        for changes in watchfiles.watch(*self.watched_paths(), watch_filter=self.wanted,
                                        stop_event=self.stop, debounce=400, step=100,
                                        raise_interrupt=False):
            self._changes.put(changes)

    def rebuild_on_changes(self) -> None:
        """Build after every batch of changes until stopped; batches that came in during a
        build are merged into one rebuild."""
        while not self.stop.is_set():
            try:
                changes = self._changes.get(timeout=0.5)
            except queue.Empty:
                continue
            while not self._changes.empty():
                changes = changes | self._changes.get_nowait()
            # Editors' tools save through temporary files that are gone by now: name what is
            # still there, and deleted articles; rebuild whatever changed.
            changed = sorted({display_path(Path(path)) for _change, path in changes
                              if Path(path).exists() or Path(path).suffix in MARKDOWN_EXTENSIONS})
            self.say("Có thay đổi: " + (", ".join(changed) or "tệp đã xóa") + "; đang dựng lại…")
            self.build(changed)

    def close(self) -> None:
        self.stop.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        shutil.rmtree(self.workspace, ignore_errors=True)

    # --- serving ----------------------------------------------------------------------

    def state(self) -> dict:
        return {"build": self.build_number, "building": self.building, "error": self.error}

    def make_server(self) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((self.bind, self.port), partial(_Handler, preview=self))
        self.port = server.server_address[1]  # the real one when asked for port 0
        return server


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, preview: Preview, **kwargs):
        self.preview = preview
        site = preview.site or preview.workspace
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format, *args):
        pass  # one line per request would bury the build messages editors need to see

    def end_headers(self):
        # A rebuilt page must never come from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(SERVICE):
            return self._service(path[len(SERVICE):])
        if self.preview.site is None:
            return self._waiting()
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # the redirect to the address with a slash
            local = local / "index.html"
            if not local.is_file():
                return super().do_GET()
        if local.suffix == ".html" and local.is_file():
            if path.startswith(self.preview.quiet_paths):
                return super().do_GET()
            return self._page(local, HTTPStatus.OK)
        if not local.exists():
            return self._not_found()
        return super().do_GET()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _script_tag(self) -> str:
        return (f'<script src="{SERVICE}tai-lai.js" '
                f'data-build="{self.preview.build_number}"></script>')

    def _page(self, file: Path, status: HTTPStatus) -> None:
        text = file.read_text(encoding="utf-8", errors="replace")
        before, found, after = text.rpartition("</body>")
        text = f"{before}{self._script_tag()}{found}{after}" if found else text + self._script_tag()
        self._send(status, "text/html; charset=utf-8", text.encode("utf-8"))

    def _not_found(self) -> None:
        # With the script, so a page opened before its article is written appears by itself.
        theirs = self.preview.site / "404.html"
        if theirs.is_file():
            return self._page(theirs, HTTPStatus.NOT_FOUND)
        page = PLAIN_PAGE.format(
            heading="Chưa có trang này",
            details=html.escape(f"{self.path}: lưu bài viết, trang sẽ tự hiện khi dựng xong."),
            script=self._script_tag(),
        )
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", page.encode("utf-8"))

    def _waiting(self) -> None:
        if self.preview.error:
            heading = "Dựng trang bị lỗi: sửa tệp rồi lưu lại, trang sẽ tự tải lại"
        else:
            heading = "Đang dựng trang xem trước…"
        page = PLAIN_PAGE.format(heading=heading, details=html.escape(self.preview.error),
                                 script=self._script_tag())
        self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                   page.encode("utf-8"))

    def _service(self, name: str) -> None:
        if name == "tai-lai.js":
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8",
                       RELOAD_SCRIPT.encode("utf-8"))
        elif name == "trang-thai":
            body = json.dumps(self.preview.state(), ensure_ascii=False).encode("utf-8")
            self._send(HTTPStatus.OK, "application/json; charset=utf-8", body)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)


_LOGGED_AT = re.compile(r"\s{2,}[\w.-]+\.py:\d+\s*$")


def _tidy(output: str) -> str:
    """Pelican's log without its padding and the Python file that logged each line, which
    means nothing to an editor."""
    lines = (_LOGGED_AT.sub("", line).rstrip() for line in output.splitlines())
    return "\n".join(line for line in lines if line).strip()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve_preview(content=None, settings_file=None, port: int = 8000, bind: str = "127.0.0.1",
                  drafts: bool = True, out=None, overrides: dict | None = None,
                  quiet_paths: tuple[str, ...] = ()) -> int:
    """Build, serve and rebuild on save until Ctrl+C; the exit status."""
    out = out or sys.stdout
    settings_path = Path(settings_file) if settings_file else SETTINGS_FILE
    if content is None:
        content = content_folder(load_settings(settings_path), settings_path)
    if not Path(content).is_dir():
        print(f"Không thấy thư mục nội dung “{content}”: hãy ghi đúng thư mục sau --path.",
              file=out)
        return 2
    preview = Preview(Path(content), settings_path, port=port, bind=bind, drafts=drafts, out=out,
                      overrides=overrides, quiet_paths=quiet_paths)
    try:
        server = preview.make_server()
    except OSError as error:
        preview.close()
        print(f"Không mở được cổng {port} ({error.strerror}): có lẽ một bản xem trước khác "
              f"đang chạy. Dừng nó, hoặc chọn cổng khác: invoke livereload --port {port + 1}",
              file=out)
        return 1
    if threading.current_thread() is threading.main_thread():
        # `kill` (and test harnesses) send SIGTERM: clean up as for Ctrl+C.
        signal.signal(signal.SIGTERM, _interrupt)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    preview.say(f"Xem trước tại {preview.url} — lưu tệp là trang tự dựng lại và tải lại. "
                "Dừng: Ctrl+C.")
    try:
        preview.start_watching()
        preview.build()
        preview.rebuild_on_changes()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        preview.close()
        print("Đã dừng xem trước.", file=out, flush=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tintuc_tools.preview",
                                     description="Xem trước trang, tự dựng lại khi lưu tệp.")
    parser.add_argument("--path", help="thư mục nội dung (mặc định: content/)")
    parser.add_argument("--settings", help="tệp cấu hình (mặc định: pelicanconf.py)")
    parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định: 8000)")
    parser.add_argument("--bind", default="127.0.0.1", help="địa chỉ (mặc định: 127.0.0.1)")
    parser.add_argument("--no-drafts", action="store_true", help="không hiện bản nháp")
    options = parser.parse_args(argv)
    return serve_preview(options.path, options.settings, options.port, options.bind,
                         not options.no_drafts)


if __name__ == "__main__":
    sys.exit(main())
