"""A Pelican Writer that defers page renders and runs them in forked processes."""

import logging
import os
import sys
import traceback

from pelican.writers import Writer

from tintuc.problems import Explained

logger = logging.getLogger(__name__)

# Below this many pages a fork costs more than it saves.
MINIMUM_PAGES_PER_PROCESS = 40


class RenderFailed(Explained):
    pass


class _ErrorFlag(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.seen = False

    def emit(self, record):
        self.seen = True


class ForkingWriter(Writer):
    """Defers `write_file` until `flush`; feeds (`write_feed`) are written at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending: list[tuple[tuple, dict]] = []
        self.deferring = True

    def write_file(self, *args, **kwargs):
        if self.deferring:
            self.pending.append((args, kwargs))
        else:
            super().write_file(*args, **kwargs)

    def flush(self, workers: int) -> None:
        jobs, self.pending, self.deferring = self.pending, [], False
        workers = max(1, min(workers, len(jobs) // MINIMUM_PAGES_PER_PROCESS))
        if workers == 1:
            for args, kwargs in jobs:
                super().write_file(*args, **kwargs)
            return
        sys.stdout.flush()
        sys.stderr.flush()
        children = []
        try:
            for share in range(1, workers):
                pid = os.fork()
                if pid == 0:
                    self._render_in_child(jobs[share::workers])
                children.append(pid)
            for args, kwargs in jobs[0::workers]:
                super().write_file(*args, **kwargs)
        finally:
            failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])]
        if failed:
            raise RenderFailed(
                f"{len(failed)} tiến trình dựng trang gặp lỗi (xem thông báo ở trên); "
                "bản dựng không thành công, đừng xuất bản thư mục kết quả này."
            )

    def _render_in_child(self, jobs) -> None:
        # The parent's console handler may be mid-write in another thread (Pelican's status
        # spinner) at the fork; a plain handler of our own cannot be left locked.
        root = logging.getLogger()
        flag = _ErrorFlag()
        root.handlers = [logging.StreamHandler(sys.stderr), flag]
        code = 0
        try:
            for args, kwargs in jobs:
                super().write_file(*args, **kwargs)
            code = 1 if flag.seen else 0
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def _workers(settings) -> int:
    return int(settings.get("NEWS_WORKERS") or os.cpu_count() or 1)


def forking_writer(pelican):
    return ForkingWriter if _workers(pelican.settings) > 1 else None


def flush_pages(generator, writer) -> None:
    if isinstance(writer, ForkingWriter):
        writer.flush(_workers(generator.settings))
