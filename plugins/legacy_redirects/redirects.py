"""Redirects from the legacy site's URLs to the new pages.

Sources of old URLs:
- every article's `Đường dẫn cũ` (`article.legacy_urls`), and its print view;
- the legacy category pages `/news/<alias>/` and `/news/<alias>/page-<n>/`: a category's
  legacy alias is read from its articles' legacy URLs, else made from its name, else taken
  from `LEGACY_REDIRECTS["category_aliases"]`;
- tag pages `/news/tag/<alias>` (the aliases NukeViet gives a tag name, and `tag_aliases`);
- feeds `/news/rss/`, `/news/rss/<alias>/`; the module's own page `/news/`;
- anything in `LEGACY_REDIRECTS["extra"]`.

Two outputs, for two kinds of host: a tiny HTML page at each old path (meta refresh, canonical
link, a visible link in Vietnamese) for hosts that only serve files, and `legacy-redirects.map`
(nginx `map $uri $new_uri`) for servers that can answer 301. A path where the build already
wrote a real page is never overwritten: it is reported and left out of both.
Hidden articles get redirects (their pages exist); drafts are never written, so they don't.
"""

import difflib
import html
import logging
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pelican.paginator import Paginator

from tintuc import fresh_output
from tintuc.files import display_path
from tintuc.legacy_import import classify_path, legacy_tag_aliases, strip_prefix, url_path
from tintuc.paths import reserved_outputs
from tintuc.text import fold, slugify
from tintuc_plugins import build, shared

logger = logging.getLogger(__name__)

SETTING = "LEGACY_REDIRECTS"
DEFAULTS = {
    "enabled": True,
    # The legacy news module's name in URLs (`/news/…`).
    "module": "news",
    # legacy category alias → our category name, for aliases no article's URL reveals.
    "category_aliases": {},
    # legacy tag alias → our tag name, for aliases NukeViet's rules don't give.
    "tag_aliases": {},
    # legacy topic alias → our topic (`Sự kiện`) name, for aliases other than its slug.
    "topic_aliases": {},
    # any other old path → new URL (`"/gioi-thieu.html": "gioi-thieu/"`).
    "extra": {},
    # Static pages are written for these prefixes; `/index.php/…` only goes in the nginx map,
    # since a folder named `index.php` could be handed to PHP on a shared host.
    "static_prefixes": ["", "/vi"],
    "map_prefixes": ["", "/vi", "/index.php", "/index.php/vi"],
    "static_pages": True,
    "map_file": "legacy-redirects.map",
    # Articles per legacy list page: how many `page-<n>` URLs each category had.
    "legacy_per_page": 20,
}
_TYPES = {"enabled": bool, "module": str, "category_aliases": dict, "tag_aliases": dict,
          "topic_aliases": dict,
          "extra": dict, "static_prefixes": list, "map_prefixes": list, "static_pages": bool,
          "map_file": str, "legacy_per_page": int}
MARKER = '<meta name="generator" content="Tin tức legacy_redirects">'


@dataclass
class Redirect:
    source: str  # legacy path, decoded, without prefix: /news/hoat-dong-doan/abc-12.html
    url: str  # our URL, site-relative as Pelican writes it: abc.html, chuyen-muc/x/
    save_as: str  # the file our URL is served from, to check that it exists
    label: str  # what the visible link says
    what: str  # "Bài viết", "Chuyên mục", …
    derived: bool = False  # made from another old URL (a print view), not written by anyone
    written_at: str = ""  # `file:line` of the `Đường dẫn cũ` an editor wrote it in
    typed: str = ""  # and the address as written there


@dataclass
class RedirectState:
    """The redirects' part of a build (tintuc_plugins.build)."""

    config: dict | None = None
    articles: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    tags: dict = field(default_factory=dict)


def _state() -> RedirectState:
    current = build.current()
    if current.redirects is None:
        current.redirects = RedirectState()
    return current.redirects


# --- settings --------------------------------------------------------------------------------


def _problems(value) -> list[str]:
    if not isinstance(value, dict):
        return [f"{SETTING} phải là một dict (ví dụ {{\"enabled\": True}}), không phải "
                f"{type(value).__name__}"]
    problems = []
    for key, item in value.items():
        if key not in DEFAULTS:
            close = difflib.get_close_matches(str(key), DEFAULTS, n=1)
            hint = f"; có phải ý bạn là “{close[0]}”?" if close else ""
            problems.append(f"{SETTING}: không có khóa “{key}”{hint}")
            continue
        expected = _TYPES[key]
        if not isinstance(item, expected) or (expected is int and isinstance(item, bool)):
            problems.append(f"{SETTING}[“{key}”] phải là {expected.__name__}, không phải "
                            f"{type(item).__name__}")
            continue
        if isinstance(item, dict) and not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in item.items()):
            problems.append(f"{SETTING}[“{key}”]: khóa và giá trị đều phải là chữ")
        if isinstance(item, list):
            for prefix in item:
                if not isinstance(prefix, str) or (prefix and (not prefix.startswith("/")
                                                               or prefix.endswith("/"))):
                    problems.append(f"{SETTING}[“{key}”]: “{prefix}” phải là chuỗi rỗng hoặc "
                                    "bắt đầu bằng / và không kết thúc bằng / (ví dụ “/vi”)")
    if isinstance(value.get("module"), str) and not re.fullmatch(r"[A-Za-z0-9_-]+",
                                                                  value["module"]):
        problems.append(f"{SETTING}[“module”] “{value['module']}” chỉ gồm chữ, số, - và _")
    if isinstance(value.get("legacy_per_page"), int) and value["legacy_per_page"] < 1:
        problems.append(f"{SETTING}[“legacy_per_page”] phải lớn hơn 0")
    map_file = value.get("map_file")
    if isinstance(map_file, str) and (os.path.isabs(map_file) or ".." in Path(map_file).parts):
        problems.append(f"{SETTING}[“map_file”] phải là đường dẫn trong thư mục kết quả")
    return problems


def validate_settings(pelican) -> None:
    """Read the one dict setting; a mistake is an error that stops the build."""
    state = build.current().redirects = RedirectState()
    given = pelican.settings.get(SETTING, {})
    problems = _problems(given)
    for problem in problems:
        logger.error("%s", problem)
    if problems:
        return
    config = {**DEFAULTS, **given}
    state.config = config if config["enabled"] else None


# --- collecting --------------------------------------------------------------------------------


def collect_articles(generator) -> None:
    state = _state()
    if state.config is None:
        return
    # Hidden articles keep their pages, so their old URLs lead somewhere; drafts are never
    # written by a real build, so they get nothing.
    state.articles = list(generator.articles) + list(generator.hidden_articles)
    state.categories = list(generator.categories)
    state.tags = dict(generator.tags)


def _key(path: str) -> str:
    return strip_prefix(url_path(path))


def _article_redirects(config: dict) -> tuple[list[Redirect], dict[str, Counter]]:
    redirects, aliases = [], defaultdict(Counter)
    ordered = sorted(_state().articles, key=lambda item: (item.date, item.relative_source_path))
    for article in ordered:
        title = article.metadata.get(shared.TITLE_TEXT) or article.title
        line = (article.metadata.get(shared.SOURCE_LINES) or {}).get(shared.LEGACY_URLS, 1)
        written_at = f"{display_path(article.source_path)}:{line}"
        for legacy in article.metadata.get(shared.LEGACY_URLS) or []:
            source = _key(legacy)
            redirects.append(Redirect(source, article.url, article.save_as, title, "Bài viết",
                                      written_at=written_at, typed=legacy))
            where = classify_path(source)
            if where.kind == "article":
                aliases[where.category_alias][article.category.name] += 1
                if where.module == config["module"]:
                    print_view = (f"/{where.module}/print/{where.category_alias}/"
                                  f"{where.alias}-{where.legacy_id}.html")
                    redirects.append(Redirect(print_view, article.url, article.save_as, title,
                                              "Bài viết", derived=True))
    return redirects, aliases


def _feed(settings: dict, *names: str) -> tuple[str, str] | None:
    for name in names:
        save_as = settings.get(name)
        if save_as:
            return settings.get(f"{name}_URL") or save_as, save_as
    return None


def _category_redirects(config: dict, settings: dict, aliases: dict[str, Counter]) -> list:
    module, per_page = config["module"], config["legacy_per_page"]
    by_name = {category.name: (category, articles) for category, articles in _state().categories}
    chosen: dict[str, str] = {}
    for alias, names in aliases.items():
        chosen[alias] = names.most_common(1)[0][0]
    for name in by_name:
        chosen.setdefault(slugify(name), name)
    for alias, name in config["category_aliases"].items():
        if name in by_name:
            chosen[alias] = name
        else:
            close = difflib.get_close_matches(name, by_name, n=1)
            logger.warning("%s[“category_aliases”]: không có chuyên mục “%s”%s; bỏ qua “%s”",
                           SETTING, name, f" (có phải “{close[0]}”?)" if close else "", alias)

    redirects = []
    for alias, name in sorted(chosen.items()):
        if name not in by_name:
            continue
        category, articles = by_name[name]
        redirects.append(Redirect(f"/{module}/{alias}/", category.url, category.save_as, name,
                                  "Chuyên mục"))
        legacy_count = sum(aliases.get(alias, Counter()).values()) or len(articles)
        paginator = Paginator(category.save_as, category.url, articles, settings,
                              settings.get("DEFAULT_PAGINATION") or len(articles) or 1)
        for number in range(2, math.ceil(legacy_count / per_page) + 1):
            page = paginator.page(min(number, paginator.num_pages))
            redirects.append(Redirect(f"/{module}/{alias}/page-{number}/", page.url,
                                      page.save_as, name, "Chuyên mục"))
        feed = _feed({key: value.format(slug=category.slug) if isinstance(value, str) else value
                      for key, value in settings.items() if key.startswith("CATEGORY_FEED_")},
                     "CATEGORY_FEED_RSS", "CATEGORY_FEED_ATOM")
        url, save_as = feed or (category.url, category.save_as)
        redirects.append(Redirect(f"/{module}/rss/{alias}/", url, save_as, name, "Chuyên mục"))
    return redirects


def _tag_redirects(config: dict) -> list[Redirect]:
    module = config["module"]
    by_folded = {fold(tag.name): tag for tag in _state().tags}
    wanted: dict[str, object] = {}
    for tag in sorted(_state().tags, key=lambda tag: tag.name):
        for alias in legacy_tag_aliases(tag.name):
            wanted.setdefault(alias, tag)
    for alias, name in config["tag_aliases"].items():
        tag = by_folded.get(fold(name))
        if tag is None:
            logger.warning("%s[“tag_aliases”]: không có thẻ “%s”; bỏ qua “%s”", SETTING, name,
                           alias)
            continue
        wanted[alias] = tag
    return [Redirect(f"/{module}/tag/{alias}", tag.url, tag.save_as, tag.name, "Thẻ")
            for alias, tag in sorted(wanted.items())]


def _topic_redirects(config: dict) -> list[Redirect]:
    """`/news/topic/<alias>/` of the old site's "dòng sự kiện" pages: the alias NukeViet made
    from the name (marks dropped, đ → d, like our slug), and `topic_aliases`."""
    module = config["module"]
    topics = {}
    for article in _state().articles:
        topic = getattr(article, shared.TOPIC, None)
        if topic is not None and hasattr(topic, "save_as"):
            topics.setdefault(fold(topic.name), topic)
    wanted = {slugify(topic.name): topic for topic in topics.values()}
    for alias, name in config["topic_aliases"].items():
        topic = topics.get(fold(name))
        if topic is None:
            logger.warning("%s[“topic_aliases”]: không có dòng sự kiện “%s”; bỏ qua “%s”",
                           SETTING, name, alias)
            continue
        wanted[alias] = topic
    return [Redirect(f"/{module}/topic/{alias}/", topic.url, topic.save_as, topic.name,
                     "Dòng sự kiện") for alias, topic in sorted(wanted.items())]


def _site_redirects(config: dict, settings: dict) -> list[Redirect]:
    module = config["module"]
    home = Redirect(f"/{module}/", "", "index.html", settings.get("SITENAME", ""), "Trang")
    feed = _feed(settings, "FEED_ALL_RSS", "FEED_ALL_ATOM")
    url, save_as = feed or ("", "index.html")
    redirects = [home, Redirect(f"/{module}/rss/", url, save_as, settings.get("SITENAME", ""),
                                "Trang")]
    for source, target in config["extra"].items():
        target = target.lstrip("/")
        save_as = target + "index.html" if not target or target.endswith("/") else target
        redirects.append(Redirect(_key(source), target, save_as, target or "/", "Trang"))
    return redirects


# --- writing -----------------------------------------------------------------------------------


def _absolute(settings: dict, url: str) -> str:
    site = (settings.get("SITEURL") or "").rstrip("/")
    return f"{site}/{url}"


def _file_for(path: str) -> str:
    """The file that answers a path on a static host: `/a/` and `/news/tag/x` → …/index.html."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith("/"):
        return path.lstrip("/") + "index.html"
    if re.search(r"\.(html?|php)$", last):
        return path.lstrip("/")
    return path.lstrip("/") + "/index.html"


def _page(redirect: Redirect, settings: dict) -> str:
    target = html.escape(_absolute(settings, redirect.url))
    label = html.escape(redirect.label or redirect.url or "/")
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"{MARKER}\n"
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{target}">\n'
        f"<title>Đã chuyển: {label}</title>\n</head>\n"
        '<body data-pagefind-ignore="all">\n'
        f'<p>{redirect.what} này đã chuyển sang địa chỉ mới: <a href="{target}">{label}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def _nginx_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inside(output: Path, relative: str) -> Path | None:
    parts = Path(relative).parts
    if ".." in parts or relative.startswith("/"):
        return None
    return output / relative


class _SitePaths:
    """The addresses the built site answers, as nginx's map compares them (ignoring case):
    an old address equal to one would redirect the real page, stylesheet or search away."""

    def __init__(self, output: Path, settings: dict):
        self.output = output
        self.served: set[str] = set()
        for folder, _folders, files in os.walk(output):
            relative = os.path.relpath(folder, output).replace(os.sep, "/")
            base = "/" if relative == "." else f"/{relative.lower()}/"
            if "index.html" in files and base != "/":
                self.served.update((base, base.rstrip("/")))
            self.served.update(base + name.lower() for name in files)
        self.served.add("/")
        self.folders, self.files = reserved_outputs(settings)

    def taken(self, path: str) -> bool:
        lowered = path.lower()
        head = lowered.lstrip("/").split("/", 1)
        if (len(head) > 1 and head[0] in self.folders) or lowered.lstrip("/") in self.files:
            return True
        if lowered not in self.served:
            return False
        # A redirect page an earlier build left (an output folder not emptied) is not a page.
        file = self.output / _file_for(lowered)
        return not (file.is_file() and MARKER in file.read_text(encoding="utf-8",
                                                                  errors="replace"))


def _map_keys(old: str) -> list[str]:
    """nginx's $uri has no trailing-slash rule of its own: `/news/x` and `/news/x/` are both
    old links, so both are keys."""
    if old.endswith("/") and len(old) > 1:
        return [old, old.rstrip("/")]
    if not re.search(r"\.(html?|php)$", old):
        return [old, old + "/"]
    return [old]


def _power_of_two(at_least: int) -> int:
    return 1 << max(0, at_least - 1).bit_length()


def _map_text(lines: list[str], keys: set[str]) -> str:
    # nginx refuses a map whose longest key overflows a hash bucket ("could not build
    # map_hash"); old article URLs are long, so the sizes are set here, from the keys.
    longest = max((len(key.encode("utf-8")) for key in keys), default=0)
    bucket = max(64, _power_of_two(longest + 16))
    size = max(2048, _power_of_two(2 * len(keys)))
    return (
        "# Chuyển hướng 301 từ địa chỉ của trang cũ (NukeViet) sang trang mới.\n"
        "# Tạo bởi plugin legacy_redirects khi dựng trang; đừng sửa tay.\n"
        "# Đưa tệp này vào khối http { } của nginx:  include /duong/dan/legacy-redirects.map;\n"
        "# và thêm vào khối server { }:              if ($new_uri) { return 301 $new_uri; }\n"
        f"map_hash_bucket_size {bucket};\nmap_hash_max_size {size};\n"
        "map $uri $new_uri {\n    default \"\";\n" + "\n".join(lines)
        + ("\n" if lines else "") + "}\n"
    )


def write_redirects(pelican) -> None:
    config = _state().config
    if config is None:
        return
    settings = pelican.settings
    output = Path(settings["OUTPUT_PATH"])
    articles, aliases = _article_redirects(config)
    redirects = (articles + _category_redirects(config, settings, aliases)
                 + _tag_redirects(config) + _topic_redirects(config)
                 + _site_redirects(config, settings))

    chosen: dict[str, Redirect] = {}
    for redirect in redirects:
        earlier = chosen.get(redirect.source)
        if earlier is None:
            chosen[redirect.source] = redirect
        elif earlier.url != redirect.url and redirect.what == earlier.what == "Bài viết" \
                and not redirect.derived:
            logger.warning("%s: địa chỉ cũ %s có ở hai bài (%s và %s); dùng bài đầu",
                           SETTING, redirect.source, earlier.url, redirect.url)

    lines, keys, pages = [], set(), 0
    site_path = urlsplit(settings.get("SITEURL") or "").path.rstrip("/")
    site = _SitePaths(output, settings) if chosen else None
    prefixes = sorted(set(config["map_prefixes"]) | set(config["static_prefixes"]))
    for source, redirect in sorted(chosen.items()):
        if not (output / redirect.save_as).is_file():
            logger.warning("%s: bỏ chuyển hướng %s vì trang đích %s không được tạo ra",
                           SETTING, source, redirect.url or "/")
            continue
        if _file_for(source) == redirect.save_as:
            continue  # the old URL is the new one
        taken = next((key for prefix in prefixes for key in _map_keys(prefix + source)
                      if site.taken(key)), None)
        if taken and redirect.written_at:
            logger.error("%s: lỗi: “Đường dẫn cũ” %s trùng với địa chỉ %s của trang web mới "
                         "(máy chủ so địa chỉ không phân biệt chữ hoa, chữ thường): chuyển "
                         "hướng nó sẽ làm mất trang thật. Cách sửa: xóa địa chỉ này khỏi "
                         "“Đường dẫn cũ”", redirect.written_at, redirect.typed, taken)
            continue
        if taken:
            logger.warning("%s: địa chỉ cũ %s trùng với trang %s của trang mới; giữ trang "
                           "mới, không tạo chuyển hướng", SETTING, source, taken)
            continue
        variants = []
        # Our output's file names are lowercase ASCII (CONTRACT §2): an old address with
        # Vietnamese letters (NukeViet kept them in tag aliases) is redirected by the map only.
        static = config["static_pages"] and source.isascii() and source == source.lower()
        for prefix in config["static_prefixes"] if static else []:
            file = _inside(output, _file_for(prefix + source))
            if file is None:
                logger.warning("%s: bỏ địa chỉ cũ không hợp lệ %s", SETTING, source)
                continue
            variants.append(file)
        for file in variants:
            file.parent.mkdir(parents=True, exist_ok=True)
            fresh_output.write(str(file), _page(redirect, settings).encode("utf-8"),
                               str(output), settings["CACHE_PATH"])
            pages += 1
        target = f"{site_path}/{redirect.url}"
        for prefix in config["map_prefixes"]:
            for key in _map_keys(prefix + source):
                # nginx matches map strings ignoring case; a key given twice stops nginx.
                if key.lower() not in keys:
                    keys.add(key.lower())
                    lines.append(f"    {_nginx_quote(key)} {_nginx_quote(target)};")

    if config["map_file"]:
        map_file = output / config["map_file"]
        map_file.parent.mkdir(parents=True, exist_ok=True)
        fresh_output.write(str(map_file), _map_text(lines, keys).encode("utf-8"), str(output),
                           settings["CACHE_PATH"])
    logger.info("%s: %d trang chuyển hướng, %d dòng trong %s", SETTING, pages, len(lines),
                config["map_file"] or "(không ghi bảng nginx)")
