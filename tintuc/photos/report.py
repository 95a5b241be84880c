"""Reporting: what editors are told about photos that are missing or could not be processed,
with the article's file and line."""

from __future__ import annotations

import os
from pathlib import Path

from tintuc.files import display_path
from tintuc.images import Failure, PhotoSettings, failure_text, reference_line
from tintuc.photos.references import Photo, Reference, written_path
from tintuc.problems import ERROR, WARNING, Problem


def problems(references: list[Reference], settings: PhotoSettings,
             content_root: str) -> list[Problem]:
    """One problem per reference to a photo that is missing or failed, at its line; errors
    when PHOTOS["on_error"] is "stop", else warnings."""
    level = ERROR if settings.on_error == "stop" else WARNING
    found: list[Problem] = []
    sources: dict[str, str] = {}
    occurrences: dict[tuple[int, str], int] = {}
    for reference in references:
        photo = reference.photo
        failure = Failure("missing") if photo is None else photo.failure
        needle = written_path(reference.written)
        key = (id(reference.document), needle)
        occurrence = occurrences.get(key, 0)
        occurrences[key] = occurrence + 1
        if failure is None:
            continue
        path = reference.document.source_path
        if path not in sources:
            try:
                sources[path] = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                sources[path] = ""
        line = reference_line(sources[path], needle, occurrence=occurrence) or 1
        label = f"{'ảnh đại diện' if reference.featured else 'ảnh'} “{needle}”"
        if failure.kind == "missing":
            expected = os.path.join(content_root, *reference.relpath.split("/"))
            label += f" (không có tệp {display_path(expected)})"
        message, hint = failure_text(failure, label, max_pixels=settings.max_pixels)
        found.append(Problem(display_path(path), line, f"photo-{failure.kind}", message, hint,
                             level))
    return found


def unused_failures(photos: dict[str, Photo], settings: PhotoSettings) -> list[str]:
    """Photos no document shows that could not be processed (a published original to clean)."""
    lines = []
    for photo in photos.values():
        if photo.failure is not None and not photo.referenced:
            message, hint = failure_text(photo.failure, f"ảnh “{photo.relpath}”",
                                         max_pixels=settings.max_pixels)
            lines.append(f"{display_path(photo.source)}: cảnh báo: {message} (không bài nào "
                         f"dùng ảnh này). Cách sửa: {hint}")
    return lines
