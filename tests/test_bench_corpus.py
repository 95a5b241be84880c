"""`invoke bench`'s tools (issue 15): the photo corpus is what it claims to be, it passes the
content check with exactly the warnings it is meant to give, and the process-tree sampler sees
the memory and CPU of a child. No timing is asserted here (BENCHMARKS.md has the numbers)."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from PIL import Image

from tintuc.checker import run_check
from tintuc.files import load_settings
from tintuc_tools.bench import (
    Corpus,
    corpus_of,
    make_articles,
    pool_paths,
    site_categories,
    write_corpus,
    write_ours,
    write_vanilla,
)
from tintuc_tools.bench_photos import SIZE_WINDOW, make_pool
from tintuc_tools.process_tree import TreeSampler

PROJECT = Path(__file__).resolve().parents[1]


def test_the_pool_holds_camera_sized_jpegs_and_pngs_made_once(tmp_path):
    names = make_pool(tmp_path, count=6)
    assert [Path(name).suffix for name in names] == [".jpg"] * 5 + [".png"]
    for name in names:
        with Image.open(tmp_path / name) as photo:
            assert photo.format == ("PNG" if name.endswith(".png") else "JPEG")
            assert 1200 <= max(photo.size) <= 2000
        if name.endswith(".jpg"):
            assert SIZE_WINDOW[0] <= (tmp_path / name).stat().st_size <= SIZE_WINDOW[1]
    made = {name: (tmp_path / name).stat().st_mtime_ns for name in names}
    assert make_pool(tmp_path, count=6) == names
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in names} == made


def test_articles_carry_pool_photos_unknown_categories_and_one_to_four_tags():
    photos = pool_paths([f"anh-{number}.jpg" for number in range(36)])
    articles = make_articles(1000, corpus=Corpus(photos=True, unknown_categories=0.2),
                             photos=photos)
    known = set(site_categories())
    unknown = sum(article.category not in known for article in articles)
    assert 150 <= unknown <= 250
    assert all(1 <= len(article.tags) <= 4 for article in articles)
    used = Counter()
    for article in articles:
        body_photos = [line for line in article.body.split("\n\n") if line.startswith("![")]
        assert 1 <= len(body_photos) <= 3
        used.update(path for path in photos if path in article.body or path in article.image)
    assert len(used) == 36
    featured = sum(bool(article.image) for article in articles)
    assert 850 <= featured <= 950
    assert "Ảnh đại diện: {static}/images/" in write_ours(articles[0]) or not articles[0].image
    assert corpus_of(True, "") == Corpus(True, 0.2)
    assert corpus_of(False, "") == Corpus(False, None)


def test_the_written_corpus_gives_only_the_unknown_category_warnings(tmp_path):
    names = make_pool(tmp_path / "pool", count=2)
    photos = pool_paths(names)
    articles = make_articles(60, corpus=Corpus(photos=True, unknown_categories=0.3),
                             photos=photos)
    images = {relative: tmp_path / "pool" / name
              for relative, name in zip(photos, names, strict=True)}
    write_corpus(articles, tmp_path / "ours", write_ours, images)
    write_corpus(articles, tmp_path / "vanilla", write_vanilla, images)
    result = run_check(tmp_path / "ours", load_settings(PROJECT / "pelicanconf.py"))
    codes = Counter(problem.code for problem in result.problems)
    known = set(site_categories())
    assert codes == {"unknown-category": sum(a.category not in known for a in articles)}
    assert result.files_checked == 60
    assert {path.name for path in (tmp_path / "vanilla").rglob("*.jpg")} == set(names)


def test_the_sampler_sees_a_childs_memory_and_cpu():
    code = ("import time\nblock = b\"x\" * (300 * 2**20)\nend = time.time() + 0.6\n"
            "while time.time() < end: pass\n")
    child = subprocess.Popen([sys.executable, "-c", code])
    with TreeSampler(child.pid, interval=0.05) as sampler:
        child.wait()
    assert sampler.peak.pss_mb > 250 and sampler.peak.rss_mb > 250
    seen = sampler.processes[child.pid]
    assert seen.cpu_seconds > 0.3 and seen.name.startswith("python")
