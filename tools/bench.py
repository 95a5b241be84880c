"""`invoke bench`: our build against vanilla Pelican on the same generated articles.

One corpus of N realistic Vietnamese articles is written twice: in our front-matter and in
vanilla Pelican's (English keys, ISO dates, an explicit slug where titles repeat, since vanilla
stops on duplicate slugs). Every build runs in its own process; the runs alternate so that a
noisy machine hurts every variant alike, and medians are reported with ratios.
"""

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_IMAGES = PROJECT / "content" / "images"

CATEGORIES = ["Hoạt động Đoàn", "Phong trào tình nguyện", "Thanh niên lập nghiệp",
              "Tuyên truyền pháp luật", "Văn hóa - Thể thao", "Chuyển đổi số",
              "Đội TNTP Hồ Chí Minh", "Hội LHTN Việt Nam"]
WORDS = ("đoàn viên thanh niên tình nguyện hội nghị tổng kết công tác năm tỉnh huyện xã "
         "Cao Bằng Quảng Hòa Hòa An Trùng Khánh Bảo Lạc chi đoàn cơ sở phong trào khởi nghiệp "
         "chuyển đổi số Đảng nhân dân thiếu nhi trường học bảo vệ môi trường hiến máu "
         "an toàn giao thông pháp luật văn hóa thể thao bóng đá văn nghệ biên giới đồn "
         "giúp đỡ gia đình khó khăn nhà nhân ái mùa hè xanh xuân tình nguyện kỷ niệm "
         "ngày thành lập truyền thống học tập làm theo tư tưởng đạo đức phong cách "
         "Hồ Chí Minh đại hội nhiệm kỳ ban chấp hành bí thư phó bí thư tập huấn kỹ năng").split()
TAGS = [" ".join(pair) for pair in zip(WORDS[::2], WORDS[1::2], strict=False)][:60]


@dataclass
class Article:
    title: str
    date: datetime
    category: str
    tags: list[str]
    summary: str
    body: str
    slug: str


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize() + "."


def make_articles(count: int, seed: int = 2022) -> list[Article]:
    from tintuc.text import slugify

    rng = random.Random(seed)
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
            image = f"{{static}}/images/bench/anh-{rng.randint(1, 4)}.jpg"
            caption = _sentence(rng, 5, 12)
            paragraphs.insert(rng.randint(1, len(paragraphs)),
                              f'![{caption}]({image} "{caption}")')
        articles.append(Article(
            title=title, date=date, category=rng.choice(CATEGORIES),
            tags=rng.sample(TAGS, rng.randint(1, 4)), summary=_sentence(rng, 15, 35),
            body="\n\n".join(paragraphs),
            slug=f"{slugify(title)}-{number}",
        ))
    return articles


def write_ours(article: Article) -> str:
    return (f"Tiêu đề: {article.title}\nNgày đăng: {article.date:%d/%m/%Y %H:%M}\n"
            f"Chuyên mục: {article.category}\nThẻ: {', '.join(article.tags)}\n"
            f"Tóm tắt: {article.summary}\n\n{article.body}\n")


def write_vanilla(article: Article) -> str:
    return (f"Title: {article.title}\nDate: {article.date:%Y-%m-%d %H:%M}\n"
            f"Category: {article.category}\nTags: {', '.join(article.tags)}\n"
            f"Summary: {article.summary}\nSlug: {article.slug}\n\n{article.body}\n")


def write_corpus(articles: list[Article], folder: Path, render) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    images = folder / "images" / "bench"
    images.mkdir(parents=True)
    samples = sorted(SAMPLE_IMAGES.rglob("*.jpg"))[:4]
    for number, sample in enumerate(samples, start=1):
        shutil.copy(sample, images / f"anh-{number}.jpg")
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


@dataclass
class Run:
    variant: str
    seconds: float
    max_rss_mb: float
    pages: int
    output_mb: float


def _measure(variant: str, command: list[str], output: Path, cwd: Path) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    log = process.stdout.read().decode(errors="replace")
    process.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{variant} failed:\n{log[-3000:]}")
    files = [path for path in output.rglob("*") if path.is_file()]
    return Run(variant, seconds, usage.ru_maxrss / 1024,
               sum(path.suffix == ".html" for path in files),
               sum(path.stat().st_size for path in files) / 1e6)


def run_benchmark(count: int, repeats: int, workdir: Path) -> dict:
    articles = make_articles(count)
    ours, vanilla = workdir / "ours", workdir / "vanilla"
    write_corpus(articles, ours / "content", write_ours)
    write_corpus(articles, vanilla / "content", write_vanilla)
    (vanilla / "pelicanconf.py").write_text(VANILLA_SETTINGS)
    pelican = str(Path(sys.executable).with_name("pelican"))
    settings = str(PROJECT / "pelicanconf.py")
    cache = ours / "cache"

    def our_build(variant: str) -> Run:
        output = ours / "output"
        command = [pelican, str(ours / "content"), "-s", settings, "-o", str(output),
                   "--fatal", "errors", "-e",
                   f"CACHE_PATH={json.dumps(str(cache))}"]
        return _measure(variant, command, output, PROJECT)

    def vanilla_build() -> Run:
        output = vanilla / "output"
        shutil.rmtree(output, ignore_errors=True)
        command = [pelican, "content", "-s", "pelicanconf.py", "-o", str(output)]
        return _measure("vanilla cold", command, output, vanilla)

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

    medians = {}
    for variant in ("vanilla cold", "ours cold", "ours unchanged", "ours one edit"):
        chosen = [run for run in runs if run.variant == variant]
        medians[variant] = {
            "seconds": statistics.median(run.seconds for run in chosen),
            "max_rss_mb": max(run.max_rss_mb for run in chosen),
            "pages": chosen[-1].pages,
            "output_mb": round(chosen[-1].output_mb, 1),
        }
    vanilla_seconds = medians["vanilla cold"]["seconds"]
    cold_seconds = medians["ours cold"]["seconds"]
    return {
        "articles": count,
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "medians": medians,
        "ratio_cold_vs_vanilla": cold_seconds / vanilla_seconds,
        "ratio_unchanged_vs_cold": medians["ours unchanged"]["seconds"] / cold_seconds,
        "ratio_one_edit_vs_cold": medians["ours one edit"]["seconds"] / cold_seconds,
        "runs": [asdict(run) for run in runs],
    }


def table(result: dict) -> str:
    lines = [f"{result['articles']} bài, {result['repeats']} lần, {result['cpus']} nhân",
             f"{'':16} {'median s':>9} {'max RSS MB':>11} {'pages':>7} {'output MB':>10}"]
    for variant, row in result["medians"].items():
        lines.append(f"{variant:16} {row['seconds']:9.2f} {row['max_rss_mb']:11.0f} "
                     f"{row['pages']:7d} {row['output_mb']:10.1f}")
    lines.append(f"ours cold / vanilla cold: {result['ratio_cold_vs_vanilla']:.2f}")
    lines.append(f"ours unchanged / ours cold: {result['ratio_unchanged_vs_cold']:.2f}")
    lines.append(f"ours one edit / ours cold: {result['ratio_one_edit_vs_cold']:.2f}")
    return "\n".join(lines)


def bench_task():
    from invoke import task

    @task(help={"articles": "how many articles (1000)", "repeats": "runs of each variant (3)",
                "workdir": "where corpora and outputs go (/tmp/tintuc-bench)"})
    def bench(c, articles=1000, repeats=3, workdir="/tmp/tintuc-bench"):
        """Benchmark our build against vanilla Pelican on the same generated articles."""
        result = run_benchmark(int(articles), int(repeats), Path(workdir))
        print(table(result))
        out = PROJECT / "bench-results" / f"bench-{articles}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"JSON: {out.relative_to(PROJECT)}")

    return bench
