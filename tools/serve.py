"""`invoke serve`: the built site over HTTP on this machine, and nothing else.

Serving only reads. It never starts Pelican (whose plugins prepare a build as soon as Pelican
is created: the output folder was once set aside by `pelican --listen`, leaving the served
folder empty), never writes a file, and never answers with a file outside the folder it
serves, whatever symbolic links the folder holds. Missing pages get the site's 404 page with
status 404, as the production server (deploy/nginx/tintuc.conf) does.
"""

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path

from tintuc.paths import is_inside


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """GET and HEAD for the files of one folder; every other method is refused by the base
    class (501)."""

    quiet = False

    def translate_path(self, path: str) -> str:
        translated = super().translate_path(path)
        # A link inside the folder that leads out of it is treated as absent.
        return translated if is_inside(self.directory, translated) else os.devnull + "/absent"

    def list_directory(self, path):
        # A folder without index.html is not a page (nginx answers 404 too).
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory, "404.html")
        if code != 404 or not not_found.is_file() or self.command != "GET":
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class QuietSiteHandler(SiteHandler):
    quiet = True


def make_server(folder: Path, port: int = 8000, bind: str = "127.0.0.1",
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietSiteHandler if quiet else SiteHandler,
                                directory=str(folder))
    return http.server.ThreadingHTTPServer((bind, port), handler)


@contextlib.contextmanager
def serving(folder: Path, quiet: bool = True):
    """The site in `folder` on 127.0.0.1 and a free port, for as long as the block runs."""
    httpd = make_server(folder, port=0, quiet=quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


class NothingToServe(Exception):
    """The folder holds no built site; the message says what to do, in Vietnamese."""


def serve_forever(folder: Path, port: int = 8000, bind: str = "127.0.0.1") -> None:
    if not Path(folder, "index.html").is_file():
        raise NothingToServe(f"Không có trang đã dựng trong {folder} (thiếu index.html). "
                             "Chạy “invoke build” trước, hoặc chỉ đúng thư mục bằng --output.")
    httpd = make_server(Path(folder), port, bind)
    print(f"Đang phục vụ {folder} tại http://{bind}:{httpd.server_port}/ "
          "(Ctrl+C để dừng)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
