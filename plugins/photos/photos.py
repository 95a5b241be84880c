"""Pelican's side of the photos: when each stage runs, on what Pelican read.

Once per build, at `all_generators_finalized` (every article, page and static file known,
nothing written yet):
1. finding (finding.py, tintuc.photos.references): every `<img>` of every written article and
   page, and every featured image, is resolved to its static file; each file gets the roles
   it needs (content, thumb, og, original);
2. processing (tintuc.photos.processing, tintuc.images): what the cache does not have yet is
   made, on all cores, in one batch;
3. pages (tintuc.photos.pages): each document's HTML is rewritten once (`<img>` →
   `<picture>`), the templates get `photo()`, and the published originals are swapped for
   their cleaned copies;
4. report (tintuc.photos.report): problems are told with the article's file and line;
   PHOTOS["on_error"] decides whether the build goes on (originals left as they are) or stops.
The files are copied to the output by a small generator, when Pelican writes.
"""

from __future__ import annotations

import logging
import os
import shutil
import time

from tintuc.files import replacing
from tintuc.images import PhotoSettingsError, parse_settings
from tintuc.photos import report
from tintuc.photos.pages import PhotoHelper, PhotoState, featured_version, rewrite_body
from tintuc.photos.processing import process
from tintuc.photos.references import Reference
from tintuc.problems import Explained
from tintuc.processes import worker_count
from tintuc_plugins import build, pelican_compat

from .finding import Statics, documents_of, find_photos

logger = logging.getLogger(__name__)


class PhotosStopped(Explained):
    """The build stops on a photo problem (PHOTOS["on_error"] = "stop") or a bad setting."""


def check_settings(pelican) -> None:
    """A mistake in PHOTOS stops the build before anything is read."""
    try:
        parse_settings(pelican.settings.get("PHOTOS"))
    except PhotoSettingsError as error:
        raise PhotosStopped(str(error)) from None


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


def replace_originals(pelican) -> None:
    """Each published original that carried metadata is replaced by its cleaned copy.

    After everything is written: only then is a static file's place final (an `{attach}`
    link moves it while its article renders), and Pelican copies static files last. The
    copy goes in under a temporary name and is renamed over the old one, so a hard link to
    the editor's file (STATIC_CREATE_LINKS) is replaced, never written through.
    """
    state = build.current().photos
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
    settings = parse_settings(settings_source.get("PHOTOS"))
    siteurl = (settings_source.get("SITEURL") or "").rstrip("/")
    statics = Statics(generators[0].context, settings_source)
    documents = documents_of(generators)
    found = find_photos(documents, statics, settings)
    photos, references = found.photos, found.references

    cache_dir = settings.cache_dir or os.path.join(settings_source["CACHE_PATH"], "photos")
    workers = worker_count(settings.workers, settings_source.get("NEWS_WORKERS"))
    processed = process(photos.values(), settings, cache_dir, workers)

    state = PhotoState(settings, siteurl, photos)
    # A page showing a featured photo depends on the photo's file, not only on its name: the
    # render cache (plugins/page_writer) reads this with the document's other attributes.
    for reference in references:
        if reference.featured:
            reference.document.featured_photo_version = featured_version(reference.photo)

    # --- each document's HTML, rewritten once
    with_featured = {id(reference.document) for reference in references if reference.featured}
    rewrite_started = time.perf_counter()
    rewritten, rewritten_images = [], 0
    for document in documents:
        in_body = found.body_images.get(id(document))
        if not in_body:
            continue
        text, count = rewrite_body(pelican_compat.raw_text(document), in_body, state,
                                   id(document) in with_featured)
        if count:
            rewritten.append((document, text))
            rewritten_images += count
    pelican_compat.replace_raw_text(rewritten)
    rewrite_seconds = time.perf_counter() - rewrite_started

    cleaned = sum(bool(photo.entries.get("original") and photo.entries["original"].variants)
                  for photo in photos.values())
    build.current().photos = state

    for generator in generators:
        if isinstance(generator, PhotoFiles):
            generator.state = state
        environment = getattr(generator, "env", None)
        if environment is not None:
            environment.globals["photo"] = PhotoHelper(state)

    state.stats.update({
        "photos": len(photos), "referenced": sum(photo.referenced for photo in photos.values()),
        "processed": processed.jobs, "from_cache": processed.from_cache,
        "workers": processed.workers,
        "failed": sum(photo.failure is not None for photo in photos.values()),
        "cleaned_originals": cleaned, "rewritten_images": rewritten_images,
        "rewritten_documents": len(rewritten),
        "processing_seconds": processed.seconds, "rewrite_seconds": rewrite_seconds,
        "total_seconds": time.perf_counter() - started,
    })
    stats = state.stats
    logger.info(
        "Ảnh: %d tệp, %d phải xử lý (%d tiến trình, %.2f s), %d lấy từ bộ nhớ đệm, %d lỗi; "
        "%d thẻ <img> trong %d trang được viết lại (%.1f ms); cả bước ảnh %.2f s.",
        stats["photos"], stats["processed"], stats["workers"], processed.seconds,
        stats["from_cache"], stats["failed"], rewritten_images, len(rewritten),
        rewrite_seconds * 1000, stats["total_seconds"], extra={"photo_stats": dict(stats)})

    _tell_editors(references, photos, settings, statics.content_root)


# --- Telling editors -------------------------------------------------------------------------

def _tell_editors(references: list[Reference], photos, settings, content_root: str) -> None:
    problems = report.problems(references, settings, content_root)
    for line in report.unused_failures(photos, settings):
        logger.warning("%s", line)
    if not problems:
        return
    text = "\n".join(str(problem) for problem in problems)
    if settings.on_error == "stop":  # the problems are errors
        logger.error("%s", text)
        raise PhotosStopped(f"Có {len(problems)} lỗi về ảnh (xem ở trên); bản dựng dừng lại "
                            "vì PHOTOS[\"on_error\"] là \"stop\".")
    logger.warning("%s\nẢnh gốc của các chỗ trên được giữ nguyên; bản dựng vẫn tiếp tục.", text)
