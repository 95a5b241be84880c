"""The search index as a few Pagefind bundles, each a group of publication years (a shard),
each made once and cached.

No Pelican here: an article is an `Entry` (what its record is made of), and everything below
works on those, a cache folder and an output folder.

- Records (records.py) are cached in `CACHE/search-index/records.pickle`, keyed by a digest
  of their entry and of the code that makes them: an unchanged article's record is never
  made again. Entries no longer in the site are dropped; the file is replaced atomically and a
  damaged one is ignored (it is a cache, not state).
- The years are grouped into shards (`group_years`): the newest year alone (new articles
  land there, so the hourly rebuilds re-index only it), the older ones, consecutive and
  counted from the oldest, in groups of at least `shard_articles` articles. Every shard costs
  a reader one index chunk per query word, so fewer shards make a first search lighter;
  smaller ones make an edit cheaper.
- A shard's bundle lives in `CACHE/search-index/<digest of its records>/`, so an edit
  re-indexes only its shard, and a rebuild with nothing changed runs Pagefind not at all.
  Pagefind writes into a temporary folder beside it, renamed into place once complete: a
  cached bundle is always whole.
- With several shards, one more bundle holds each shard's words (records.py says why): its
  digest is that of the words, so it is made again only when a shard's words change.
- Missing shards are indexed by several Pagefind processes at once (one per worker), as many
  as fit in a memory budget (Pagefind holds a whole shard in memory: ~125 kB per article).
- The bundles reach the output as hard links (a copy when the cache is on another file
  system), in a folder renamed into place: the output never holds half an index.
"""

import functools
import hashlib
import os
import pickle
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tintuc.files import replacing, write_atomically
from tintuc.problems import Explained
from tintuc.search import records
from tintuc.search.records import SearchPage, search_page, words_of, words_page


class SearchIndexFailed(Explained):
    """Pagefind could not index the site: the build must not pass as good."""


try:
    PAGEFIND_VERSION = version("pagefind")
except PackageNotFoundError:  # run_pagefind explains what to install
    PAGEFIND_VERSION = "?"

RECORDS_FILE = "records.pickle"
# The words bundle (records.py): one page per shard listing its words, beside the shards'.
WORDS = "tu-vung"
WORDS_SUFFIX = ".words"  # CACHE/search-index/<digest of a shard>.words: that shard's words
# The fewest articles in a shard of older years (SEARCH_INDEX["shard_articles"]).
SHARD_ARTICLES = 2000
_TEMPORARY = ".tmp-"
# Where a shard's record pages are written for Pagefind when memory allows (scratch_folder).
SCRATCH = Path("/dev/shm")
SCRATCH_PREFIX = "tintuc-search-"
# Everything a record depends on besides its entry: the code that makes it and the Unicode
# tables folding uses. A change to either makes every record again.
RECORDS_VERSION = hashlib.sha256(b"\0".join([
    Path(records.__file__).read_bytes(), unicodedata.unidata_version.encode(),
    platform.python_version().encode(),
])).hexdigest()[:16]
# What a cached bundle holds besides Pagefind's output; change it to make every shard again.
# (A version stamp: a shard of one year is the bundle of one year as before, so it stays.)
SHARD_FORMAT = "2: one bundle per year and one of their words, Pagefind's own UIs left out"
# Pagefind's own search UIs: the search page never loads them (about 0.4 MB per bundle).
UNUSED_FILES = frozenset({
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
})
# Pagefind's peak memory for a shard, estimated from the length of its records (measured with
# Pagefind 1.5.2 on generated articles of 5.6 kB records: 131 MB for 1,000, 381 MB for 3,000,
# 1.2 GB for 10,000), and what the processes running at once may use together. A shard bigger
# than that runs alone. 400 MB: one shard of ~2,000 articles at a time (two took the build's
# processes together to 1.0–1.2 GB at 10,000 articles while the cold build rendered; the
# index still ends long before the rendering: issue 15, BENCHMARKS.md).
PAGEFIND_BASE_BYTES = 32 * 2**20
PAGEFIND_BYTES_PER_RECORD_CHAR = 24
PAGEFIND_MEMORY_BUDGET = 400 * 2**20


@dataclass(frozen=True)
class Entry:
    """What one published article's record is made of (records.search_page's arguments)."""

    save_as: str
    title: str
    lead_html: str
    body_html: str
    tags: tuple[str, ...]
    category: str | None
    date: datetime

    @property
    def year(self) -> str:
        return f"{self.date:%Y}"

    def key(self) -> str:
        """The digest of everything the record depends on."""
        digest = hashlib.sha256(RECORDS_VERSION.encode())
        for part in (self.save_as, self.title, self.lead_html, self.body_html,
                     "\x1f".join(self.tags), "\x1e" if self.category is None else self.category,
                     self.date.isoformat()):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data) + data)
        return digest.hexdigest()[:32]

    def page(self) -> SearchPage:
        return search_page(save_as=self.save_as, title=self.title, lead_html=self.lead_html,
                           body_html=self.body_html, tags=list(self.tags),
                           category=self.category, date=self.date)


def group_years(counts: dict[str, int], shard_articles: int = SHARD_ARTICLES) \
        -> list[tuple[str, ...]]:
    """The shards of a site whose years have `counts` articles: each a tuple of years, newest
    first, the shards too.

    The newest year is a shard of its own (new articles land there, so a rebuild after them
    re-indexes only it). The older years are grouped, consecutive, counting from the oldest,
    into shards of at least `shard_articles` articles; a last group smaller than that joins
    the group before it. Counting from the oldest keeps the old groups' boundaries where they
    were when a year ends: only the newest group or two change, the others stay cached."""
    years = sorted(year for year in counts if counts[year] > 0)
    if not years:
        return []
    groups: list[list[str]] = []
    group: list[str] = []
    total = 0
    for year in years[:-1]:
        group.append(year)
        total += counts[year]
        if total >= shard_articles:
            groups.append(group)
            group, total = [], 0
    if group:
        if groups:
            groups[-1].extend(group)
        else:
            groups.append(group)
    older = [tuple(reversed(group)) for group in reversed(groups)]
    return [(years[-1],), *older]


def shard_name(years: Iterable[str]) -> str:
    """The folder of a shard's bundle: `2024`, or `2016-2019` (its oldest and newest years)."""
    ordered = sorted(years)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}-{ordered[-1]}"


@dataclass
class Shard:
    name: str  # shard_name(years), or WORDS for the words bundle
    pages: list[SearchPage]
    digest: str = ""
    indexed: bool = False  # made by this build (False: found in the cache)
    seconds: float = 0.0  # from writing its records to its bundle in the cache
    articles: int = 0
    years: tuple[str, ...] = ()

    @functools.cached_property
    def size(self) -> int:
        # Asked on every turn of index_missing's loop: counted once.
        return sum(len(page.html) for page in self.pages)

    def memory(self) -> int:
        return PAGEFIND_BASE_BYTES + PAGEFIND_BYTES_PER_RECORD_CHAR * self.size


@dataclass
class Outcome:
    """What a build of the index did; JSON-friendly (it crosses from a forked process)."""

    # {"name", "years", "digest", "articles", "indexed"}, newest shard first, then the words
    # bundle
    shards: list[dict] = field(default_factory=list)
    records_made: int = 0
    records_cached: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"shards": self.shards, "records_made": self.records_made,
                "records_cached": self.records_cached, "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: dict) -> "Outcome":
        return cls(**data)


# --- records ------------------------------------------------------------------------------------

def load_records(path: Path) -> dict[str, str]:
    """The cached records (key → page HTML); an absent or damaged file is an empty cache."""
    try:
        with path.open("rb") as stream:
            data = pickle.load(stream)
        if data.get("version") == RECORDS_VERSION and isinstance(data.get("records"), dict):
            return data["records"]
    except Exception:  # any damage: start again, it is only a cache
        pass
    return {}


def save_records(path: Path, cached: dict[str, str]) -> None:
    """Replaced whole: never half a file."""
    with replacing(path) as stream:
        pickle.dump({"version": RECORDS_VERSION, "records": cached}, stream,
                    protocol=pickle.HIGHEST_PROTOCOL)


class RecordCache:
    """The records of this build, from the cache where their entry is unchanged; `save` then
    leaves the cache holding exactly them."""

    def __init__(self, path: Path):
        self.path = path
        self.cached = load_records(path)
        self.kept: dict[str, str] = {}
        self.made = 0
        self.reused = 0

    def pages(self, entries: Iterable[Entry]) -> list[SearchPage]:
        pages = []
        for entry in entries:
            key = entry.key()
            html = self.kept.get(key) or self.cached.get(key)
            if html is None:
                html = entry.page().html
                self.made += 1
            else:
                self.reused += 1
            self.kept[key] = html
            pages.append(SearchPage(save_as=entry.save_as, html=html))
        return pages

    def save(self) -> None:
        if self.made or self.kept.keys() != self.cached.keys():
            save_records(self.path, self.kept)


# --- shards -------------------------------------------------------------------------------------

def shard_digest(pages: list[SearchPage]) -> str:
    """What Pagefind is given for one shard, as one digest: the same pages, the same bundle."""
    digest = hashlib.sha256(f"pagefind {PAGEFIND_VERSION}\0{SHARD_FORMAT}\0".encode())
    for page in sorted(pages, key=lambda page: page.save_as):
        digest.update(page.save_as.encode() + b"\0" + page.html.encode() + b"\0")
    return digest.hexdigest()[:32]


def shard_words(shard: Shard, cache: Path) -> list[str]:
    """A shard's searched words, sorted: from the cache, or read from its records."""
    path = cache / (shard.digest + WORDS_SUFFIX)
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        pass
    found: set[str] = set()
    for page in shard.pages:
        found |= words_of(page.html)
    words = sorted(found)
    write_atomically(path, "\n".join(words))
    return words


def words_shard(shards: list[Shard], cache: Path) -> Shard:
    """The words bundle as one more shard. Its digest is that of the shards' words, so an edit
    that brings no new word into its shard leaves it as it is."""
    words = {shard.name: shard_words(shard, cache) for shard in shards}
    digest = hashlib.sha256(f"pagefind {PAGEFIND_VERSION}\0{SHARD_FORMAT}\0{WORDS}\0".encode())
    for name in sorted(words):
        digest.update(f"{name}\0".encode() + "\n".join(words[name]).encode() + b"\0")
    shard = Shard(WORDS, [], digest.hexdigest()[:32])
    if not is_complete(cache / shard.digest):
        shard.pages = [SearchPage(f"{name}.html", words_page(name, words[name]))
                       for name in sorted(words)]
    return shard


def is_complete(bundle: Path) -> bool:
    return (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()


def write_pages(pages: list[SearchPage], folder: Path) -> None:
    root = os.path.realpath(folder)
    made: set[str] = set()
    for page in pages:
        # save_as is relative to the site (Pelican's): a `..` or an absolute one is refused
        # without asking the file system, which would cost a realpath() per page.
        relative = os.path.normpath(page.save_as)
        if os.path.isabs(relative) or relative.split(os.sep, 1)[0] == os.pardir:
            raise SearchIndexFailed(f"Đường dẫn bài nằm ngoài thư mục: {page.save_as}")
        path = os.path.join(root, relative)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(page.html)


def scratch_folder(size: int) -> Path | None:
    """A folder in memory (/dev/shm) for a shard's record pages, when there is room for them:
    Pagefind reads them once and they are deleted. On the disks builds run on, creating a file
    costs about 0.5 ms whatever its size (2,000 records: 1 s before Pagefind can start; 10,000:
    4-5 s of a cold build). None: write them in the cache folder."""
    if not SCRATCH.is_dir():
        return None
    try:
        if shutil.disk_usage(SCRATCH).free < 3 * size + (64 << 20):
            return None
        return Path(tempfile.mkdtemp(dir=SCRATCH, prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    except OSError:
        return None


def forget_scratch() -> None:
    """Scratch folders of processes that ended without deleting theirs (killed mid-build)."""
    try:
        names = os.listdir(SCRATCH)
    except OSError:
        return
    for name in names:
        if not name.startswith(SCRATCH_PREFIX):
            continue
        owner = name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        try:
            os.kill(int(owner), 0)
        except ProcessLookupError:
            shutil.rmtree(SCRATCH / name, ignore_errors=True)
        except (ValueError, OSError):
            continue


def pagefind_command(site: Path, bundle: Path) -> list[str]:
    # `python -m pagefind` runs the binary that the pinned `pagefind[bin]` installed.
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle),
            "--quiet"]


def _failure(output: str) -> SearchIndexFailed:
    return SearchIndexFailed(
        "Không tạo được chỉ mục tìm kiếm (Pagefind). Nếu thiếu gói, cài lại các gói Python "
        f"theo README (pagefind[bin]).\n{output.strip()[-2000:]}"
    )


def run_pagefind(site: Path, bundle: Path) -> None:
    """Pagefind on one folder, waiting for it (tools/search.py's measurements use it too)."""
    try:
        result = subprocess.run(pagefind_command(site, bundle), capture_output=True, text=True,
                                timeout=1800)
    except OSError as error:
        raise SearchIndexFailed(f"Không chạy được Pagefind: {error}") from error
    if result.returncode != 0 or not is_complete(bundle):
        raise _failure(result.stdout + result.stderr)


class _Run:
    """One Pagefind process indexing one shard into a temporary folder of the cache."""

    def __init__(self, shard: Shard, cache: Path, preexec: Callable[[], None] | None):
        self.shard = shard
        self.cache = cache
        self.work = Path(tempfile.mkdtemp(dir=cache, prefix=_TEMPORARY))
        self.log = None
        self.began = time.perf_counter()
        self.site = self.work / "site"
        try:
            self.site = scratch_folder(shard.size) or self.site
            write_pages(shard.pages, self.site)
            self.log = (self.work / "pagefind.log").open("w+", encoding="utf-8")
            self.process = subprocess.Popen(
                pagefind_command(self.site, self.work / "bundle"),
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                preexec_fn=preexec)
        except BaseException as error:
            self.close()
            if isinstance(error, OSError):
                raise SearchIndexFailed(f"Không chạy được Pagefind: {error}") from error
            raise

    def finish(self) -> None:
        """Once the process has ended: the bundle into the cache, or the failure raised."""
        bundle = self.work / "bundle"
        try:
            if self.process.returncode != 0 or not is_complete(bundle):
                self.log.seek(0)
                raise _failure(self.log.read())
            for name in UNUSED_FILES:
                (bundle / name).unlink(missing_ok=True)
            target = self.cache / self.shard.digest
            if target.exists() and not is_complete(target):  # damaged by hand: made again
                shutil.rmtree(target)
            try:
                os.rename(bundle, target)
            except OSError:
                if not is_complete(target):  # not made meanwhile by another build: a failure
                    raise
            self.shard.indexed = True
            self.shard.seconds = round(time.perf_counter() - self.began, 2)
        finally:
            self.close()

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.site, ignore_errors=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.close()


def index_missing(shards: Iterable[Shard], cache: Path, workers: int,
                  budget: int = PAGEFIND_MEMORY_BUDGET,
                  preexec: Callable[[], None] | None = None) -> None:
    """Run Pagefind for every shard not in the cache: up to `workers` at once, as many as fit
    in `budget` together (one at least). `shards` may be lazy: the next one is taken (its
    records made) while Pagefind works on the ones before."""
    missing = (shard for shard in shards if not is_complete(cache / shard.digest))
    following: Shard | None = None
    exhausted = False
    running: list[_Run] = []
    try:
        while True:
            if following is None and not exhausted:
                following = next(missing, None)
                exhausted = following is None
            used = sum(run.shard.memory() for run in running)
            if following is not None and len(running) < max(1, workers) and (
                    not running or used + following.memory() <= budget):
                running.append(_Run(following, cache, preexec))
                following = None
                continue
            if not running:
                return
            finished = [run for run in running if run.process.poll() is not None]
            if not finished:
                time.sleep(0.02)
            for run in finished:
                running.remove(run)
                run.finish()
    except BaseException:
        for run in running:
            run.kill()
        raise


def forget_unused(cache: Path, keep: set[str], only_temporary: bool = False) -> None:
    """Bundles of shards no longer in the site, and leftovers of interrupted builds."""
    for path in cache.iterdir():
        if path.name == RECORDS_FILE or path.name in keep or (
                only_temporary and not path.name.startswith(_TEMPORARY)):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def make_index(entries: list[Entry], cache: Path, workers: int,
               preexec: Callable[[], None] | None = None,
               shard_articles: int = SHARD_ARTICLES) -> Outcome:
    """Every shard's bundle (group_years), and the words bundle when there are several
    shards, in `cache` (made or found there); the rest of `cache` removed."""
    started, times = time.perf_counter(), os.times()
    cache.mkdir(parents=True, exist_ok=True)
    forget_unused(cache, set(), only_temporary=True)  # an interrupted build's: may be big
    forget_scratch()
    records = RecordCache(cache / RECORDS_FILE)
    years: dict[str, list[Entry]] = {}
    for entry in entries:
        years.setdefault(entry.year, []).append(entry)
    groups = {group: [entry for year in group for entry in years[year]]
              for group in group_years({year: len(group) for year, group in years.items()},
                                       shard_articles)}
    shards: list[Shard] = []
    making = [0.0]

    def biggest_first():
        # Pagefind's longest runs start first; the records of a shard are made just before
        # its Pagefind can start, while the shards before are being indexed.
        for group, members in sorted(groups.items(), reverse=True, key=lambda item: sum(
                len(entry.body_html) + len(entry.lead_html) for entry in item[1])):
            begun = time.perf_counter()
            shard = Shard(shard_name(group),
                          records.pages(sorted(members, key=lambda entry: entry.save_as)),
                          articles=len(members), years=group)
            shard.digest = shard_digest(shard.pages)
            shards.append(shard)
            making[0] += time.perf_counter() - begun
            yield shard
        if len(shards) > 1:
            begun = time.perf_counter()
            words = words_shard(shards, cache)
            making[0] += time.perf_counter() - begun
            shards.append(words)
            yield words

    index_missing(biggest_first(), cache, workers, preexec=preexec)
    records.save()
    forget_unused(cache, {shard.digest for shard in shards}
                  | {shard.digest + WORDS_SUFFIX for shard in shards})
    # newest shard first, the words last
    shards.sort(key=lambda shard: (shard.name == WORDS, [-int(year) for year in shard.years]))
    return Outcome(
        shards=[{"name": shard.name, "years": list(shard.years), "digest": shard.digest,
                 "articles": shard.articles, "indexed": shard.indexed,
                 "seconds": shard.seconds} for shard in shards],
        records_made=records.made, records_cached=records.reused,
        seconds={"records": round(making[0], 2),
                 "total": round(time.perf_counter() - started, 2),
                 # processor time, Pagefind's included: what the index costs the machine
                 "cpu": round(sum(os.times()[:4]) - sum(times[:4]), 2)})


# --- the output -------------------------------------------------------------------------------

def _link_tree(source: Path, target: Path, linking: list[bool]) -> int:
    """`source`'s files as hard links under `target`; copies once linking has failed (the cache
    on another file system), which `linking[0]` then remembers. Returns the files copied."""
    copied = 0
    for folder, folders, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        destination = target if relative == "." else target / relative
        destination.mkdir(exist_ok=True)
        for name in files:
            if name in UNUSED_FILES:
                continue
            if linking[0]:
                try:
                    os.link(os.path.join(folder, name), destination / name)
                    continue
                except OSError:
                    linking[0] = False
            shutil.copyfile(os.path.join(folder, name), destination / name)
            copied += 1
        folders.sort()
    return copied


def publish(outcome: Outcome, cache: Path, bundle: Path) -> int:
    """The shards' bundles as `bundle/<name>/`: assembled beside it, then renamed into place,
    so `bundle` is either the old index or the whole new one. Returns how many files had to
    be copied rather than linked."""
    bundle.parent.mkdir(parents=True, exist_ok=True)
    for leftover in bundle.parent.glob(f".{bundle.name}{_TEMPORARY}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(dir=bundle.parent, prefix=f".{bundle.name}{_TEMPORARY}"))
    try:
        copied, linking = 0, [True]
        for shard in outcome.shards:
            source = cache / shard["digest"]
            if not is_complete(source):
                raise SearchIndexFailed(f"Chỉ mục tìm kiếm {shard['name']} không có trong "
                                        f"bộ đệm {source}: hãy dựng lại.")
            (staging / shard["name"]).mkdir()
            copied += _link_tree(source, staging / shard["name"], linking)
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700: the web server must read it
        shutil.rmtree(bundle, ignore_errors=True)
        os.rename(staging, bundle)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return copied


def bundle_paths(folder: str, years: Iterable[str], shard_articles: int = SHARD_ARTICLES) \
        -> tuple[list[dict], str | None]:
    """What the search page needs of the index: each shard's bundle from the site's root,
    newest first (the page loads the first and merges the others), with its name, its years
    (newest first) and its number of articles; and the words bundle's path when there are
    several shards (else None). The shards are make_index's: the same years, the same
    group_years."""
    counts: dict[str, int] = {}
    for year in years:
        counts[year] = counts.get(year, 0) + 1
    folder = folder.strip("/")
    bundles = [{"path": f"{folder}/{shard_name(group)}/", "name": shard_name(group),
                "years": list(group), "articles": sum(counts[year] for year in group)}
               for group in group_years(counts, shard_articles)]
    return bundles, f"{folder}/{WORDS}/" if len(bundles) > 1 else None
