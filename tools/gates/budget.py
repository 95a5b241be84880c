"""The `budget` gate: size limits per file (HTML, CSS, JS, images) and for the whole site."""

import fnmatch
from pathlib import Path

from tintuc_tools.gates.base import Finding

BUDGET_KINDS = {
    "html_kb": ((".html",), "trang HTML"),
    "css_kb": ((".css",), "tệp CSS"),
    "js_kb": ((".js", ".mjs"), "tệp JavaScript"),
    "image_kb": ((".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"), "ảnh"),
}
DEFAULT_BUDGET = {"html_kb": 60, "css_kb": 25, "js_kb": 30, "image_kb": None,
                  "site_mb": 2048, "exclude": [], "report": 5}
COMPRESSED_SUFFIXES = (".gz", ".br")


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def check_budget(output: Path, budget: dict | None = None) -> tuple[list[Finding], list[str]]:
    """Files over their kind's limit, largest first; notes name the largest of each kind."""
    budget = {**DEFAULT_BUDGET, **(budget or {})}
    shown = int(budget.get("report") or 5)
    by_kind: dict[str, list[tuple[int, str]]] = {kind: [] for kind in BUDGET_KINDS}
    total = 0
    for path in output.rglob("*"):
        if not path.is_file() or path.name.endswith(COMPRESSED_SUFFIXES):
            continue  # the copies a server may send instead are not extra weight for a reader
        size = path.stat().st_size
        total += size
        relpath = path.relative_to(output).as_posix()
        if any(fnmatch.fnmatch(relpath, pattern) for pattern in budget.get("exclude") or ()):
            continue
        for kind, (suffixes, _label) in BUDGET_KINDS.items():
            if path.suffix.lower() in suffixes:
                by_kind[kind].append((size, relpath))
    findings, notes = [], []
    for kind, files in by_kind.items():
        files.sort(reverse=True)
        label = BUDGET_KINDS[kind][1]
        limit = budget.get(kind)
        if limit is not None:
            over = [(size, relpath) for size, relpath in files if size > limit * 1024]
            for size, relpath in over:
                findings.append(Finding(relpath, 0, f"{label} nặng {_kb(size)}, vượt giới hạn "
                                                    f"{limit} KB (PUBLISH_BUDGET[\"{kind}\"])"))
        if files:
            largest = ", ".join(f"{relpath} {_kb(size)}" for size, relpath in files[:shown])
            notes.append(f"{label} lớn nhất: {largest}")
    limit_mb = budget.get("site_mb")
    notes.append(f"Cả trang: {total / 1024 / 1024:.1f} MB trong {output}")
    if limit_mb is not None and total > limit_mb * 1024 * 1024:
        findings.append(Finding("", 0, f"cả trang nặng {total / 1024 / 1024:.1f} MB, vượt giới "
                                       f"hạn {limit_mb} MB (PUBLISH_BUDGET[\"site_mb\"])"))
    return findings, notes
