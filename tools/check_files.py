"""`python -m tintuc_tools.check_files [FILE …]`: the content check, for `invoke check` and
pre-commit.

Without files it checks the whole content folder; with files (what pre-commit passes: the
changed ones) it reports on those alone, still comparing them with the rest of the folder.
Exit status 1 when any error is found, so a commit or a CI step stops; warnings never stop.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from tintuc.active_content import is_checked
from tintuc.checker import fix_normalisation, report_json, report_text, run_check
from tintuc.files import MARKDOWN_EXTENSIONS, content_folder, load_settings, setting
from tintuc.processes import start_child, wait_child

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = PROJECT / "pelicanconf.py"


def check_cache_file(settings: dict, settings_file: Path) -> Path:
    """The check's cache, beside the build's (CACHE_PATH, relative to the settings file as
    Pelican reads it; `cache/` by default)."""
    return (settings_file.resolve().parent / setting(settings, "CACHE_PATH", "cache")
            / "content-check.pickle")


def run(path: str | None = None, settings_file: str | None = None, files=None,
        as_json: bool = False, fix: bool = False, out=None, verbose: bool = False,
        verbose_hint: str = "invoke check --verbose") -> int:
    """Check, print the report, and return the exit status.

    Warnings given in the same words at many places are grouped unless `verbose`; JSON
    always holds every problem."""
    out = out or sys.stdout
    settings_path = Path(settings_file) if settings_file else SETTINGS_FILE
    settings = load_settings(settings_path)
    content = Path(path) if path else content_folder(settings, settings_path)
    if not content.is_dir():
        print(f"Không thấy thư mục nội dung “{content}”: hãy ghi đúng thư mục sau --path.",
              file=out)
        return 2
    only = None
    if files is not None:
        root = content.resolve()
        # A link is judged where it lies, not where it points.
        only = [name for name in files
                if (Path(name).suffix in MARKDOWN_EXTENSIONS or is_checked(name)
                    or Path(name).is_symlink())
                and (Path(name).parent.resolve() / Path(name).name).is_relative_to(root)]
        if not only:
            return 0
    fixed = fix_normalisation(content, settings, only=only) if fix else []
    result = run_check(content, settings, only=only,
                       cache_file=check_cache_file(settings, settings_path))
    if as_json:
        print(json.dumps(report_json(result, fixed), ensure_ascii=False, indent=2), file=out)
    else:
        print(report_text(result, fixed, verbose=verbose, verbose_hint=verbose_hint),
              file=out)
    return 1 if result.errors else 0


def run_apart(*args, **kwargs) -> int:
    """`run` in a forked process, where fork exists: its memory (every file's header, about
    100 MB at 10,000 articles) goes back to the system before the build starts, instead of
    staying with `invoke build` while Pelican, its writers and Pagefind run."""
    if not hasattr(os, "fork"):
        return run(*args, **kwargs)
    status = wait_child(start_child(lambda: run(*args, **kwargs)))
    return status if status is not None and status >= 0 else 1  # killed: not a pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tintuc_tools.check_files",
        description="Kiểm tra bài viết (như invoke check); chỉ báo về các tệp được ghi.",
    )
    parser.add_argument("files", nargs="*", help="tệp cần kiểm tra (mặc định: cả thư mục)")
    parser.add_argument("--path", help="thư mục nội dung (mặc định: content/)")
    parser.add_argument("--settings", help="tệp cấu hình (mặc định: pelicanconf.py)")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--fix", action="store_true",
                        help="chuyển tệp gõ ở dạng NFD sang NFC, giữ bản gốc .bak")
    parser.add_argument("--verbose", action="store_true",
                        help="in từng cảnh báo, không gộp các cảnh báo giống nhau")
    options = parser.parse_args(argv)
    return run(options.path, options.settings, options.files or None, options.json,
               options.fix, verbose=options.verbose,
               verbose_hint="python -m tintuc_tools.check_files --verbose")


if __name__ == "__main__":
    sys.exit(main())
