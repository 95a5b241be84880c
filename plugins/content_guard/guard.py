"""The checks of content_guard, on Pelican's objects."""

import logging
import os
from pathlib import Path

from tintuc import active_content, paths
from tintuc.files import display_path
from tintuc.problems import ERROR, Explained, Problem
from tintuc_plugins import pelican_compat

logger = logging.getLogger(__name__)


class ContentRefused(Explained):
    """Files the build must not read; each was reported with its path."""


def refuse_links_out(pelican) -> None:
    """Stop before anything is read when a link leads out of the content folder, and before
    anything is deleted when the output folder is itself a link (a published release: Pelican
    would empty it and write the new site into it file by file, half-published meanwhile)."""
    output = pelican.settings["OUTPUT_PATH"]
    if os.path.islink(output.rstrip(os.sep)):
        raise ContentRefused(f"Thư mục kết quả {output} là liên kết tượng trưng (tới "
                             f"{os.readlink(output.rstrip(os.sep))}): bản dựng không ghi vào đó. "
                             "Dựng vào một thư mục thường (mặc định output/), rồi xuất bản bằng "
                             "“invoke publish”.")
    refused = paths.refused_symlinks(pelican.settings["PATH"])
    for path, reason in refused:
        logger.error("%s", paths.symlink_problem(display_path(path), reason))
    if refused:
        raise ContentRefused(f"Có {len(refused)} liên kết tượng trưng không được phép trong thư "
                             "mục nội dung (xem ở trên); bản dựng dừng lại, chưa đọc tệp nào.")


def _static_problem(root: str, static) -> Problem | None:
    source = static.source_path
    if not os.path.isabs(source):
        source = os.path.join(root, source)
    shown = display_path(source)
    if not paths.is_inside(root, source):
        return Problem(shown, 1, "outside-content", "tệp này nằm ngoài thư mục nội dung nên "
                       "không được đăng", "chép tệp vào content/images rồi liên kết tới bản "
                       "chép đó", ERROR)
    # Where it is planned to go: an `{attach}` link may still move it beside its article
    # (which keeps it inside the output anyway).
    save_as, _url = pelican_compat.planned_location(static)
    if paths.contained(save_as.replace(os.sep, "/")) is None:
        return Problem(shown, 1, "outside-output", f"tệp sẽ được chép ra ngoài thư mục kết quả "
                       f"({save_as})", "đặt tệp trong content/images", ERROR)
    # Pelican also lists files that links name but that do not exist: nothing to read there.
    if active_content.is_checked(source) and os.path.isfile(source):
        findings = active_content.findings_for(source, Path(source).read_bytes())
        if findings:
            return Problem(shown, findings[0].line, "active-content",
                           active_content.describe(findings), active_content.HINT, ERROR)
    return None


def check_static_files(generator) -> None:
    """Every file Pelican will copy; problems are logged as errors, which stop the build
    before anything is written (build_guard)."""
    for static in generator.staticfiles:
        problem = _static_problem(generator.path, static)
        if problem:
            logger.error("%s", problem)
