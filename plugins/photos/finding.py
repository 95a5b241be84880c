"""Finding photos in what Pelican read: every `<img>` of every written article and page, and
every featured image, resolved to its static file; each file gets the roles it needs
(content, thumb, og, original). Where a `src` points is worked out in
`tintuc.photos.references`; this side looks the files up among Pelican's static files."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pelican.contents import Content

from tintuc.images import PhotoSettings, rewrite_images
from tintuc.photos.references import Photo, Reference, is_photo_path, src_target
from tintuc_plugins import pelican_compat

_DOCUMENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations",
                   "drafts", "drafts_translations", "pages", "hidden_pages",
                   "hidden_translations", "draft_pages", "draft_translations")


def documents_of(generators) -> list[Content]:
    """Every article and page that this build writes, drafts only when they are written."""
    seen, found = set(), []
    for generator in generators:
        for name in _DOCUMENT_LISTS:
            for document in getattr(generator, name, None) or ():
                if id(document) not in seen and isinstance(document, Content) \
                        and document.save_as:
                    seen.add(id(document))
                    found.append(document)
    return found


class Statics:
    """Pelican's static files, found by source path (`{static}`) or by URL (`/images/…`)."""

    def __init__(self, context, settings):
        self.by_source: dict[str, Content] = dict(context.get("static_content", {}))
        self._by_url: dict[str, Content] | None = None
        self.content_root = settings["PATH"]
        self.site_path = urlsplit(settings.get("SITEURL") or "").path.strip("/")
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")

    def by_url(self) -> dict[str, Content]:
        # Where each is planned to go, not `.url`: reading `Static.url` would pin the file
        # where it is, and a later `{attach}` link could no longer move it beside its article.
        if self._by_url is None:
            self._by_url = {pelican_compat.planned_location(static)[1]: static
                            for static in self.by_source.values()}
        return self._by_url

    def resolve(self, written: str, document: Content) -> tuple[str | None, Content | None]:
        """(path relative to the content folder, static) of a `src` as the HTML has it; the
        path is None for what is not ours (other sites, data: URLs)."""
        folder = posixpath.dirname(document.get_relative_source_path().replace(os.sep, "/"))
        target = src_target(written, document_folder=folder, document_url=document.url,
                            siteurl=self.siteurl, site_path=self.site_path)
        if target is None:
            return None, None
        how, path = target
        if how == "source":
            return path, self.by_source.get(path)
        static = self.by_url().get(path) or self.by_source.get(path)
        relpath = static.get_relative_source_path().replace(os.sep, "/") if static else path
        return relpath, static


@dataclass
class Found:
    photos: dict[str, Photo] = field(default_factory=dict)  # by relpath
    references: list[Reference] = field(default_factory=list)
    # id(document) → its body's `<img>` references, by their index in the body
    body_images: dict[int, dict[int, Reference]] = field(default_factory=dict)


def find_photos(documents: list[Content], statics: Statics, settings: PhotoSettings) -> Found:
    found = Found()
    photos = found.photos

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

    for document in documents:
        featured = getattr(document, "image", None)
        if isinstance(featured, str) and featured.strip() and is_photo_path(featured):
            relpath = posixpath.normpath(featured.strip().lstrip("/"))
            photo = photo_for(relpath, statics.by_source.get(relpath))
            if photo is not None:
                photo.roles |= {"content", "thumb", "og"}
                photo.referenced = True
            found.references.append(Reference(document, featured, relpath, photo,
                                              featured=True))
        in_body: dict[int, Reference] = {}

        def collect(index, attributes, document=document, in_body=in_body):
            src = dict(attributes).get("src")
            if not src or "srcset" in dict(attributes):
                return None
            relpath, static = statics.resolve(src, document)
            if relpath is None or not is_photo_path(relpath):
                return None
            photo = photo_for(relpath, static)
            if photo is not None:
                photo.roles.add("content")
                photo.referenced = True
            in_body[index] = Reference(document, src, relpath, photo, featured=False,
                                       index=index)
            return None

        rewrite_images(pelican_compat.raw_text(document), collect)
        if in_body:
            found.body_images[id(document)] = in_body
            found.references.extend(in_body.values())

    if settings.originals == "clean":
        # Every photo the site publishes, used or not, goes out without GPS and the rest.
        for relpath, static in statics.by_source.items():
            if is_photo_path(relpath):
                photo = photo_for(relpath, static)
                if photo is not None:
                    photo.roles.add("original")
    return found
