"""Where a build's time went, from `invoke bench --phases` (bench-results/bench-N*.json).

Not a test: `python benchmarks/phases_report.py bench-results/bench-10000-photos.json` prints,
for each measured run, the wall time of each phase (between Pelican's signals, and the
plugins' own summary lines) and the CPU time of each kind of process in the build's tree
(sampled from /proc: the reading and photo workers, the search job and its Pagefinds, the
page writers), attributed by when each process started.
"""

import json
import sys
from collections import defaultdict

# (phase, the event that ends it); each starts where the previous one ended.
PHASES = [
    ("invoke + content check", "pelican process"),
    ("Pelican start (imports, settings, plugins)", "initialized"),
    ("reading (Markdown, typography, cache)", "article_generator_pretaxonomy"),
    ("slugs, lists, taxonomies, pages, static files", "all_generators_finalized"),
    ("photos, then live blocks and the rest", "get_writer"),
    ("rendering and writing", "page_writer_finalized"),
    ("static files, redirects, search wait, exit", "exit"),
]


def phases(events: dict) -> list[tuple[str, float]]:
    found, previous = [], 0.0
    for name, end in PHASES:
        if end not in events:
            continue
        found.append((name, events[end] - previous))
        previous = events[end]
    return found


def process_kind(process: dict, events: dict, by_pid: dict) -> str:
    if process["name"] == "invoke":
        return "invoke + content check"
    parent = by_pid.get(process["parent"])
    if parent is None or (process["name"] == "pelican" and parent["name"] != "pelican"):
        return "Pelican, main process"
    if parent["name"] == "pelican" and process["name"] == "pelican":
        started = process["started"]
        if started < events.get("article_generator_pretaxonomy", 1e9):
            return "reading workers (and the old output's deletion)"
        if started < events.get("all_generators_finalized", 1e9):
            return "search index job"
        if started < events.get("get_writer", 1e9):
            return "photo workers"
        return "page writers"
    return process_kind(parent, events, by_pid) if parent["name"] == "pelican" \
        else f"{parent['name']} child"


def cpu_by_kind(processes: list[dict], events: dict) -> dict[str, float]:
    by_pid = {process["pid"]: process for process in processes}
    totals: dict[str, float] = defaultdict(float)
    for process in processes:
        kind = process_kind(process, events, by_pid)
        if process["name"] == "pagefind":
            kind = "search index: Pagefind"
        totals[kind] += process["cpu_seconds"]
    return dict(totals)


def report(result: dict) -> str:
    lines = []
    for run in result["runs"]:
        timeline = run.get("extra", {}).get("timeline")
        if not timeline:
            continue
        events = dict(timeline["events"])
        processes = run["extra"]["processes"]
        # Start times read from /proc are placed on the wall clock through the boot time,
        # which older records had only to the second: the measured command started at 0.
        pids = {process["pid"] for process in processes}
        root = next(process for process in processes if process["parent"] not in pids)
        shift = root["started"]
        processes = [{**process, "started": process["started"] - shift}
                     for process in processes]
        events["pelican process"] -= shift
        lines.append(f"== {run['variant']}: {run['seconds']:.1f} s wall, "
                     f"{run['cpu_seconds']:.1f} s CPU, tree peak {run['tree_pss_mb']:.0f} MB "
                     f"PSS / {run['tree_rss_mb']:.0f} MB RSS")
        for name, seconds in phases(events):
            lines.append(f"   {seconds:7.2f} s  {name}")
        for when, name, text in timeline["messages"]:
            lines.append(f"   at {when:7.2f} s  {name.rsplit('.', 1)[-1]}: {text[:150]}")
        if run["extra"].get("at_memory_peak"):
            by_pid = {process["pid"]: process for process in processes}
            lines.append(f"   memory at the peak ({run['extra']['memory_peak_at']:.1f} s):")
            for seen in sorted(run["extra"]["at_memory_peak"], key=lambda p: -p["pss_mb"]):
                kind = (process_kind(by_pid[seen["pid"]], events, by_pid)
                        if seen["pid"] in by_pid else "?")
                lines.append(f"   {seen['pss_mb']:7d} MB PSS {seen['rss_mb']:6d} MB RSS  "
                             f"{seen['name']} ({kind})")
        lines.append("   CPU by process:")
        for kind, seconds in sorted(cpu_by_kind(processes, events).items(),
                                    key=lambda item: -item[1]):
            lines.append(f"   {seconds:7.2f} s  {kind}")
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as file:
            print(report(json.load(file)))
