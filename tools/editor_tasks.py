"""Editors' tasks: `invoke new`, `invoke check`, `invoke livereload` (issue 5).

Their descriptions are in Vietnamese: editors read them in `invoke --list`. Thin: each parses
its options and calls tintuc.new_article, tools.check_files or tools.preview, where the work
is done and tested.
"""

from pathlib import Path

from invoke import Exit, task

from tintuc.files import content_folder, display_path, load_settings
from tintuc.new_article import NewArticleError, create_article
from tintuc_tools.check_files import SETTINGS_FILE
from tintuc_tools.check_files import run as run_check_command
from tintuc_tools.preview import serve_preview


def _settings(settings: str):
    path = Path(settings) if settings else SETTINGS_FILE
    return path, load_settings(path)


@task(help={"tieu_de": "tiêu đề bài viết, trong ngoặc kép",
            "chuyen_muc": "chuyên mục (mặc định: chuyên mục đầu tiên trong NEWS_CATEGORIES)",
            "path": "thư mục nội dung (content/)", "settings": "tệp cấu hình (pelicanconf.py)"})
def new(c, tieu_de, chuyen_muc="", path="", settings=""):
    """Tạo tệp bài mới với đủ các khóa ở phần đầu; in đường dẫn tệp."""
    settings_path, values = _settings(settings)
    content = Path(path) if path else content_folder(values, settings_path)
    try:
        created = create_article(content, tieu_de, chuyen_muc or None,
                                 values.get("NEWS_CATEGORIES", []))
    except NewArticleError as error:
        raise Exit(f"Không tạo được bài: {error}", code=1) from None
    print(display_path(created))


@task(help={"path": "thư mục nội dung (content/)", "json": "in kết quả dạng JSON",
            "fix": "chuyển tệp gõ ở dạng NFD sang NFC, giữ bản gốc .bak",
            "settings": "tệp cấu hình (pelicanconf.py)",
            "verbose": "in từng cảnh báo (mặc định: cảnh báo giống nhau ở nhiều tệp gộp "
                       "thành một dòng)"})
def check(c, path="", json=False, fix=False, settings="", verbose=False):
    """Kiểm tra bài viết, không cần dựng trang; có lỗi thì trả mã 1."""
    status = run_check_command(path or None, settings or None, as_json=json, fix=fix,
                               verbose=verbose)
    if status:
        raise Exit(code=status)


@task(help={"port": "cổng (8000)", "path": "thư mục nội dung (content/)",
            "settings": "tệp cấu hình (pelicanconf.py)", "bind": "địa chỉ (127.0.0.1)",
            "drafts": "hiện bản nháp tại /ban-nhap/… (mặc định: có; --no-drafts để tắt)"})
def livereload(c, port=8000, path="", settings="", bind="127.0.0.1", drafts=True):
    """Xem trước tại http://127.0.0.1:8000, tự dựng lại khi lưu tệp."""
    status = serve_preview(path or None, settings or None, port=int(port), bind=bind,
                           drafts=drafts)
    if status:
        raise Exit(code=status)
