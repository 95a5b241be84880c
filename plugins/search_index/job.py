"""Work done in a forked process while the build goes on, and joined later.

The child starts as a copy of the build (the articles, read and settled at
`article_generator_finalized`, need no pickling), runs one function and sends back its
JSON-able result through a pipe. It leads a process group of its own, so killing the group
also ends the Pagefind processes it started; on Linux it also dies with its parent
(`PR_SET_PDEATHSIG`), and passes that on to its own children (`die_with_parent` as their
`preexec_fn`). A build that stops before joining kills its job at exit (`atexit`), or, in a
process that runs builds one after the other (the tests), at the start of the next build at
the latest.

As in the plugin that renders pages in forked processes, the child replaces the logging
handlers it inherited (one may have been held mid-write by another thread at the fork) and
leaves with `os._exit`, so that nothing of the parent (atexit handlers, buffered output) runs
twice.
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
from collections.abc import Callable

from tintuc.problems import Explained

_PR_SET_PDEATHSIG = 1
_running: set["ForkedJob"] = set()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class JobFailed(Exception):
    """The child failed; the message is the one it sent, or what is known of its end."""

    def __init__(self, message: str, explained: bool):
        super().__init__(message)
        self.explained = explained


class ForkedJob:
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
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            self._child(writer, parent)
        os.close(writer)
        with contextlib.suppress(OSError):  # also done by the child: whichever runs first
            os.setpgid(pid, pid)
        self.pid, self._pipe = pid, reader
        _running.add(self)

    def _child(self, writer: int, parent: int) -> None:
        code = 1
        try:
            with contextlib.suppress(OSError):
                os.setpgid(0, 0)
            die_with_parent()
            if os.getppid() != parent:  # the parent ended before the line above
                os._exit(1)
            root = logging.getLogger()
            root.handlers = [logging.NullHandler()]
            try:
                message = {"result": self.work()}
            except Explained as error:
                message = {"error": str(error), "explained": True}
            except BaseException:  # everything goes back to the parent
                message = {"error": traceback.format_exc(), "explained": False}
            data = json.dumps(message, ensure_ascii=False).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(writer, view):]
            code = 0
        finally:
            os._exit(code)

    def join(self) -> dict:
        """The child's result once it has ended; JobFailed if it failed."""
        if self.pid is None:
            raise RuntimeError("the job was not started")
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 16):
                chunks.append(chunk)
        finally:
            self._reap(0)
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
        self._reap(0)

    def _reap(self, flags: int) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        try:
            _, status = os.waitpid(self.pid, flags)
            self.status = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            self.status = None
        self.pid = None
        _running.discard(self)


@atexit.register
def _kill_all() -> None:
    for job in list(_running):
        job.kill()
