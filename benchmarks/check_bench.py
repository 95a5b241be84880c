"""Speed of `invoke check` (tintuc/checker.py) on a generated folder of news articles.

Not a test: `python benchmarks/check_bench.py [--articles N]` prints the time of a full check
and of a pre-commit style check of one file (which still reads the whole folder to find
duplicates). The articles imitate the real ones: a full front-matter, five to ten paragraphs,
two captioned photos that exist, a link to another article, spread over seven categories and
ten years.
"""

import argparse
import random
import tempfile
import time
from pathlib import Path

from tintuc.checker import run_check
from tintuc.files import load_settings
from tintuc.text import slugify

PROJECT = Path(__file__).resolve().parents[1]
WORDS = ("đoàn viên thanh niên tỉnh Cao Bằng ra quân tình nguyện xây dựng nông thôn mới "
         "hỗ trợ người dân chuyển đổi số học tập làm theo tư tưởng đạo đức phong cách Hồ Chí "
         "Minh khởi nghiệp lập nghiệp bảo vệ môi trường an toàn giao thông văn hóa thể thao "
         "thiếu nhi trường học xã huyện Quảng Hòa Hòa An Trùng Khánh Bảo Lạc").split()


def sentence(rng: random.Random, length: int) -> str:
    words = rng.choices(WORDS, k=length)
    return " ".join(words).capitalize() + "."


def generate(folder: Path, count: int, categories: list[str], seed: int = 7) -> Path:
    rng = random.Random(seed)
    content = folder / "content"
    photos = content / "images" / "2024" / "05"
    photos.mkdir(parents=True)
    for number in range(20):
        (photos / f"anh-{number}.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    names = []
    for index in range(count):
        category = categories[index % len(categories)]
        title = f"{sentence(rng, rng.randint(8, 16))[:-1]} {index}"
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2016, 2026)
        slug = slugify(title)
        relative = f"{slugify(category)}/{year}-{month:02}-{day:02}-{slug}.md"
        paragraphs = [" ".join(sentence(rng, rng.randint(10, 25)) for _ in range(3))
                      for _ in range(rng.randint(5, 10))]
        photo_a, photo_b = rng.sample(range(20), 2)
        paragraphs.insert(2, f'![{sentence(rng, 6)}]({{static}}/images/2024/05/anh-{photo_a}.jpg '
                             f'"{sentence(rng, 9)}")')
        paragraphs.insert(5, f'![{sentence(rng, 6)}]({{static}}/images/2024/05/anh-{photo_b}.jpg '
                             f'"{sentence(rng, 9)}")')
        if names:
            paragraphs.append(f"Xem thêm: [bài liên quan]({{filename}}/{rng.choice(names)}).")
        header = (f"Tiêu đề: {title}\nNgày đăng: {day:02}/{month:02}/{year} "
                  f"{rng.randint(6, 22):02}:{rng.randint(0, 59):02}\nChuyên mục: {category}\n"
                  f"Thẻ: {', '.join(rng.sample(WORDS, 3))}\nTác giả: Nông Thị Hà\n"
                  f"Tóm tắt: {sentence(rng, 30)}\n"
                  f"Ảnh đại diện: {{static}}/images/2024/05/anh-{photo_a}.jpg\n"
                  f"Chú thích ảnh: {sentence(rng, 8)}\nĐường dẫn: {slug}\nTrạng thái: công bố\n")
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + "\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        names.append(relative)
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    settings = load_settings(PROJECT / "pelicanconf.py")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        content = generate(Path(folder), options.articles, settings["NEWS_CATEGORIES"])
        size = sum(path.stat().st_size for path in content.rglob("*.md")) / 1e6
        print(f"generated {options.articles} articles ({size:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s")

        # The best of a few runs: this machine is shared, and one run can be slowed by others.
        # CPU time is printed too: on a busy machine it is the steadier figure.
        times = []
        for _ in range(options.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            result = run_check(content, settings)
            times.append((time.perf_counter() - started, time.process_time() - cpu))
        best, best_cpu = min(times)
        print(f"full check: {result.files_checked} files in {best:.2f} s, {best_cpu:.2f} s CPU "
              f"(best of {options.repeat}; all: {', '.join(f'{t:.2f}' for t, _ in times)}) "
              f"({result.summary()}); {best / result.files_checked * 1e6:.0f} µs per file")

        one = next(content.rglob("*.md"))
        started, cpu = time.perf_counter(), time.process_time()
        result = run_check(content, settings, only=[one])
        print(f"one changed file (pre-commit): {time.perf_counter() - started:.2f} s, "
              f"{time.process_time() - cpu:.2f} s CPU ({result.summary()})")


if __name__ == "__main__":
    main()
