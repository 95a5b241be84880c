"""Other processes: how many to run at once, and work done in a forked child.

One place for what every stage that uses more than one process needs (reading, rendering,
photos, the search index, the publishing gates):
- `worker_count` / `news_workers`: NEWS_WORKERS, or one process per core the build may use.
- `start_child` / `wait_child`: a forked child that runs one function and leaves with
  `os._exit`, so nothing of the parent (atexit handlers, buffered output) runs twice.
- `ForkedJob`: such a child that sends a JSON-able result back through a pipe, leads a
  process group of its own (killing it ends whatever it started) and, on Linux, dies with its
  parent (`die_with_parent`, which it passes on to its own children as their `preexec_fn`).
  A build that stops before joining kills its jobs at exit (`atexit`).

No Pelican here.
"""

import atexit
import contextlib
import ctypes
import json
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping

from tintuc.problems import Explained

_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """The processors this process may run on (a container or `taskset` may allow fewer than
    the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(setting: int | None = None, fallback: int | None = None) -> int:
    """Processes at once: `setting`, else `fallback` when `setting` is None; 0 or None means
    one per core, 1 everything in this process."""
    chosen = setting if setting is not None else fallback
    return int(chosen) if chosen else cores()


def news_workers(settings: Mapping) -> int:
    """NEWS_WORKERS (0 or unset: one per core), shared by reading, rendering, photos and the
    search index."""
    return worker_count(settings.get("NEWS_WORKERS"))


# --- a forked child ---------------------------------------------------------------------------

def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def start_child(work: Callable[[], int | None]) -> int:
    """Fork; the child runs `work` and leaves with `os._exit`: its exit code is what `work`
    returned (None: 0), or 1 when it raised (the traceback on stderr). Returns the child's pid
    to the parent. Output buffered before the fork is written first, so it is never written
    twice."""
    _flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            code = work() or 0
        except BaseException:
            with contextlib.suppress(Exception):
                traceback.print_exc()
        finally:
            _flush()
            os._exit(code)
    return pid


def wait_child(pid: int | None) -> int | None:
    """Wait for a child of `start_child` to end; its exit code (negative: the signal that
    ended it), or None when there is no such child (none started, or already waited for)."""
    if not pid:
        return None
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


# --- a job whose result comes back -------------------------------------------------------------

_running: set["ForkedJob"] = set()


class JobFailed(Exception):
    """The child failed; the message is the one it sent, or what is known of its end."""

    def __init__(self, message: str, explained: bool):
        super().__init__(message)
        self.explained = explained


class ForkedJob:
    """`work` in a forked child while this process goes on; `join` gives its result.

    The child starts as a copy of this process (what it works on needs no pickling) and
    replaces the logging handlers it inherited: one may have been held mid-write by another
    thread at the fork."""

    def __init__(self, work: Callable[[], dict]):
        self.work = work
        self.pid: int | None = None
        self.status: int | None = None  # the child's exit code, once reaped
        self._pipe: int | None = None

    @property
    def running(self) -> bool:
        return self.pid is not None

    def start(self) -> None:
        reader, writer = os.pipe()
        parent = os.getpid()

        def in_child() -> int:
            os.close(reader)
            return self._child(writer, parent)

        pid = start_child(in_child)
        os.close(writer)
        with contextlib.suppress(OSError):  # also done by the child: whichever runs first
            os.setpgid(pid, pid)
        self.pid, self._pipe = pid, reader
        _running.add(self)

    def _child(self, writer: int, parent: int) -> int:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        die_with_parent()
        if os.getppid() != parent:  # the parent ended before the line above
            return 1
        logging.getLogger().handlers = [logging.NullHandler()]
        try:
            message = {"result": self.work()}
        except Explained as error:
            message = {"error": str(error), "explained": True}
        except BaseException:  # everything goes back to the parent
            message = {"error": traceback.format_exc(), "explained": False}
        view = memoryview(json.dumps(message, ensure_ascii=False).encode())
        while view:
            view = view[os.write(writer, view):]
        return 0

    def join(self) -> dict:
        """The child's result once it has ended; JobFailed if it failed."""
        if self.pid is None:
            raise RuntimeError("the job was not started")
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 16):
                chunks.append(chunk)
        finally:
            self._reap()
        try:
            message = json.loads(b"".join(chunks) or b"null")
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise JobFailed(f"tiến trình nền dừng giữa chừng (mã {self.status})", False)
        if "error" in message:
            raise JobFailed(message["error"], bool(message.get("explained")))
        return message["result"]

    def kill(self) -> None:
        """End the child and everything it started, at once."""
        if self.pid is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        self.status = wait_child(self.pid)
        self.pid = None
        _running.discard(self)


@atexit.register
def _kill_all() -> None:
    for job in list(_running):
        job.kill()
