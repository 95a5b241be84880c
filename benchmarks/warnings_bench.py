"""What thousands of identical warnings cost, grouped (the default) and one by one.

Not a test: `python benchmarks/warnings_bench.py [--articles N]` writes N generated articles
(tools/bench.py) that each give two warnings, as an imported site does: a category outside
NEWS_CATEGORIES (the content check's) and a key the site does not know, `Lượt xem` (the
reader's, printed by Pelican's console). It then times, each in its own process, output to
a pipe as in CI:
- `invoke check` grouped and with `--verbose`;
- a `pelican` build with nothing changed (the reader's cache warm, so little else is left),
  grouped and with `-e NEWS_WARNING_GROUPS=0`, which prints every warning as before.
Runs alternate; the best of `--repeat` is printed.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from tintuc_tools.bench import (
    BENCH_SETTINGS,
    PROJECT,
    SETTINGS_FILE,
    Corpus,
    make_articles,
    write_corpus,
    write_ours,
)

BIN = Path(sys.executable).parent


def with_unknown_key(article) -> str:
    header, body = write_ours(article).split("\n\n", 1)
    return f"{header}\nLượt xem: 1234\n\n{body}"


def timed(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True,
                            timeout=3600)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
    return seconds, (result.stdout + result.stderr).count("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/tintuc-warnings-bench")
    options = parser.parse_args()
    workdir = Path(options.workdir)
    content, output, cache = workdir / "content", workdir / "output", workdir / "cache"
    articles = make_articles(options.articles, corpus=Corpus(unknown_categories=1.0))
    write_corpus(articles, content, with_unknown_key)
    settings = workdir / "settings.py"
    settings.write_text(BENCH_SETTINGS.format(settings=str(SETTINGS_FILE),
                                              theme=str(PROJECT / "theme"), cache=str(cache)))
    check = [str(BIN / "invoke"), "check", "--path", str(content), "--settings", str(settings)]
    build = [str(BIN / "pelican"), str(content), "-s", str(settings), "-o", str(output),
             "--fatal", "errors"]
    timed(build)  # the caches, once
    variants = {
        "invoke check, grouped": check,
        "invoke check --verbose": [*check, "--verbose"],
        "pelican, nothing changed, grouped": build,
        "pelican, nothing changed, every warning": [*build, "-e", "NEWS_WARNING_GROUPS=0"],
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    lines: dict[str, int] = {}
    for _ in range(options.repeat):
        for name, command in variants.items():
            seconds, lines[name] = timed(command)
            times[name].append(seconds)
    result = {name: {"best_s": round(min(values), 2), "all_s": [round(v, 2) for v in values],
                     "lines": lines[name]} for name, values in times.items()}
    print(f"{options.articles} bài, mỗi bài 2 cảnh báo (chuyên mục lạ, khóa lạ)")
    for name, row in result.items():
        print(f"{name:42} {row['best_s']:7.2f} s  {row['lines']:7d} dòng  {row['all_s']}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
