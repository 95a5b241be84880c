"""The index is one Pagefind bundle per shard (the newest year alone, older years grouped),
each cached by the digest of its records, and made beside the rendering in a forked process
(plugins/search_index, docs/search.md).

An unchanged rebuild runs Pagefind not at all and links the cached bundles into the output; an
edit re-indexes its shard only (in an old year, its group of years only); an article deleted or
hidden leaves its shard's bundle; a record is made again only when its article changed; a
failing Pagefind fails the build; and a build that fails while the index is being made leaves
no process behind and no index in the output.
"""

import contextlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import PROJECT, build, scenario

from tintuc_plugins import build as builds
from tintuc_tools.search import search_settings

# The newest year alone, the older ones together (far fewer than `shard_articles` articles).
SHARDS = ["2024", "2019-2023"]
WORDS = "tu-vung"  # the bundle of the shards' words
BUNDLES = [*SHARDS, WORDS]


def plugin_module(name: str):
    """A module of the plugin, the one Pelican loads (a forked indexing process inherits
    whatever is patched here)."""
    return importlib.import_module(f"tintuc_plugins.search_index.{name}")


@pytest.fixture
def runs(tmp_path, monkeypatch) -> Path:
    """Pagefind through a wrapper that notes every run in the file returned."""
    noted = tmp_path / "pagefind-runs"
    noted.write_text("")
    shards = importlib.import_module("tintuc.search.shards")
    real = shards.pagefind_command

    def counted(site, bundle):
        return ["sh", "-c", f'echo run >> "{noted}"; exec "$@"', "sh", *real(site, bundle)]

    monkeypatch.setattr(shards, "pagefind_command", counted)
    return noted


def count(runs: Path) -> int:
    return len(runs.read_text().split())


class Builds:
    """Builds of one content folder into new outputs, sharing one cache."""

    def __init__(self, root: Path, **settings):
        self.root = root
        self.content = root / "content"
        shutil.copytree(scenario("search_site"), self.content)
        self.settings = {**search_settings(), "CACHE_PATH": str(root / "cache"), **settings}
        self.number = 0

    def __call__(self):
        self.number += 1
        site = build(self.root / f"build{self.number}", self.content, self.settings, copy=False)
        assert site.ok, site.exception
        return site

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.content / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    @property
    def cache(self) -> Path:
        return self.root / "cache" / "search-index"


def outcome():
    return builds.last().search.outcome


def indexed_shards() -> list[str]:
    return [shard["name"] for shard in outcome().shards if shard["indexed"]]


def inodes(site, shard: str) -> dict[str, int]:
    folder = site.output / "pagefind" / shard
    return {str(path.relative_to(folder)): path.stat().st_ino
            for path in folder.rglob("*") if path.is_file()}


def urls(site, shard: str) -> set[str]:
    import gzip

    found = set()
    for path in (site.output / "pagefind" / shard / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        found.add(json.loads(data[len(b"pagefind_dcd"):])["url"])
    return found


def bundles_on_the_page(site) -> list[str]:
    form = site.html("tim-kiem/index.html").find("form", attrs={"data-search-bundles": True})
    return form["data-search-bundles"].split()


def test_an_unchanged_rebuild_runs_pagefind_no_more(tmp_path, runs):
    builds = Builds(tmp_path)
    first = builds()
    assert count(runs) == len(BUNDLES) and indexed_shards() == BUNDLES
    again = builds()
    assert count(runs) == len(BUNDLES) and indexed_shards() == []
    assert outcome().records_made == 0 and outcome().records_cached == 9
    for shard in BUNDLES:
        # The very same files: hard links to the cached bundle, not copies.
        assert inodes(again, shard) == inodes(first, shard)
        assert (again.output / "pagefind" / shard / "pagefind.js").stat().st_nlink >= 3


def assert_only_reindexed(runs, first, edited, bundles: list[str], shard: str) -> None:
    """After one article of `shard` was edited (with words it has already): one Pagefind
    run, one record made, and every other bundle the very same files as in `first`."""
    assert count(runs) == len(bundles) + 1 and indexed_shards() == [shard]
    assert outcome().records_made == 1
    for name in bundles:
        same = inodes(edited, name) == inodes(first, name)
        assert same == (name != shard), name


def test_an_edit_reindexes_its_shard_only(tmp_path, runs):
    builds = Builds(tmp_path)
    first = builds()
    # Words the shard has already: its bundle only.
    builds.edit("dang-bo-hoc-nghi-quyet.md", "Đảng bộ", "Đảng bộ, cán bộ")
    assert_only_reindexed(runs, first, builds(), BUNDLES, "2019-2023")
    # A new word: the shard's bundle and the words bundle.
    builds.edit("dang-bo-hoc-nghi-quyet.md", "Đảng bộ", "Đảng bộ phường Hợp Giang")
    builds()
    assert count(runs) == len(BUNDLES) + 3 and indexed_shards() == ["2019-2023", WORDS]
    # Only this build's bundles, words and records stay in the cache.
    digests = [shard["digest"] for shard in outcome().shards]
    assert sorted(path.name for path in builds.cache.iterdir()) == sorted(
        digests + [f"{digest}.words" for digest in digests[:-1]] + ["records.pickle"])
    with (builds.cache / "records.pickle").open("rb") as stream:
        assert len(pickle.load(stream)["records"]) == 9


def test_an_edit_in_an_old_year_reindexes_its_group_only(tmp_path, runs):
    # Shards of at least two articles: 2024 (the newest, alone), 2023 (three articles), and
    # 2019-2022 (one article each).
    builds = Builds(tmp_path, SEARCH_INDEX={"shard_articles": 2})
    shards = ["2024", "2023", "2019-2022", WORDS]
    first = builds()
    assert count(runs) == len(shards) and indexed_shards() == shards
    assert bundles_on_the_page(first) == ["/pagefind/2024/", "/pagefind/2023/",
                                          "/pagefind/2019-2022/"]
    assert urls(first, "2019-2022") == {"/ngay-dang-khong-duoc-tim.html",
                                        "/chuyen-muc-khong-duoc-tim.html"}
    # The oldest article, with words its shard has already: that shard's bundle only.
    builds.edit("ngay-dang-khong-duoc-tim.md", "gặt lúa trước lũ", "gặt lúa, gặt lúa trước lũ")
    assert_only_reindexed(runs, first, builds(), shards, "2019-2022")


def test_a_hidden_or_deleted_article_leaves_its_shard(tmp_path, runs):
    builds = Builds(tmp_path)
    first = builds()
    assert "/dan-ca-chi-co-d-thuong.html" in urls(first, "2019-2023")
    builds.edit("dan-ca-chi-co-d-thuong.md", "Chuyên mục:", "Trạng thái: ẩn\nChuyên mục:")
    # The only article of 2019: its year leaves the shard, which is now 2022-2023.
    (builds.content / "ngay-dang-khong-duoc-tim.md").unlink()
    changed = builds()
    assert indexed_shards() == ["2022-2023", WORDS] and count(runs) == len(BUNDLES) + 2
    assert urls(changed, "2022-2023") == {"/dang-bo-hoc-nghi-quyet.html",
                                          "/tu-roi-khong-thanh-cum.html",
                                          "/chuyen-muc-khong-duoc-tim.html"}
    assert not (changed.output / "pagefind" / "2019-2023").exists()
    assert bundles_on_the_page(changed) == ["/pagefind/2024/", "/pagefind/2022-2023/"]
    # A shard left without articles loses its bundle and its place on the page.
    for name in ("dang-bo-hoc-nghi-quyet", "tu-roi-khong-thanh-cum", "chuyen-muc-khong-duoc-tim"):
        (builds.content / f"{name}.md").unlink()
    alone = builds()
    assert sorted(path.name for path in (alone.output / "pagefind").iterdir()) == ["2024"]
    assert bundles_on_the_page(alone) == ["/pagefind/2024/"]


def test_a_damaged_records_cache_is_made_again(tmp_path, runs):
    builds = Builds(tmp_path)
    builds()
    (builds.cache / "records.pickle").write_bytes(b"\x80\x05 not a pickle")
    builds()
    # The records are made again, and are the same: every year's bundle is still good.
    assert outcome().records_made == 9 and indexed_shards() == []
    assert count(runs) == len(BUNDLES)
    with (builds.cache / "records.pickle").open("rb") as stream:
        assert len(pickle.load(stream)["records"]) == 9


def test_a_failing_pagefind_fails_the_build(tmp_path, monkeypatch):
    shards = importlib.import_module("tintuc.search.shards")
    monkeypatch.setattr(shards, "pagefind_command",
                        lambda site, bundle: ["sh", "-c", "echo 'Pagefind hỏng' >&2; exit 3"])
    site = build(tmp_path, scenario("search_site"),
                 {**search_settings(), "CACHE_PATH": str(tmp_path / "cache")})
    assert not site.ok
    assert "Không tạo được chỉ mục tìm kiếm (Pagefind)" in str(site.exception)
    assert "Pagefind hỏng" in str(site.exception)
    assert not (site.output / "pagefind").exists()
    # No bundle, whole or half made, is left in the cache (the records and the shards' lists
    # of words, made while Pagefind ran, are good and may stay).
    assert not [path for path in (tmp_path / "cache" / "search-index").iterdir()
                if path.name != "records.pickle" and not path.name.endswith(".words")]


# A build in its own process whose Pagefind never ends (it notes its pid and sleeps), and
# which fails, or is killed, while the index is being made beside the rendering.
DRIVER = """
import os, sys, time
from tintuc.search import shards
from pelican import main, signals

def pagefind(site, bundle):
    return ["sh", "-c", 'echo $$ > "$0"; exec sleep 600', {pids!r}]

def fail(generator, writer=None):
    for _ in range(400):  # until Pagefind runs
        if os.path.exists({pids!r}) and open({pids!r}).read().strip():
            break
        time.sleep(0.05)
    if {mode!r} == "killed":
        print("waiting", flush=True)
        time.sleep(600)
    raise RuntimeError("the build goes wrong while the index is made")

shards.pagefind_command = pagefind
signals.article_writer_finalized.connect(fail)
main([{content!r}, "-s", {settings!r}, "-o", {output!r}, "--fatal", "errors",
      "-e", "CACHE_PATH=" + {cache!r}])
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # ended, not yet reaped by a container's init


@pytest.mark.parametrize("mode", ["fails", "killed"])
def test_a_failed_build_leaves_no_process_and_no_index(tmp_path, mode):
    pids, output = tmp_path / "pagefind.pid", tmp_path / "output"
    driver = DRIVER.format(pids=str(pids), mode=mode, content=str(scenario("search_site")),
                           settings=str(PROJECT / "pelicanconf.py"), output=str(output),
                           cache=json.dumps(str(tmp_path / "cache")))
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(driver)], cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if mode == "killed":
        for line in process.stdout:
            if line.strip() == "waiting":
                break
        os.kill(process.pid, signal.SIGKILL)
    try:
        # Ends at once when nothing is left holding its output (a forked process would).
        out, _ = process.communicate(timeout=60)
        assert process.returncode != 0, out
        pid = int(pids.read_text())
        deadline = time.monotonic() + 10
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(pid), "Pagefind outlived the build"
    finally:
        process.kill()
        if pids.exists() and pids.read_text().strip():
            with contextlib.suppress(OSError):
                os.kill(int(pids.read_text()), signal.SIGKILL)
    assert not (output / "pagefind").exists()
    assert not list(output.glob(".pagefind*"))


def test_bundles_are_linked_from_the_cache_or_copied(tmp_path, monkeypatch):
    from tintuc.search import shards

    cache, output = tmp_path / "cache", tmp_path / "output"
    bundle = cache / "abc"
    for name in ("pagefind.js", "pagefind-entry.json", "fragment/x.pf_fragment",
                 "pagefind-ui.js"):
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_text(name)
    outcome = shards.Outcome(shards=[{"name": "2024", "years": ["2024"], "digest": "abc",
                                      "articles": 1, "indexed": True}])
    assert shards.publish(outcome, cache, output / "pagefind") == 0
    linked = output / "pagefind" / "2024"
    assert (linked / "fragment/x.pf_fragment").stat().st_ino == \
        (bundle / "fragment/x.pf_fragment").stat().st_ino
    assert not (linked / "pagefind-ui.js").exists()  # Pagefind's own UI: never loaded

    def cannot_link(source, destination):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(shards.os, "link", cannot_link)
    assert shards.publish(outcome, cache, output / "pagefind") == 3
    assert (linked / "fragment/x.pf_fragment").read_text() == "fragment/x.pf_fragment"
    assert (linked / "pagefind.js").stat().st_ino != (bundle / "pagefind.js").stat().st_ino
    assert sorted(path.name for path in output.iterdir()) == ["pagefind"]


def test_record_pages_go_to_memory_and_leftovers_of_dead_builds_are_deleted(tmp_path,
                                                                            monkeypatch):
    shards = importlib.import_module("tintuc.search.shards")
    monkeypatch.setattr(shards, "SCRATCH", tmp_path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"{shards.SCRATCH_PREFIX}{dead.pid}-abc"
    (left / "tin").mkdir(parents=True)
    mine = tmp_path / f"{shards.SCRATCH_PREFIX}{os.getpid()}-def"
    mine.mkdir()
    shards.forget_scratch()
    assert not left.exists() and mine.exists()
    folder = shards.scratch_folder(1000)
    assert folder is not None and folder.parent == tmp_path
    # No room: the cache folder is used instead.
    assert shards.scratch_folder(10**15) is None
    monkeypatch.setattr(shards, "SCRATCH", tmp_path / "absent")
    assert shards.scratch_folder(1000) is None
