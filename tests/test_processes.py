"""tintuc.processes: how many processes a stage runs, and work done in a forked child."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tintuc.problems import Explained
from tintuc.processes import (
    ForkedJob,
    JobFailed,
    cores,
    news_workers,
    start_child,
    wait_child,
    worker_count,
)


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60)


def test_cores_are_the_ones_this_process_may_use_not_the_machines():
    assert cores() == len(os.sched_getaffinity(0))
    # Held to one processor (a container's cpuset, `taskset`), a stage runs one process.
    first = min(os.sched_getaffinity(0))
    found = run_python(f"""
        import os
        os.sched_setaffinity(0, {{{first}}})
        from tintuc.processes import cores, news_workers
        print(cores(), news_workers({{}}), os.cpu_count())
    """)
    assert found.returncode == 0, found.stderr
    allowed, workers, machine = map(int, found.stdout.split())
    assert (allowed, workers) == (1, 1)
    if machine == 1:
        pytest.skip("a one-processor machine cannot tell cores from the machine's count")


@pytest.mark.parametrize(("setting", "fallback", "expected"), [
    (None, None, "cores"), (0, None, "cores"), (3, None, 3), (1, 4, 1),
    (None, 2, 2), (None, 0, "cores"),
    (0, 2, "cores"),  # a setting of 0 is given: one per core, whatever the fallback
])
def test_worker_count(setting, fallback, expected):
    assert worker_count(setting, fallback) == (cores() if expected == "cores" else expected)


def test_news_workers_reads_the_setting():
    assert news_workers({}) == cores()
    assert news_workers({"NEWS_WORKERS": 0}) == cores()
    assert news_workers({"NEWS_WORKERS": 1}) == 1
    assert news_workers({"NEWS_WORKERS": 5}) == 5


def test_a_child_leaves_with_the_code_of_its_work():
    assert wait_child(start_child(lambda: None)) == 0
    assert wait_child(start_child(lambda: 7)) == 7


def test_a_child_that_raises_leaves_with_1_and_says_why():
    found = run_python("""
        from tintuc.processes import start_child, wait_child

        def broken():
            raise ValueError("hỏng giữa chừng")

        print("code", wait_child(start_child(broken)), flush=True)
    """)
    assert found.returncode == 0, found.stderr
    assert "code 1" in found.stdout
    assert "ValueError: hỏng giữa chừng" in found.stderr


def test_nothing_of_the_parent_runs_twice():
    # Buffered output and atexit handlers belong to the parent: a child that left through
    # sys.exit would write the one again and run the other.
    found = run_python("""
        import atexit, sys
        from tintuc.processes import start_child, wait_child

        atexit.register(lambda: print("atexit", flush=True))
        sys.stdout.write("buffered ")
        code = wait_child(start_child(lambda: print("child", end=" ")))
        print("parent", code)
    """)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["buffered", "child", "parent", "0", "atexit"]


def test_waiting_for_no_child_is_none():
    assert wait_child(None) is None
    pid = start_child(lambda: 0)
    assert wait_child(pid) == 0
    assert wait_child(pid) is None  # already waited for


def test_a_job_sends_its_result_back():
    job = ForkedJob(lambda: {"articles": 3, "tên": "Đoàn"})
    job.start()
    assert job.running
    assert job.join() == {"articles": 3, "tên": "Đoàn"}
    assert not job.running and job.status == 0


class _Told(Explained):
    pass


def test_a_job_that_fails_says_whether_the_failure_is_explained():
    def explained():
        raise _Told("Pagefind không chạy được")

    def unexplained():
        raise KeyError("lost")

    job = ForkedJob(explained)
    job.start()
    with pytest.raises(JobFailed) as failure:
        job.join()
    assert failure.value.explained and str(failure.value) == "Pagefind không chạy được"

    job = ForkedJob(unexplained)
    job.start()
    with pytest.raises(JobFailed) as failure:
        job.join()
    assert not failure.value.explained and "KeyError: 'lost'" in str(failure.value)


def test_a_job_that_ends_without_a_result_fails():
    job = ForkedJob(lambda: os._exit(3))
    job.start()
    with pytest.raises(JobFailed, match="dừng giữa chừng"):
        job.join()
    assert job.status == 3


def test_killing_a_job_ends_what_it_started(tmp_path):
    noted = tmp_path / "grandchild.pid"

    def work():
        process = subprocess.Popen(["sleep", "600"])
        noted.write_text(str(process.pid))
        time.sleep(600)
        return {}

    job = ForkedJob(work)
    job.start()
    deadline = time.monotonic() + 30
    while not (noted.exists() and noted.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    grandchild = int(noted.read_text())
    job.kill()
    assert job.status == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")
