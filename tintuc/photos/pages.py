"""Pages: each document's `<img>` rewritten once into `<picture>`, and the `photo()` that
templates call for featured images, thumbnails and og:image."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from markupsafe import Markup

from tintuc.images import Entry, PhotoSettings, fallback_variant, picture_html, rewrite_images
from tintuc.photos.references import Photo, Reference


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
        self.entry = entry_for(photo, role)
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


def entry_for(photo: Photo | None, role: str) -> Entry | None:
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


def featured_version(photo: Photo | None) -> str:
    """What a page showing `photo` as its featured image depends on besides its name: the
    render cache (plugins/page_writer) reads it with the document's other attributes."""
    return repr((sorted(photo.entries.items()), photo.failure) if photo else "missing")


def rewrite_body(content: str, found: dict[int, Reference], state: PhotoState,
                 has_featured: bool) -> tuple[str, int]:
    """A document's HTML with each processed `<img>` (the n-th: `found[n]`) as a `<picture>`;
    lazy unless it is the first and the page has no featured image. Returns the HTML and how
    many images were rewritten."""
    first = min(found)

    def replace(index, attributes):
        reference = found.get(index)
        entry = entry_for(reference.photo if reference else None, "content")
        if entry is None or not entry.variants:
            return None
        return picture_html(entry, state.variant_url, sizes=state.settings.sizes["content"],
                            attributes=attributes, lazy=has_featured or index != first)

    return rewrite_images(content, replace)
