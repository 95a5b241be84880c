"""Pelican's side of the photos: which photos the site shows, where, and what they become.

Once per build, at `all_generators_finalized` (every article, page and static file known,
nothing written yet):
1. every `<img>` of every written article and page, and every featured image, is resolved to
   its static file; each file gets the roles it needs (content, thumb, og, original);
2. `tintuc.images` makes what the cache does not have yet, on all cores, in one batch;
3. each document's HTML is rewritten once (`<img>` → `<picture>`), the templates get
   `photo()`, and the published originals are swapped for their cleaned copies;
4. problems are told with the article's file and line; PHOTOS["on_error"] decides whether
   the build goes on (originals left as they are) or stops.
The files are copied to the output by a small generator, when Pelican writes.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup
from pelican.contents import Content

from tintuc.files import replacing
from tintuc.images import (
    PROCESSED_EXTENSIONS,
    Entry,
    Failure,
    Job,
    PhotoCache,
    PhotoSettings,
    PhotoSettingsError,
    entry_id,
    failure_text,
    fallback_variant,
    parse_settings,
    picture_html,
    readable_stem,
    reference_line,
    rewrite_images,
    run_jobs,
)
from tintuc.problems import ERROR, WARNING, Explained, Problem
from tintuc.processes import worker_count

logger = logging.getLogger(__name__)

_DIRECTIVE = re.compile(r"^(?:\{(?:static|attach)\}|\|(?:static|attach)\|)(?P<path>.*)$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class PhotosStopped(Explained):
    """The build stops on a photo problem (PHOTOS["on_error"] = "stop") or a bad setting."""


def check_settings(pelican) -> None:
    """A mistake in PHOTOS stops the build before anything is read."""
    try:
        parse_settings(pelican.settings.get("PHOTOS"))
    except PhotoSettingsError as error:
        raise PhotosStopped(str(error)) from None


# --- What the pages show ---------------------------------------------------------------------

@dataclass
class Photo:
    """One static file that some page shows."""

    relpath: str  # relative to the content folder: `images/2022/11/x.jpg`
    source: str  # absolute path of the file
    static: Content | None
    roles: set[str] = field(default_factory=set)
    entries: dict[str, Entry] = field(default_factory=dict)
    failure: Failure | None = None
    referenced: bool = False


@dataclass
class Reference:
    document: Content
    written: str  # the path as the editor wrote it (for the line number)
    relpath: str  # where the file should be, relative to the content folder
    photo: Photo | None  # None: the file does not exist
    featured: bool
    index: int = -1  # the n-th `<img>` of the body


def _display_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _documents(generators) -> list[Content]:
    """Every article and page that this build writes, drafts only when they are written."""
    seen, found = set(), []
    for generator in generators:
        for name in ("articles", "translations", "hidden_articles", "hidden_translations",
                     "drafts", "drafts_translations", "pages", "hidden_pages",
                     "hidden_translations", "draft_pages", "draft_translations"):
            for document in getattr(generator, name, None) or ():
                if id(document) not in seen and isinstance(document, Content) \
                        and document.save_as:
                    seen.add(id(document))
                    found.append(document)
    return found


class _Statics:
    """Pelican's static files, found by source path (`{static}`) or by URL (`/images/…`)."""

    def __init__(self, context, settings):
        self.by_source: dict[str, Content] = dict(context.get("static_content", {}))
        self._by_url: dict[str, Content] | None = None
        self.content_root = settings["PATH"]
        self.site_path = urlsplit(settings.get("SITEURL") or "").path.strip("/")
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")

    def by_url(self) -> dict[str, Content]:
        # `get_url_setting`, not `.url`: reading `Static.url` would pin the file where it is,
        # and a later `{attach}` link could no longer move it beside its article.
        if self._by_url is None:
            self._by_url = {static.get_url_setting("url"): static
                            for static in self.by_source.values()}
        return self._by_url

    def resolve(self, written: str, document: Content) -> tuple[str | None, Content | None]:
        """(path relative to the content folder, static) of a `src` as the HTML has it; the
        path is None for what is not ours (other sites, data: URLs)."""
        value = html.unescape(written).strip()
        directive = _DIRECTIVE.match(value)
        if directive:
            path = unquote(urlsplit(directive.group("path")).path)
            if path.startswith("/"):
                relpath = posixpath.normpath(path.lstrip("/"))
            else:
                folder = posixpath.dirname(document.get_relative_source_path()
                                           .replace(os.sep, "/"))
                relpath = posixpath.normpath(posixpath.join(folder, path))
            return relpath, self.by_source.get(relpath)
        if self.siteurl and value.startswith(self.siteurl + "/"):
            value = value[len(self.siteurl):]
        elif _SCHEME.match(value) or value.startswith("//"):
            return None, None
        path = unquote(urlsplit(value).path)
        if path.startswith("/"):
            path = path.lstrip("/")
            if self.site_path and path.startswith(self.site_path + "/"):
                path = path[len(self.site_path) + 1:]
        else:
            path = posixpath.join(posixpath.dirname(document.url), path)
        # As a browser resolves it: `..` above the site's root stays at the root (editors
        # write `../images/…` from `tin-tuc/bai.md`, and the page is at `/bai.html`).
        path = posixpath.normpath(path)
        while path.startswith("../"):
            path = path[3:]
        static = self.by_url().get(path) or self.by_source.get(path)
        relpath = static.get_relative_source_path().replace(os.sep, "/") if static else path
        return relpath, static


def _is_photo_path(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in PROCESSED_EXTENSIONS


# --- The build's state, and what templates call ----------------------------------------------

@dataclass
class PhotoState:
    settings: PhotoSettings
    siteurl: str
    photos: dict[str, Photo]  # by relpath
    stats: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.siteurl}/{path}"

    def variant_path(self, variant) -> str:
        return f"{self.settings.output_dir}/{variant.file}"

    def variant_url(self, variant) -> str:
        return self.url(self.variant_path(variant))


class PhotoView:
    """What `photo(path, role)` gives a template. Printed, it is the `<picture>` (or the plain
    `<img>` of the original when the photo could not be processed); `.path`, `.url`,
    `.width`, `.height` describe the file a role stands for (og:image, structured data)."""

    def __init__(self, state: PhotoState, path: str, role: str, alt: str, css_class: str,
                 lazy: bool, priority: bool):
        self.state, self.role, self.alt, self.css_class = state, role, alt, css_class
        self.lazy, self.priority = lazy, priority
        self.original = (path or "").lstrip("/")
        photo = state.photos.get(self.original)
        self.entry = _entry_for(photo, role)
        self.processed = self.entry is not None and bool(self.entry.variants)
        self.width = self.height = None
        self.path = self.original
        if self.processed:
            fallback = self.entry.of_format(self.entry.fallback_format or "jpeg")
            chosen = fallback[-1] if role in ("og", "large") else fallback_variant(fallback)
            self.path = state.variant_path(chosen)
            largest = fallback[-1]
            self.width, self.height = (chosen.width, chosen.height) if role == "og" else (
                largest.width, largest.height)

    @property
    def url(self) -> str:
        return self.state.url(self.path)

    def __html__(self) -> str:
        if not self.original:
            return ""
        sizes = self.state.settings.sizes.get(self.role, self.state.settings.sizes["content"])
        if self.processed:
            return Markup(picture_html(self.entry, self.state.variant_url, sizes=sizes,
                                       attributes=[("alt", html.escape(self.alt))],
                                       lazy=self.lazy, priority=self.priority,
                                       css_class=self.css_class))
        attributes = [f'class="{html.escape(self.css_class)}"'] if self.css_class else []
        attributes += [f'src="{html.escape(self.url)}"', f'alt="{html.escape(self.alt)}"']
        if self.lazy:
            attributes.append('loading="lazy"')
        attributes.append('decoding="async"')
        return Markup(f"<img {' '.join(attributes)}>")

    def __str__(self) -> str:
        return str(self.__html__())


def _entry_for(photo: Photo | None, role: str) -> Entry | None:
    if photo is None or photo.failure is not None:
        return None
    # The home page's lead story is as wide as an article photo on a phone: the article's
    # widths serve it, and the CSS box crops them to 3:2 (object-fit: cover).
    wanted = {"teaser": ("thumb", "content"), "og": ("og",)}.get(role, ("content",))
    return next((photo.entries[name] for name in wanted if name in photo.entries), None)


class PhotoHelper:
    """The `photo` global of the templates: `photo(path, role, alt=…, css_class=…)`.

    Roles: "lead" (the featured image on its article: never lazy, fetched first),
    "content" (as in an article body), "teaser" (listing cards: the 3:2 thumbnails),
    "teaser-large" (the home page's lead story: the article widths), "og" (the 1200×630
    crop for social networks), "large" (the largest JPEG, for structured data).
    """

    def __init__(self, state: PhotoState):
        self.state = state

    def __fingerprint__(self):
        # What a page drawn with `photo` depends on besides the photo itself, which each
        # document carries (`featured_photo_version`): see plugins/page_writer.
        return repr((self.state.settings, self.state.siteurl))

    def __call__(self, path, role="content", alt="", css_class="", lazy=None, priority=None):
        lead = role == "lead"
        return PhotoView(self.state, path or "", role, alt or "", css_class,
                         lazy=(not lead) if lazy is None else bool(lazy),
                         priority=lead if priority is None else bool(priority))


# --- The files, written with the rest of the output ------------------------------------------

class PhotoFiles:
    """A generator of Pelican's that only writes: it copies this build's variants from the
    cache into the output folder (which Pelican empties after `all_generators_finalized`)."""

    def __init__(self, context, settings, path, theme, output_path, *args, **kwargs):
        self.output_path = output_path
        # Pelican's own choice for static files: hard links cost no time and no disk (a big
        # archive has tens of thousands of variants), but anything that edits output files
        # in place would then edit the cache too; so only when the operator asks for it.
        self.link = bool(settings.get("STATIC_CREATE_LINKS"))
        self.state: PhotoState | None = None

    def generate_output(self, writer) -> None:
        if self.state is None:
            return
        started = time.perf_counter()
        target = os.path.join(self.output_path, *self.state.settings.output_dir.split("/"))
        copied = 0
        for photo in self.state.photos.values():
            if not photo.referenced:
                continue
            for role, entry in photo.entries.items():
                if role == "original":
                    continue
                os.makedirs(target, exist_ok=True)
                for variant in entry.variants:
                    destination = os.path.join(target, variant.file)
                    if not os.path.exists(destination):
                        self._put(os.path.join(entry.folder, variant.file), destination)
                        copied += 1
        self.state.stats["files_written"] = copied
        self.state.stats["write_seconds"] = time.perf_counter() - started
        logger.info("Ảnh: đã ghi %d tệp vào %s (%.2f s).", copied, target,
                    self.state.stats["write_seconds"])


    def _put(self, source: str, destination: str) -> None:
        if self.link:
            try:
                os.link(source, destination)
                return
            except OSError:
                self.link = False  # another file system: copy from now on
        shutil.copyfile(source, destination)


def photo_files_generator(pelican):
    return PhotoFiles


# The state of the build under way, for `finalized`, which is only given the Pelican object.
# Builds in one process run one after the other (tests included); each starts by clearing it.
_build: dict[str, PhotoState | None] = {"state": None}


def forget_state(pelican) -> None:
    _build["state"] = None


def replace_originals(pelican) -> None:
    """Each published original that carried metadata is replaced by its cleaned copy.

    After everything is written: only then is a static file's place final (an `{attach}`
    link moves it while its article renders), and Pelican copies static files last. The
    copy goes in under a temporary name and is renamed over the old one, so a hard link to
    the editor's file (STATIC_CREATE_LINKS) is replaced, never written through.
    """
    state, _build["state"] = _build["state"], None
    if state is None:
        return
    output = pelican.settings["OUTPUT_PATH"]
    for photo in state.photos.values():
        original = photo.entries.get("original")
        if not (original and original.variants and photo.static is not None):
            continue
        destination = os.path.join(output, photo.static.save_as)
        if not os.path.exists(destination):
            continue  # not written by this build (a draft's, an excluded path)
        source = os.path.join(original.folder, original.variants[0].file)
        with replacing(destination) as copy, open(source, "rb") as cleaned:
            shutil.copyfileobj(cleaned, copy)


# --- The once-per-build pass ---------------------------------------------------------------

def prepare_photos(generators) -> None:
    started = time.perf_counter()
    settings_source = generators[0].settings
    context = generators[0].context
    settings = parse_settings(settings_source.get("PHOTOS"))
    siteurl = (settings_source.get("SITEURL") or "").rstrip("/")
    statics = _Statics(context, settings_source)
    documents = _documents(generators)

    photos: dict[str, Photo] = {}
    references: list[Reference] = []

    def photo_for(relpath: str, static: Content | None) -> Photo | None:
        if relpath in photos:
            return photos[relpath]
        source = os.path.join(statics.content_root, *relpath.split("/"))
        if static is not None:
            source = os.path.join(statics.content_root, static.source_path) \
                if not os.path.isabs(static.source_path) else static.source_path
        if static is None or not os.path.isfile(source):
            return None
        photos[relpath] = Photo(relpath, source, static)
        return photos[relpath]

    body_images: dict[int, dict[int, Reference]] = {}
    for document in documents:
        featured = getattr(document, "image", None)
        if isinstance(featured, str) and featured.strip() and _is_photo_path(featured):
            relpath = posixpath.normpath(featured.strip().lstrip("/"))
            photo = photo_for(relpath, statics.by_source.get(relpath))
            if photo is not None:
                photo.roles |= {"content", "thumb", "og"}
                photo.referenced = True
            references.append(Reference(document, featured, relpath, photo, featured=True))
        found: dict[int, Reference] = {}

        def collect(index, attributes, document=document, found=found):
            src = dict(attributes).get("src")
            if not src or "srcset" in dict(attributes):
                return None
            relpath, static = statics.resolve(src, document)
            if relpath is None or not _is_photo_path(relpath):
                return None
            photo = photo_for(relpath, static)
            if photo is not None:
                photo.roles.add("content")
                photo.referenced = True
            found[index] = Reference(document, src, relpath, photo, featured=False,
                                     index=index)
            return None

        rewrite_images(document._content or "", collect)
        if found:
            body_images[id(document)] = found
            references.extend(found.values())

    if settings.originals == "clean":
        # Every photo the site publishes, used or not, goes out without GPS and the rest.
        for relpath, static in statics.by_source.items():
            if _is_photo_path(relpath):
                photo = photo_for(relpath, static)
                if photo is not None:
                    photo.roles.add("original")

    # --- the cache, then one batch of work for everything missing
    cache_dir = settings.cache_dir or os.path.join(settings_source["CACHE_PATH"], "photos")
    cache = PhotoCache(cache_dir)
    jobs, hits = [], 0
    for photo in photos.values():
        sha = cache.source_sha(photo.source)
        if sha is None:
            photo.failure = Failure("missing")
            continue
        missing = []
        stem = readable_stem(photo.relpath)
        for role in sorted(photo.roles):
            identifier = entry_id(sha, role, settings, stem)
            entry = cache.entry(identifier)
            if entry is None:
                missing.append((role, identifier))
            else:
                photo.entries[role] = entry
        if missing:
            jobs.append(Job(photo.source, stem, tuple(missing)))
        else:
            hits += 1
    workers = worker_count(settings.workers, settings_source.get("NEWS_WORKERS"))
    processing_started = time.perf_counter()
    by_source = {photo.source: photo for photo in photos.values()}
    for result in run_jobs(jobs, settings, cache_dir, workers):
        photo = by_source[result.source]
        photo.failure = result.failure
        for made in result.entries:
            entry = cache.entry(made["id"])
            if entry is not None:
                photo.entries[made["role"]] = entry
    processing_seconds = time.perf_counter() - processing_started
    cache.save_index()

    state = PhotoState(settings, siteurl, photos)
    # A page showing a featured photo depends on the photo's file, not only on its name: the
    # render cache (plugins/page_writer) reads this with the document's other attributes.
    for reference in references:
        if reference.featured:
            photo = reference.photo
            reference.document.featured_photo_version = repr(
                (sorted(photo.entries.items()), photo.failure) if photo else "missing")

    # --- each document's HTML, rewritten once
    with_featured = {id(reference.document) for reference in references if reference.featured}
    rewrite_started = time.perf_counter()
    rewritten_documents, rewritten_images = [], 0
    for document in documents:
        found = body_images.get(id(document))
        if not found:
            continue
        has_featured = id(document) in with_featured
        first = min(found)

        def replace(index, attributes, found=found, has_featured=has_featured, first=first):
            reference = found.get(index)
            entry = _entry_for(reference.photo if reference else None, "content")
            if entry is None or not entry.variants:
                return None
            return picture_html(entry, state.variant_url, sizes=settings.sizes["content"],
                                attributes=attributes,
                                lazy=has_featured or index != first)

        document._content, count = rewrite_images(document._content, replace)
        if count:
            rewritten_documents.append(document)
            rewritten_images += count
    _forget_rendered_content(rewritten_documents)
    rewrite_seconds = time.perf_counter() - rewrite_started

    cleaned = sum(bool(photo.entries.get("original") and photo.entries["original"].variants)
                  for photo in photos.values())
    _build["state"] = state

    for generator in generators:
        if isinstance(generator, PhotoFiles):
            generator.state = state
        environment = getattr(generator, "env", None)
        if environment is not None:
            environment.globals["photo"] = PhotoHelper(state)

    state.stats.update({
        "photos": len(photos), "referenced": sum(photo.referenced for photo in photos.values()),
        "processed": len(jobs), "from_cache": hits, "workers": min(workers, len(jobs)) or 0,
        "failed": sum(photo.failure is not None for photo in photos.values()),
        "cleaned_originals": cleaned, "rewritten_images": rewritten_images,
        "rewritten_documents": len(rewritten_documents),
        "processing_seconds": processing_seconds, "rewrite_seconds": rewrite_seconds,
        "total_seconds": time.perf_counter() - started,
    })
    stats = state.stats
    logger.info(
        "Ảnh: %d tệp, %d phải xử lý (%d tiến trình, %.2f s), %d lấy từ bộ nhớ đệm, %d lỗi; "
        "%d thẻ <img> trong %d trang được viết lại (%.1f ms); cả bước ảnh %.2f s.",
        stats["photos"], stats["processed"], stats["workers"], processing_seconds,
        stats["from_cache"], stats["failed"], rewritten_images, len(rewritten_documents),
        rewrite_seconds * 1000, stats["total_seconds"], extra={"photo_stats": dict(stats)})

    _report(references, photos, settings, statics.content_root)


def _forget_rendered_content(documents: list[Content]) -> None:
    """Pelican memoises `content` per (document, site URL) in one cache for all documents;
    anything rendered before the rewrite must not be served from it."""
    if not documents:
        return
    wanted = {id(document) for document in documents}
    cache = Content.__dict__["get_content"].cache
    for key in [key for key in cache if key and id(key[0]) in wanted]:
        del cache[key]


# --- Telling editors -------------------------------------------------------------------------

def _report(references: list[Reference], photos: dict[str, Photo], settings: PhotoSettings,
            content_root: str) -> None:
    level = ERROR if settings.on_error == "stop" else WARNING
    problems: list[Problem] = []
    sources: dict[str, str] = {}
    occurrences: dict[tuple[int, str], int] = {}
    for reference in references:
        photo = reference.photo
        failure = Failure("missing") if photo is None else photo.failure
        written = html.unescape(reference.written).strip()
        needle = unquote(_DIRECTIVE.sub(r"\g<path>", written)).lstrip("/")
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
            label += f" (không có tệp {_display_path(expected)})"
        message, hint = failure_text(failure, label, max_pixels=settings.max_pixels)
        problems.append(Problem(_display_path(path), line, f"photo-{failure.kind}", message,
                                hint, level))
    for photo in photos.values():
        if photo.failure is not None and not photo.referenced:
            message, hint = failure_text(photo.failure, f"ảnh “{photo.relpath}”",
                                         max_pixels=settings.max_pixels)
            logger.warning("%s: cảnh báo: %s (không bài nào dùng ảnh này). Cách sửa: %s",
                           _display_path(photo.source), message, hint)
    if not problems:
        return
    text = "\n".join(str(problem) for problem in problems)
    if level == ERROR:
        logger.error("%s", text)
        raise PhotosStopped(f"Có {len(problems)} lỗi về ảnh (xem ở trên); bản dựng dừng lại "
                            "vì PHOTOS[\"on_error\"] là \"stop\".")
    logger.warning("%s\nẢnh gốc của các chỗ trên được giữ nguyên; bản dựng vẫn tiếp tục.", text)
