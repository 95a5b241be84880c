"""What a whole process tree used (a build forks readers, writers, photo workers, Pagefind),
sampled from /proc while it runs.

Memory: `wait4`'s `ru_maxrss` is the largest single process, not what the machine needed at
once. Every `interval` seconds this sums, over the process and all its descendants, the
resident size (RSS: shared pages counted in every process, an upper bound) and the
proportional size (PSS: shared pages divided among their users, what the tree really holds).

CPU: each process's own user + system time, its command name and when it started, as last
seen; a process's last `interval` before it ends can be missed, so the figures are a little
low for short-lived ones. A peak shorter than the interval can be missed too; the sampling
itself costs about 1 % of one core.
"""

import os
import threading
import time
from dataclasses import dataclass, field

_TICK = os.sysconf("SC_CLK_TCK")


def boot_time() -> float:
    """When the machine started, on `time.time()`'s scale, to 10 ms (/proc/stat's `btime`
    is whole seconds, too coarse to place a process within a build's phases)."""
    with open("/proc/uptime") as uptime:
        return time.time() - float(uptime.read().split()[0])


_BOOT = boot_time()


@dataclass
class TreePeak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    processes: int = 0  # the most processes alive at one sample
    # At the sample of the highest PSS: (pid, command name, RSS MB, PSS MB) of each process.
    at_peak: list = field(default_factory=list)
    when: float = 0.0  # wall clock of that sample


@dataclass
class ProcessSeen:
    pid: int
    parent: int
    name: str  # the kernel's command name (`comm`)
    started: float  # wall clock, `time.time()` scale
    cpu_seconds: float = 0.0  # user + system, its own (not its children's)
    last_seen: float = 0.0


@dataclass
class _Stat:
    parent: int
    name: str
    cpu_seconds: float
    started: float


def _stats() -> dict[int, _Stat]:
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue  # gone between the listing and the read
        head, tail = text.rsplit(b")", 1)
        fields = tail.split()
        found[int(name)] = _Stat(
            parent=int(fields[1]), name=head.split(b"(", 1)[1].decode(errors="replace"),
            cpu_seconds=(int(fields[11]) + int(fields[12])) / _TICK,
            started=_BOOT + int(fields[19]) / _TICK)
    return found


def _tree(root: int, stats: dict[int, _Stat]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        children.setdefault(stat.parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _sizes(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes; (0, 0) for a process that has just ended."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            text = rollup.read()
    except OSError:
        return 0, 0
    rss = pss = 0
    for line in text.splitlines():
        if line.startswith(b"Rss:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith(b"Pss:"):
            pss = int(line.split()[1]) * 1024
    return rss, pss


class TreeSampler:
    """`with TreeSampler(pid) as sampler: …` then `sampler.peak` and `sampler.processes`."""

    def __init__(self, root: int, interval: float = 0.2):
        self.root, self.interval = root, interval
        self.peak = TreePeak()
        self.processes: dict[int, ProcessSeen] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        stats = _stats()
        pids = [pid for pid in _tree(self.root, stats) if pid in stats]
        now = time.time()
        for pid in pids:
            stat = stats[pid]
            seen = self.processes.get(pid)
            if seen is None or seen.started != stat.started:  # a pid used again
                seen = self.processes[pid] = ProcessSeen(pid, stat.parent, stat.name,
                                                         stat.started)
            seen.name, seen.cpu_seconds, seen.last_seen = stat.name, stat.cpu_seconds, now
        sizes = [_sizes(pid) for pid in pids]
        rss = sum(size[0] for size in sizes) / 2**20
        pss = sum(size[1] for size in sizes) / 2**20
        peak = self.peak
        if pss > peak.pss_mb:
            peak.when = now
            peak.at_peak = [(pid, stats[pid].name, round(size[0] / 2**20), round(size[1] / 2**20))
                            for pid, size in zip(pids, sizes, strict=True) if size[0]]
        peak.rss_mb, peak.pss_mb = max(peak.rss_mb, rss), max(peak.pss_mb, pss)
        peak.processes = max(peak.processes, sum(1 for size in sizes if size[0]))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

