"""`invoke import-legacy SOURCE`: a saved copy of the legacy NukeViet site → `content/`.

SOURCE is a folder made by `wget --mirror` (pages under `<host>/news/<cat>/<alias>-<id>.html`,
photos under `<host>/uploads/…`) or one or more pages saved by hand. Every article page becomes
`content/<category-slug>/<YYYY>-<MM>-<DD>-<alias>.md`; its photos are copied into
`content/images/YYYY/MM/`.

Importing again is safe: an article is known by its legacy module and id (`news:1234`), so it
is never written twice; a file is written only when its text changed; a file someone edited
after the import (or wrote by hand, like the foundation's sample) is left alone and reported.
`content/data/legacy-import.json` remembers what the importer wrote, which is how it tells its
own files from edited ones. A page that fails is reported with its path and the import goes on.
"""

import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from invoke import Exit, task

from tintuc.files import write_atomically
from tintuc.frontmatter import read_source
from tintuc.legacy_import import (
    KIND_NAMES,
    LegacyArticle,
    LegacyPageError,
    NotAnArticle,
    classify_path,
    parse_page,
    render,
    strip_prefix,
    url_path,
)
from tintuc.text import slugify

MANIFEST = Path("data") / "legacy-import.json"
_PAGE_SUFFIXES = (".html", ".htm", ".shtml")
_NOT_ARTICLES = ("pages", "images", "data")  # content folders that hold no articles
_SAFE_ALIAS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


@dataclass
class Summary:
    imported: list[str] = field(default_factory=list)  # new files
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → pages
    kept: list[str] = field(default_factory=list)  # files edited by people, left alone
    failed: list[tuple[str, str]] = field(default_factory=list)
    photos_copied: int = 0
    photos_present: int = 0
    photos_missing: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return [
            "Tổng kết nhập bài từ trang cũ:",
            f"  bài mới: {len(self.imported)}",
            f"  bài cập nhật: {len(self.updated)}",
            f"  bài không đổi: {self.unchanged}",
            f"  trang bỏ qua: {skipped}" + (f" ({reasons})" if reasons else ""),
            f"  bài lỗi: {len(self.failed)}",
            f"  ảnh và tệp: {self.photos_copied} chép mới, {self.photos_present} đã có, "
            f"{len(self.photos_missing)} không tìm thấy",
            f"  thời gian: {self.seconds:.1f} giây",
        ]


def find_pages(source: Path) -> list[Path]:
    """The saved pages under SOURCE: `.html` files, and extensionless files that are HTML
    (wget without `--adjust-extension` saves `/news/tag/abc` as `abc`)."""
    if source.is_file():
        return [source]
    found = []
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix.lower() in _PAGE_SUFFIXES:
            found.append(path)
        elif not path.suffix:
            with path.open("rb") as handle:
                head = handle.read(512).lstrip().lower()
            if head.startswith((b"<!doctype html", b"<html")):
                found.append(path)
    return found


def mirror_root(path: Path, source: Path) -> Path:
    """The folder that stands for the legacy site's `/`: wget puts a folder named after the
    host first (`tinhdoan.caobang.gov.vn/`); SOURCE may be that folder or its parent."""
    base = source if source.is_dir() else source.parent
    relative = path.relative_to(base).parts
    if len(relative) > 1 and "." in relative[0] and (base / relative[0]).is_dir():
        return base / relative[0]
    return base


def page_url(path: Path, source: Path) -> str:
    """Where a saved file came from, as wget names files: `news/x/index.html` is `/news/x/`."""
    relative = path.relative_to(mirror_root(path, source)).as_posix()
    if relative.endswith("/index.html") or relative == "index.html":
        relative = relative[: -len("index.html")]
    elif "/tag/" in f"/{relative}" and relative.endswith(".html"):
        relative = relative[: -len(".html")]  # wget --adjust-extension added it
    return "/" + relative


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Assets:
    """Photos and files of one article: where each goes, copied only if the article is
    written. A name already used by other bytes gets `-2`, `-3` … in the order pages come."""

    def __init__(self, importer: "Importer", page: Path):
        self.importer = importer
        self.page = page
        self.jobs: dict[Path, Path] = {}  # destination → source file
        self.missing: list[str] = []

    def ref(self, url: str, article: LegacyArticle) -> str:
        found = self.importer.locate(url, self.page)
        if found is None:
            self.missing.append(url)
            # Keep pointing at the old site: the photo can still be fetched by hand.
            return f"{article.origin}{url}" if url.startswith("/") and article.origin else url
        folder = self.importer.content / "images" / f"{article.date:%Y}" / f"{article.date:%m}"
        destination = self.importer.destination_for(found, folder, self.jobs)
        self.jobs[destination] = found
        relative = destination.relative_to(self.importer.content).as_posix()
        return "{static}/" + relative


class Importer:
    def __init__(self, source: Path, content: Path, *, out=print, force: bool = False,
                 category_names: dict[str, str] | None = None):
        self.source = source
        self.content = content
        self.out = out
        self.force = force
        self.category_names = category_names or {}
        self.summary = Summary()
        self.manifest_path = content / MANIFEST
        self.manifest = self._load_manifest()
        self._manifest_saved = json.dumps(self.manifest, ensure_ascii=False, sort_keys=True)
        self._by_legacy_url: dict[str, Path] | None = None
        self._digests: dict[Path, str] = {}
        self._claimed: dict[Path, str] = {}  # destinations given out in this run → digest
        self._seen: dict[str, Path] = {}

    # --- state ---

    def _load_manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise Exit(f"Tệp {self.manifest_path} bị hỏng ({error}). Khôi phục nó từ git "
                       "rồi chạy lại; đừng xóa nó, vì nó phân biệt bài đã nhập với bài đã sửa "
                       "tay.", code=1) from None
        return data.get("articles", {})

    def save_manifest(self) -> None:
        text = json.dumps(self.manifest, ensure_ascii=False, sort_keys=True)
        if text == self._manifest_saved:
            return
        data = {"note": "Ghi bởi invoke import-legacy: bài đã nhập từ trang cũ. Đừng sửa tay.",
                "articles": self.manifest}
        write_atomically(self.manifest_path, (json.dumps(
            data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
        self._manifest_saved = text

    def _legacy_index(self) -> dict[str, Path]:
        """Every article already in content/, by the legacy URLs it names."""
        if self._by_legacy_url is None:
            self._by_legacy_url = {}
            for path in sorted(self.content.rglob("*.md")):
                relative = path.relative_to(self.content)
                if relative.parts[0] in _NOT_ARTICLES:
                    continue
                document = read_source(path.read_bytes(), str(path))
                for url in document.get("legacy_urls") or []:
                    self._by_legacy_url.setdefault(_identity(url), path)
        return self._by_legacy_url

    # --- assets ---

    def locate(self, url: str, page: Path) -> Path | None:
        """The saved copy of a photo or file the page refers to, if the mirror has it."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        root = mirror_root(page, self.source)
        roots = [root]
        base = self.source if self.source.is_dir() else self.source.parent
        if parts.netloc and (base / parts.netloc).is_dir():
            roots.insert(0, base / parts.netloc)
        paths = [path]
        if "/assets/" in path:
            # NukeViet's theme shows thumbnails from /assets/; the original is under /uploads/.
            paths.insert(0, path.replace("/assets/", "/uploads/", 1))
        for folder in roots:
            for candidate in paths:
                found = folder / candidate.lstrip("/")
                if found.is_file() and folder.resolve() in found.resolve().parents:
                    return found
        return None

    def _digest(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = _sha256(path.read_bytes())
        return self._digests[path]

    def destination_for(self, found: Path, folder: Path, jobs: dict[Path, Path]) -> Path:
        suffix = found.suffix.lower() or ".jpg"
        stem = slugify(unquote(found.stem)) or "anh"
        digest = self._digest(found)
        number = 1
        while True:
            name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
            candidate = folder / name
            claimed = self._claimed.get(candidate) or (
                self._digest(jobs[candidate]) if candidate in jobs else None)
            if claimed is None and candidate.exists():
                claimed = self._digest(candidate)
            if claimed is None or claimed == digest:
                return candidate
            number += 1

    def _copy_assets(self, assets: _Assets, label: str) -> None:
        for destination, found in sorted(assets.jobs.items()):
            self._claimed[destination] = self._digest(found)
            if destination.exists():
                self.summary.photos_present += 1
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, destination)
            self.summary.photos_copied += 1
        for url in assets.missing:
            self.summary.photos_missing.append((label, url))
            self.out(f"{label}: thiếu ảnh/tệp {url} (không có trong bản sao); bài vẫn trỏ tới "
                     "địa chỉ cũ, hãy tải về và thêm bằng tay")

    # --- articles ---

    def _label(self, page: Path) -> str:
        relative = os.path.relpath(page)
        return str(page) if relative.startswith("..") else relative

    def run(self) -> Summary:
        started = time.monotonic()
        try:
            for page in find_pages(self.source):
                self.import_page(page)
        finally:
            self.save_manifest()
            self.summary.seconds = time.monotonic() - started
        return self.summary

    def import_page(self, page: Path) -> None:
        label = self._label(page)
        assets = _Assets(self, page)
        try:
            article = parse_page(page.read_bytes(), page_url(page, self.source),
                                 asset_ref=assets.ref, category_names=self.category_names)
        except NotAnArticle as verdict:
            self.summary.skipped[KIND_NAMES.get(verdict.kind, verdict.kind)] += 1
            return
        except (LegacyPageError, OSError) as error:
            self.summary.failed.append((label, str(error)))
            self.out(f"{label}: lỗi: {error}")
            return
        except Exception as error:  # one odd page must not stop an afternoon's import
            self.summary.failed.append((label, f"lỗi không lường trước: {error!r}"))
            self.out(f"{label}: lỗi không lường trước khi đọc trang: {error!r}")
            return

        if article.key in self._seen:
            self.summary.skipped["trang trùng bài đã đọc"] += 1
            return
        self._seen[article.key] = page
        for note in article.notes:
            self.out(f"{label}: chú ý: {note}")
        self._store(article, assets, label)

    def _store(self, article: LegacyArticle, assets: _Assets, label: str) -> None:
        text = render(article).encode("utf-8")
        entry = self.manifest.get(article.key)
        if entry and (self.content / entry["file"]).exists():
            target = self.content / entry["file"]
        else:
            entry = None
            target = self._legacy_index().get(_identity(article.legacy_url))

        if target is None:
            target = self._new_path(article)
            self._copy_assets(assets, label)
            write_atomically(target, text)
            self.summary.imported.append(str(target))
            self._legacy_index()[_identity(article.legacy_url)] = target
        else:
            current = target.read_bytes()
            written_by_us = entry is not None and entry.get("sha256") == _sha256(current)
            if current != text and not (written_by_us or self.force):
                self.summary.kept.append(str(target))
                self.summary.skipped["bài đã có và đã được sửa tay (giữ nguyên)"] += 1
                self.out(f"{label}: giữ nguyên {target}: tệp đã có và khác bản nhập (được viết "
                         "hoặc sửa tay); dùng --force để ghi đè")
                return
            self._copy_assets(assets, label)  # only what is missing from content/images
            if current == text:
                self.summary.unchanged += 1
            else:
                write_atomically(target, text)
                self.summary.updated.append(str(target))
        self.manifest[article.key] = {
            "file": target.relative_to(self.content).as_posix(),
            "sha256": _sha256(text),
            "url": article.legacy_url,
        }
        if (len(self.summary.imported) + len(self.summary.updated)) % 25 == 24:
            self.save_manifest()  # an interrupted import resumes from here

    def _new_path(self, article: LegacyArticle) -> Path:
        folder = self.content / (slugify(article.category) or "khac")
        alias = article.alias if set(article.alias) <= _SAFE_ALIAS else slugify(article.alias)
        path = folder / f"{article.date:%Y-%m-%d}-{alias.lower()}.md"
        if path.exists():  # another article of that day has the same alias: keep both
            path = folder / f"{article.date:%Y-%m-%d}-{alias.lower()}-{article.legacy_id}.md"
        return path


def _identity(url: str) -> str:
    """One form for a legacy article URL however it was written (host, `/vi/`, `index.php/`):
    the module and id when it is an article URL, else the bare path."""
    where = classify_path(url)
    if where.kind == "article":
        return f"{where.module}:{where.legacy_id}"
    return strip_prefix(url_path(url))


def import_legacy_site(source: Path, content: Path, *, out=print, force: bool = False,
                       category_names: dict[str, str] | None = None) -> Summary:
    if not source.exists():
        raise Exit(f"Không tìm thấy {source}: hãy đưa đường dẫn tới thư mục do wget --mirror "
                   "tạo ra hoặc tới các trang đã lưu.", code=2)
    importer = Importer(source, content, out=out, force=force, category_names=category_names)
    summary = importer.run()
    for line in summary.lines():
        out(line)
    return summary


def _category_option(values: list[str]) -> dict[str, str]:
    names = {}
    for value in values:
        alias, separator, name = value.partition("=")
        if not separator or not alias.strip() or not name.strip():
            raise Exit(f"--category “{value}”: hãy viết dạng bí-danh-cũ=Tên chuyên mục, ví dụ "
                       "doan-co-so=Hoạt động Đoàn", code=2)
        names[alias.strip()] = name.strip()
    return names


@task(
    help={
        "source": "thư mục do wget --mirror tạo ra, hoặc một trang đã lưu",
        "content": "thư mục nội dung để ghi bài (content)",
        "category": "đổi chuyên mục cũ sang tên mới: bi-danh-cu=Tên mới (dùng nhiều lần được)",
        "force": "ghi đè cả bài đã được sửa tay sau lần nhập trước",
    },
    iterable=["category"],
)
def import_legacy(c, source, content="content", category=None, force=False):
    """Import the legacy NukeViet site's articles (a wget --mirror folder) into content/."""
    summary = import_legacy_site(Path(source), Path(content), force=force,
                                 category_names=_category_option(category or []))
    if summary.failed:
        raise Exit(f"{len(summary.failed)} trang không nhập được (xem các dòng “lỗi” ở trên); "
                   "các bài khác đã được nhập.", code=1)


if __name__ == "__main__":  # python -m tintuc_tools.importer SOURCE [CONTENT]
    arguments = sys.argv[1:]
    if not arguments:
        print("cách dùng: python -m tintuc_tools.importer NGUỒN [THƯ_MỤC_NỘI_DUNG]",
              file=sys.stderr)
        sys.exit(2)
    result = import_legacy_site(Path(arguments[0]), Path(arguments[1] if len(arguments) > 1
                                                         else "content"))
    sys.exit(1 if result.failed else 0)
