"""Every article and page gets its own URL, the same one on every build.

A slug comes from `Đường dẫn` when the editor wrote one, else from the title. When two
documents want the same slug, the older one — by (publication time, source path) — keeps it
and the others get `-2`, `-3`, … in that order, so adding a newer namesake never moves an
existing page. Slugs the editor wrote are served before slugs made from titles.
"""

import logging

from tintuc.files import display_path
from tintuc.paths import reserved_outputs, reserved_slug_problem, takes_reserved
from tintuc.problems import Problem
from tintuc_plugins import pelican_compat

logger = logging.getLogger(__name__)


def publication_order(document):
    return (getattr(document, "date", None) is None, getattr(document, "date", None) or 0,
            document.relative_source_path)


def _reserved_slug(document, slug: str) -> Problem:
    line = (document.metadata.get("source_lines") or {}).get("slug", 1)
    return reserved_slug_problem(display_path(document.source_path), line, slug,
                                 document.save_as)


def unique_slugs(documents, reserved=(frozenset(), frozenset())) -> None:
    """`reserved`: the site's own top-level folders and files (tintuc.paths.reserved_outputs),
    which no document may take: one whose editor pinned such a slug is an error; one whose
    slug came from its title gets `-2`."""
    taken = set()
    ordered = sorted(documents, key=publication_order)
    pinned = [document for document in ordered if document.metadata.get("slug_pinned")]
    derived = [document for document in ordered if not document.metadata.get("slug_pinned")]

    def free(document, candidate: str) -> bool:
        if candidate in taken:
            return False
        document.slug = candidate  # `save_as` follows the slug until `freeze_urls`
        return not takes_reserved(document.save_as, reserved, candidate)

    for document in pinned + derived:
        slug = document.slug
        pinned_by_editor = document.metadata.get("slug_pinned")
        if pinned_by_editor and slug not in taken and not free(document, slug):
            logger.error("%s", _reserved_slug(document, slug))
        candidate, number = slug, 2
        while not free(document, candidate):
            candidate = f"{slug}-{number}"
            number += 1
        if candidate != slug and pinned_by_editor and slug in taken:
            logger.warning(
                "%s: cảnh báo: “Đường dẫn” %s đã được bài khác dùng; bài này dùng %s. "
                "Cách sửa: đặt một “Đường dẫn” khác cho một trong hai bài",
                display_path(document.source_path), slug, candidate,
            )
        document.slug = candidate
        taken.add(candidate)


def freeze_urls(documents) -> None:
    for document in documents:
        pelican_compat.fix_location(document)


def settle_articles(generator) -> None:
    """Order and name the articles before categories, tags and archives are built from them.

    Listings follow CONTRACT §3's order, newest first: (publication time, source path).
    """
    generator.articles.sort(key=publication_order, reverse=True)
    generator.hidden_articles.sort(key=publication_order, reverse=True)
    reserved = reserved_outputs(generator.settings)
    unique_slugs(generator.articles + generator.hidden_articles, reserved)
    unique_slugs(generator.drafts, reserved)
    freeze_urls(generator.articles + generator.hidden_articles + generator.drafts)


def settle_pages(generator) -> None:
    reserved = reserved_outputs(generator.settings)
    unique_slugs(generator.pages + generator.hidden_pages, reserved)
    unique_slugs(generator.draft_pages, reserved)
    freeze_urls(generator.pages + generator.hidden_pages + generator.draft_pages)
