"""The one door to Pelican's internals.

The plugins replace or read a few things Pelican does not offer as an interface: how its
writer paginates and guards against two writes of one file, a document's raw text and the
memoised rendering of it, where a static file will go without pinning it there, the period
archives builder, the `slugify` its modules call, the text of its fatal-error stop and its
console's log handler, the links its static generator collects. Each lives here, and
tests/test_pelican_compat.py holds each against vanilla Pelican's own behaviour, so an upgrade
that changes one fails a test named for it instead of a site. A Pelican version these tests
have not passed on is told at the start of every build (`untested_version`).
"""

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import version
from urllib.parse import urlparse

from pelican import contents, urlwrappers
from pelican.contents import Content, Static
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import FileOverwriteFailedError, Writer

logger = logging.getLogger(__name__)

# The Pelican releases tests/test_pelican_compat.py has passed on.
TESTED_PELICAN = ("4.12.0",)


def untested_version(installed: str | None = None) -> str | None:
    """A warning for a Pelican release this module was not tested on, else None."""
    installed = installed or version("pelican")
    if installed in TESTED_PELICAN:
        return None
    return (f"Pelican {installed} chưa được kiểm thử với các plugin của Tin tức (đã kiểm thử: "
            f"{', '.join(TESTED_PELICAN)}). Chạy `./run test` trước khi xuất bản; nếu "
            "tests/test_pelican_compat.py không đạt, hãy cài lại đúng phiên bản trong "
            "requirements.txt.")


# --- Documents -------------------------------------------------------------------------------

# Attributes of a document that are the site's, not the document's own (a digest of them would
# be a digest of the whole site).
SITE_ATTRIBUTES = frozenset({"settings", "_context", "metadata"})


def raw_text(document: Content) -> str:
    """The document's HTML as read, before Pelican resolves its `{static}` links."""
    return document._content or ""


def replace_raw_text(documents: Iterable[tuple[Content, str]]) -> None:
    """Give documents new raw HTML, and forget what Pelican rendered from the old one: it
    memoises `get_content` per (document, site URL) in one cache shared by all documents."""
    changed = []
    for document, text in documents:
        document._content = text
        changed.append(document)
    if not changed:
        return
    wanted = {id(document) for document in changed}
    cache = Content.__dict__["get_content"].cache
    for key in [key for key in cache if key and id(key[0]) in wanted]:
        del cache[key]


def planned_location(static: Static) -> tuple[str, str]:
    """(save_as, url) a static file will have, without pinning it there: reading `url` or
    `save_as` would forbid a later `{attach}` link to move it beside its document."""
    return static.get_url_setting("save_as"), static.get_url_setting("url")


def fix_location(document: Content) -> None:
    """Compute a document's URL and file once: Pelican rebuilds them from its metadata on
    every access (a page of lists asks for dozens); its `override_url`/`override_save_as`
    are what `url:`/`save_as:` metadata set."""
    document.override_url = document.url
    document.override_save_as = document.save_as


def static_links_in(document: Content, text: str) -> set[str]:
    """The files `{static}`/`{attach}` links in `text` name, relative to the content folder,
    as Pelican's `get_static_links` finds them in a document's body (it reads the body only:
    our reader moves the lead, links and all, out of it)."""
    found = set()
    for match in document._get_intrasite_link_regex().finditer(text or ""):
        if match.group("what") not in {"static", "attach"}:
            continue
        path = urlparse(match.group("value")).path
        if path.startswith("/"):
            path = path[1:]
        else:
            path = document.get_relative_source_path(
                os.path.join(document.relative_dir, path))
        found.add(path.replace("%20", " "))
    return found


def publish_linked_files(context: dict, paths: set[str]) -> None:
    """Have Pelican's static generator copy these files too (as it does for a body's links)."""
    context["static_links"] |= paths


# --- Generators ----------------------------------------------------------------------------

def replace_period_archives(generator, build: Callable) -> None:
    """Pelican's articles generator builds its year/month/day archives with
    `_build_period_archives(sorted_articles, articles, settings)`: use `build` instead."""
    generator._build_period_archives = build


def use_slugify(function: Callable) -> None:
    """The `slugify` that Pelican's URL wrappers (tags, categories, authors) and documents
    call, by the name they import it under."""
    for module in (urlwrappers, contents):
        module.slugify = function


# --- Logging -------------------------------------------------------------------------------

# What Pelican raises after logging the first error under `--fatal errors`.
FATAL_STOP = "Warning or error encountered"


def is_fatal_stop(error: BaseException) -> bool:
    return type(error) is RuntimeError and str(error) == FATAL_STOP


def console_handlers() -> list[logging.Handler]:
    """The handlers Pelican's command line prints with (its Rich handler, `pelican.log`'s
    DEFAULT_LOG_HANDLER, or a plain stream handler); never a test's or a tool's own."""
    from pelican.log import DEFAULT_LOG_HANDLER

    return [handler for handler in logging.getLogger().handlers
            if handler is DEFAULT_LOG_HANDLER or type(handler) is logging.StreamHandler]


# --- The writer ----------------------------------------------------------------------------

def claim_output(writer: Writer, path: str, override: bool) -> str | None:
    """Pelican's rule for two writes of one file (`Writer._open_w`): the second fails, unless
    exactly one of them says it overrides; then that one is kept. Returns `path` to write, or
    None when an earlier override keeps the file."""
    if path in writer._overridden_files:
        if override:
            raise FileOverwriteFailedError(f'"{path}" được ghi đè lần thứ hai')
        return None
    if path in writer._written_files and not override:
        raise FileOverwriteFailedError(
            f'"{path}" đã được ghi trong bản dựng này (hai trang cùng một đường dẫn)')
    if override:
        writer._overridden_files.add(path)
    writer._written_files.add(path)
    return path


def pages_of(settings: dict, name: str, url, template_name, paginated, kwargs: dict,
             relative_urls: bool) -> Iterator[tuple[str, dict, frozenset[str]]]:
    """Each file one `Writer.write_file` call makes, as Pelican's writer makes it: (save_as,
    the values the page adds to the site's context, the lists it shows a slice of)."""
    if paginated is None:
        paginated = {key: value for key, value in kwargs.items() if key in ("articles", "dates")}
    paginated_templates = settings["PAGINATED_TEMPLATES"]
    if not paginated or template_name not in paginated_templates:
        yield name, _page_values(name, kwargs, relative_urls), frozenset()
        return
    per_page = paginated_templates[template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {key: Paginator(name, url, value, settings, per_page)
                  for key, value in paginated.items()}
    count = next(iter(paginators.values())).num_pages
    for index in range(count):
        values = dict(kwargs)
        for key, paginator in paginators.items():
            page = paginator.page(index + 1)
            values[f"{key}_paginator"] = paginator
            values[f"{key}_page"] = page
            values[f"{key}_previous_page"] = paginator.page(index) if index else None
            values[f"{key}_next_page"] = \
                paginator.page(index + 2) if index + 1 < paginator.num_pages else None
        yield page.save_as, _page_values(page.save_as, values, relative_urls), \
            frozenset(paginated)


def _page_values(save_as: str, values: dict, relative_urls: bool) -> dict:
    # Pelican's `_get_localcontext`, less the copy of the site's context.
    own = {}
    if relative_urls:
        relative = path_to_url(get_relative_path(save_as))
        own["SITEURL"] = own["localsiteurl"] = relative
    own["output_file"] = save_as
    own.update(values)
    return own


def page_context(context: dict, values: dict) -> dict:
    """The context a page renders with: the site's, then the page's own values; and, as
    Pelican's writer does, the site's `localsiteurl` set for documents that resolve their
    links against the page being written."""
    local = context.copy()
    local["localsiteurl"] = local.get("localsiteurl")
    local.update(values)
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]
    return local
