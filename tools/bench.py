"""`invoke bench`: our build against vanilla Pelican on the same generated articles.

One corpus of N realistic Vietnamese articles is written twice: in our front-matter and in
vanilla Pelican's (English keys, ISO dates, an explicit slug where titles repeat, since vanilla
stops on duplicate slugs). Every build runs in its own process, `invoke build` as users run it
(the content check included) unless `--via pelican`; the runs alternate so that a noisy
machine hurts every variant alike, and medians are reported with ratios, with the peak memory
of each build's whole process tree.

`--photos` makes the corpus of issue 15: every article carries body photos and most a
featured photo, drawn from a few dozen real JPEG/PNG files of camera sizes
(tools/bench_photos.py), and a share of the articles (`--unknown-categories`, 0.2 by default
there) have a category outside NEWS_CATEGORIES, which the content check warns about.
"""

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from tintuc_tools.process_tree import TreeSampler

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_IMAGES = PROJECT / "content" / "images"
SETTINGS_FILE = PROJECT / "pelicanconf.py"

# The first corpus's categories: seven of the site's and one it does not list.
CATEGORIES = ["Hoạt động Đoàn", "Phong trào tình nguyện", "Thanh niên lập nghiệp",
              "Tuyên truyền pháp luật", "Văn hóa - Thể thao", "Chuyển đổi số",
              "Đội TNTP Hồ Chí Minh", "Hội LHTN Việt Nam"]
# Categories editors type that the site does not list (an old site's, or a new idea).
UNKNOWN_CATEGORIES = ["Hội LHTN Việt Nam", "Tin tức chung", "Thông báo", "Gương sáng",
                      "Sự kiện nổi bật", "Tin địa phương"]
WORDS = ("đoàn viên thanh niên tình nguyện hội nghị tổng kết công tác năm tỉnh huyện xã "
         "Cao Bằng Quảng Hòa Hòa An Trùng Khánh Bảo Lạc chi đoàn cơ sở phong trào khởi nghiệp "
         "chuyển đổi số Đảng nhân dân thiếu nhi trường học bảo vệ môi trường hiến máu "
         "an toàn giao thông pháp luật văn hóa thể thao bóng đá văn nghệ biên giới đồn "
         "giúp đỡ gia đình khó khăn nhà nhân ái mùa hè xanh xuân tình nguyện kỷ niệm "
         "ngày thành lập truyền thống học tập làm theo tư tưởng đạo đức phong cách "
         "Hồ Chí Minh đại hội nhiệm kỳ ban chấp hành bí thư phó bí thư tập huấn kỹ năng").split()
TAGS = [" ".join(pair) for pair in zip(WORDS[::2], WORDS[1::2], strict=False)][:60]
FEATURED_SHARE = 0.9  # articles with `Ảnh đại diện` in the photo corpus
DEFAULT_UNKNOWN_SHARE = 0.2


@dataclass
class Corpus:
    """What the generated articles carry besides text."""

    photos: bool = False  # body and featured photos from the generated pool
    # Share of articles whose category is not in NEWS_CATEGORIES; None: the first corpus's
    # eight categories (one of them unknown to the site).
    unknown_categories: float | None = None

    def label(self) -> str:
        parts = ["ảnh" if self.photos else "ảnh mẫu"]
        if self.unknown_categories is not None:
            parts.append(f"{self.unknown_categories:.0%} chuyên mục lạ")
        return ", ".join(parts)


@dataclass
class Article:
    title: str
    date: datetime
    category: str
    tags: list[str]
    summary: str
    body: str
    slug: str
    image: str = ""  # featured photo, `{static}/…`
    image_caption: str = ""


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize() + "."


def pool_paths(names: list[str]) -> list[str]:
    """Where the pool's photos live in the content folder: spread over years and months,
    as editors file them (`images/NĂM/THÁNG/`)."""
    return [f"images/{2016 + number % 10}/{1 + number % 12:02d}/{name}"
            for number, name in enumerate(names)]


def site_categories() -> list[str]:
    from tintuc.files import load_settings

    return list(load_settings(SETTINGS_FILE)["NEWS_CATEGORIES"])


def make_articles(count: int, seed: int = 2022, corpus: Corpus | None = None,
                  photos: list[str] = ()) -> list[Article]:
    """`photos`: the content-relative paths of the pool (with `corpus.photos`)."""
    from tintuc.text import slugify

    corpus = corpus or Corpus()
    rng = random.Random(seed)
    known = site_categories() if corpus.unknown_categories is not None else CATEGORIES
    start = datetime(2016, 1, 1, 7, 0)
    articles, titles = [], []
    for number in range(count):
        # About one title in a hundred repeats an earlier one, as recurring headlines do.
        if titles and rng.random() < 0.01:
            title = rng.choice(titles)
        else:
            title = _sentence(rng, 6, 14).rstrip(".")
            titles.append(title)
        date = start + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
        paragraphs = [" ".join(_sentence(rng, 8, 25) for _ in range(rng.randint(2, 6)))
                      for _ in range(rng.choice((2, 3, 5, 8, 14)))]
        for _ in range(rng.randint(1, 3)):
            if corpus.photos:
                image = "{static}/" + rng.choice(photos)
            else:
                image = f"{{static}}/images/bench/anh-{rng.randint(1, 4)}.jpg"
            caption = _sentence(rng, 5, 12)
            paragraphs.insert(rng.randint(1, len(paragraphs)),
                              f'![{caption}]({image} "{caption}")')
        if corpus.unknown_categories is None:
            category = rng.choice(known)
        elif rng.random() < corpus.unknown_categories:
            category = rng.choice(UNKNOWN_CATEGORIES)
        else:
            category = rng.choice(known)
        article = Article(
            title=title, date=date, category=category,
            tags=rng.sample(TAGS, rng.randint(1, 4)), summary=_sentence(rng, 15, 35),
            body="\n\n".join(paragraphs),
            slug=f"{slugify(title)}-{number}",
        )
        if corpus.photos and rng.random() < FEATURED_SHARE:
            article.image = "{static}/" + rng.choice(photos)
            article.image_caption = _sentence(rng, 5, 12)
        articles.append(article)
    return articles


def write_ours(article: Article) -> str:
    image = (f"Ảnh đại diện: {article.image}\nChú thích ảnh: {article.image_caption}\n"
             if article.image else "")
    return (f"Tiêu đề: {article.title}\nNgày đăng: {article.date:%d/%m/%Y %H:%M}\n"
            f"Chuyên mục: {article.category}\nThẻ: {', '.join(article.tags)}\n"
            f"Tóm tắt: {article.summary}\n{image}\n{article.body}\n")


def write_vanilla(article: Article) -> str:
    image = f"Image: {article.image}\n" if article.image else ""
    return (f"Title: {article.title}\nDate: {article.date:%Y-%m-%d %H:%M}\n"
            f"Category: {article.category}\nTags: {', '.join(article.tags)}\n"
            f"Summary: {article.summary}\nSlug: {article.slug}\n{image}\n{article.body}\n")


def sample_images() -> dict[str, Path]:
    """The first corpus's four photos: small samples of the site."""
    samples = sorted(SAMPLE_IMAGES.rglob("*.jpg"))[:4]
    return {f"images/bench/anh-{number}.jpg": sample
            for number, sample in enumerate(samples, start=1)}


def write_corpus(articles: list[Article], folder: Path, render,
                 images: dict[str, Path] | None = None) -> None:
    """The articles under `folder/tin/YEAR/`, and `images` (content path → file) copied."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for relative, source in (sample_images() if images is None else images).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    for number, article in enumerate(articles):
        path = folder / "tin" / f"{article.date:%Y}" / f"bai-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(article), encoding="utf-8")


VANILLA_SETTINGS = """\
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
SITENAME = "Vanilla"
"""

# `invoke build --settings` with this file is the site's pelicanconf.py, cache aside: the
# benchmark never touches the project's own cache/ and output/.
BENCH_SETTINGS = """\
from pelican.settings import load_source

_site = load_source("pelicanconf", {settings!r})
globals().update({{name: value for name, value in vars(_site).items() if name.isupper()}})
THEME = {theme!r}
CACHE_PATH = {cache!r}
"""


PHOTOS_MADE = "ours cold, photos made"


@dataclass
class Run:
    variant: str
    seconds: float
    # CPU time of the process and every child it waited for (user + system): steadier than
    # the wall time when other work shares the machine.
    cpu_seconds: float
    max_rss_mb: float  # the largest single process (wait4)
    tree_rss_mb: float  # the whole tree at its peak, shared pages counted in each process
    tree_pss_mb: float  # the whole tree at its peak, shared pages shared out
    pages: int
    output_mb: float
    log_lines: int = 0
    foreign_cpu_seconds: float = 0.0  # CPU the machine spent on other processes meanwhile
    extra: dict = field(default_factory=dict)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, not idle or waiting)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # without guest time


def _measure(variant: str, command: list[str], output: Path, cwd: Path,
             phases: Path | None = None) -> Run:
    env = {**os.environ, "TINTUC_PHASES": str(phases)} if phases else None
    if phases:
        phases.unlink(missing_ok=True)
    began = time.time()
    busy_before = machine_busy_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env)
    # Read the log while the build runs: a pipe that fills up would stall the build.
    with TreeSampler(process.pid, interval=0.2) as sampler:
        log = process.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    busy = machine_busy_seconds() - busy_before
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{variant} failed:\n{log[-3000:]}")
    files = [path for path in output.rglob("*") if path.is_file()]
    peak = sampler.peak
    run = Run(variant, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
              peak.rss_mb, peak.pss_mb,
              sum(path.suffix == ".html" for path in files),
              sum(path.stat().st_size for path in files) / 1e6,
              log_lines=log.count("\n"))
    # What the rest of the machine ran meanwhile: a shared machine slows the wall time of a
    # build by about this divided by the cores.
    run.foreign_cpu_seconds = round(max(0.0, busy - run.cpu_seconds), 1)
    if phases and phases.exists():
        run.extra["timeline"] = timeline(json.loads(phases.read_text()), began)
        run.extra["processes"] = [
            {"pid": seen.pid, "parent": seen.parent, "name": seen.name,
             "started": round(seen.started - began, 2),
             "last_seen": round(seen.last_seen - began, 2),
             "cpu_seconds": round(seen.cpu_seconds, 2)}
            for seen in sampler.processes.values()]
        run.extra["memory_peak_at"] = round(peak.when - began, 2)
        run.extra["at_memory_peak"] = [
            {"pid": pid, "name": name, "rss_mb": rss, "pss_mb": pss,
             "started": round(sampler.processes[pid].started - began, 2)}
            for pid, name, rss, pss in peak.at_peak]
    return run


def timeline(data: dict, began: float) -> dict:
    """tools/phase_timer.py's record as seconds from the start of the measured command."""
    def at(value: float) -> float:
        return round(value - began, 3)

    events = {"pelican process": at(data["process_start"]),
              "plugins loaded": at(data["plugin_loaded"])}
    for name, event in data["events"].items():
        events[name] = at(event["first"])
        if event["count"] > 1:
            events[f"{name} (last, {event['count']}×)"] = at(event["last"])
    events["exit"] = at(data["exit"])
    return {"events": dict(sorted(events.items(), key=lambda item: item[1])),
            "messages": [[at(when), name, text] for when, name, text in data["messages"]]}


def prepare(count: int, workdir: Path, corpus: Corpus) -> list[Article]:
    """Write both corpora (and the photo pool, once) under `workdir`; the articles."""
    images, photos = None, []
    if corpus.photos:
        from tintuc_tools.bench_photos import make_pool

        pool = workdir / "photo-pool"
        names = make_pool(pool)
        photos = pool_paths(names)
        images = {relative: pool / name for relative, name in zip(photos, names, strict=True)}
    articles = make_articles(count, corpus=corpus, photos=photos)
    write_corpus(articles, workdir / "ours" / "content", write_ours, images)
    write_corpus(articles, workdir / "vanilla" / "content", write_vanilla, images)
    return articles


def run_benchmark(count: int, repeats: int, workdir: Path, corpus: Corpus | None = None,
                  via: str = "invoke", phases: bool = False) -> dict:
    """`phases`: each build records when Pelican's signals came (tools/phase_timer.py)."""
    corpus = corpus or Corpus()
    articles = prepare(count, workdir, corpus)
    ours, vanilla = workdir / "ours", workdir / "vanilla"
    timer = '\nPLUGINS = ["tintuc_tools.phase_timer", *globals().get("PLUGINS", [])]\n'
    (vanilla / "pelicanconf.py").write_text(VANILLA_SETTINGS + (timer if phases else ""))
    records = workdir / "phases"
    records.mkdir(exist_ok=True)
    binaries = Path(sys.executable).parent
    pelican = str(binaries / "pelican")
    cache = ours / "cache"
    bench_settings = ours / "benchconf.py"
    bench_settings.write_text(BENCH_SETTINGS.format(
        settings=str(SETTINGS_FILE), theme=str(PROJECT / "theme"), cache=str(cache))
        + (timer if phases else ""))
    settings_file = str(bench_settings) if via == "invoke" or phases else str(SETTINGS_FILE)

    def record(variant: str) -> Path | None:
        return records / f"{variant.replace(' ', '-')}.json" if phases else None

    def our_build(variant: str) -> Run:
        output = ours / "output"
        if via == "invoke":
            command = [str(binaries / "invoke"), "build", "--content", str(ours / "content"),
                       "--output", str(output), "--settings", settings_file]
        else:
            command = [pelican, str(ours / "content"), "-s", settings_file, "-o",
                       str(output), "--fatal", "errors", "-e",
                       f"CACHE_PATH={json.dumps(str(cache))}"]
        return _measure(variant, command, output, PROJECT, record(variant))

    def vanilla_build() -> Run:
        output = vanilla / "output"
        shutil.rmtree(output, ignore_errors=True)
        command = [pelican, "content", "-s", "pelicanconf.py", "-o", str(output)]
        return _measure("vanilla cold", command, output, vanilla, record("vanilla cold"))

    edited = ours / "content" / "tin" / f"{articles[0].date:%Y}" / "bai-00000.md"
    runs: list[Run] = []
    for repeat in range(repeats):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(ours / "output", ignore_errors=True)
        runs.append(vanilla_build())
        runs.append(our_build("ours cold"))
        runs.append(our_build("ours unchanged"))
        edited.write_text(edited.read_text() + f"\nSửa lần {repeat + 1}.\n", encoding="utf-8")
        runs.append(our_build("ours one edit"))
        if corpus.photos:
            # Cold again, but the photos' sizes already made (cache/photos kept: they are
            # keyed by each file's bytes): what a cold build costs besides the photos.
            for kept in cache.iterdir():
                if kept.name != "photos":
                    shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
            shutil.rmtree(ours / "output", ignore_errors=True)
            runs.append(our_build(PHOTOS_MADE))

    medians = {}
    for variant in ("vanilla cold", "ours cold", "ours unchanged", "ours one edit", PHOTOS_MADE):
        chosen = [run for run in runs if run.variant == variant]
        if not chosen:
            continue
        medians[variant] = {
            "seconds": statistics.median(run.seconds for run in chosen),
            "best_seconds": min(run.seconds for run in chosen),
            "foreign_cpu_seconds": statistics.median(run.foreign_cpu_seconds
                                                     for run in chosen),
            "cpu_seconds": statistics.median(run.cpu_seconds for run in chosen),
            "max_rss_mb": max(run.max_rss_mb for run in chosen),
            "tree_rss_mb": max(run.tree_rss_mb for run in chosen),
            "tree_pss_mb": max(run.tree_pss_mb for run in chosen),
            "pages": chosen[-1].pages,
            "output_mb": round(chosen[-1].output_mb, 1),
            "log_lines": chosen[-1].log_lines,
        }
    vanilla_seconds = medians["vanilla cold"]["seconds"]
    cold_seconds = medians["ours cold"]["seconds"]
    cold_cpu = medians["ours cold"]["cpu_seconds"]
    return {
        "articles": count,
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "via": via,
        "corpus": asdict(corpus),
        "medians": medians,
        "ratio_cold_vs_vanilla": cold_seconds / vanilla_seconds,
        "ratio_unchanged_vs_cold": medians["ours unchanged"]["seconds"] / cold_seconds,
        "ratio_one_edit_vs_cold": medians["ours one edit"]["seconds"] / cold_seconds,
        "cpu_ratio_cold_vs_vanilla": cold_cpu / medians["vanilla cold"]["cpu_seconds"],
        "cpu_ratio_one_edit_vs_cold": medians["ours one edit"]["cpu_seconds"] / cold_cpu,
        **({"ratio_photos_made_vs_vanilla": medians[PHOTOS_MADE]["seconds"] / vanilla_seconds}
           if PHOTOS_MADE in medians else {}),
        "runs": [asdict(run) for run in runs],
    }


def table(result: dict) -> str:
    corpus = Corpus(**result.get("corpus", {}))
    lines = [f"{result['articles']} bài ({corpus.label()}), {result['repeats']} lần, "
             f"{result['cpus']} nhân, đo “{result.get('via', 'pelican')}”",
             f"{'':22} {'median s':>9} {'CPU s':>7} {'max RSS MB':>11} {'tree RSS':>9} "
             f"{'tree PSS':>9} {'pages':>7} {'output MB':>10} {'log lines':>10}"]
    for variant, row in result["medians"].items():
        lines.append(f"{variant:22} {row['seconds']:9.2f} {row.get('cpu_seconds', 0):7.1f} "
                     f"{row['max_rss_mb']:11.0f} "
                     f"{row.get('tree_rss_mb', 0):9.0f} {row.get('tree_pss_mb', 0):9.0f} "
                     f"{row['pages']:7d} {row['output_mb']:10.1f} {row.get('log_lines', 0):10d}")
    lines.append(f"ours cold / vanilla cold: {result['ratio_cold_vs_vanilla']:.2f}")
    lines.append(f"ours unchanged / ours cold: {result['ratio_unchanged_vs_cold']:.2f}")
    lines.append(f"ours one edit / ours cold: {result['ratio_one_edit_vs_cold']:.2f}")
    if "ratio_photos_made_vs_vanilla" in result:
        lines.append(f"{PHOTOS_MADE} / vanilla cold: "
                     f"{result['ratio_photos_made_vs_vanilla']:.2f}")
    if "best_seconds" in result["medians"]["ours cold"]:
        best = {variant: row["best_seconds"] for variant, row in result["medians"].items()}
        cold = best["ours cold"]
        lines.append(f"best runs: ours cold / vanilla {cold / best['vanilla cold']:.2f}, "
                     f"one edit / cold {best['ours one edit'] / cold:.2f}; other "
                     f"processes' CPU meanwhile (median s): " + ", ".join(
                         f"{variant} {row['foreign_cpu_seconds']:.0f}"
                         for variant, row in result["medians"].items()))
    if "cpu_ratio_cold_vs_vanilla" in result:
        lines.append(f"CPU: ours cold / vanilla {result['cpu_ratio_cold_vs_vanilla']:.2f}, "
                     f"one edit / cold {result['cpu_ratio_one_edit_vs_cold']:.2f}")
    return "\n".join(lines)


def corpus_of(photos: bool, unknown_categories: str) -> Corpus:
    """The options of `invoke bench` as a corpus (an empty share: 0.2 with photos)."""
    if unknown_categories == "":
        share = DEFAULT_UNKNOWN_SHARE if photos else None
    else:
        share = float(unknown_categories)
        if not 0 <= share <= 1:
            raise ValueError(f"--unknown-categories {unknown_categories}: a share, 0 to 1")
    return Corpus(photos=photos, unknown_categories=share)


def bench_task():
    from invoke import Exit, task

    @task(help={"articles": "how many articles (1000)", "repeats": "runs of each variant (3)",
                "workdir": "where corpora and outputs go (/tmp/tintuc-bench)",
                "photos": "articles carry featured and body photos from a pool of "
                          "36 generated camera-sized JPEG/PNG files",
                "unknown-categories": "share of articles with a category outside "
                                      "NEWS_CATEGORIES (0.2 with --photos)",
                "via": "invoke: `invoke build` as users run it, content check included "
                       "(default); pelican: `pelican … --fatal errors` alone",
                "phases": "record when each Pelican signal came (tools/phase_timer.py) "
                          "into the JSON"})
    def bench(c, articles=1000, repeats=3, workdir="/tmp/tintuc-bench", photos=False,
              unknown_categories="", via="invoke", phases=False):
        """Benchmark our build against vanilla Pelican on the same generated articles."""
        if via not in ("invoke", "pelican"):
            raise Exit(f"--via {via}: invoke or pelican", code=2)
        try:
            corpus = corpus_of(photos, unknown_categories)
        except ValueError as error:
            raise Exit(str(error), code=2) from None
        result = run_benchmark(int(articles), int(repeats), Path(workdir), corpus, via,
                               phases)
        print(table(result))
        suffix = "-photos" if photos else ""
        out = PROJECT / "bench-results" / f"bench-{articles}{suffix}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"JSON: {out.relative_to(PROJECT)}")

    return bench
