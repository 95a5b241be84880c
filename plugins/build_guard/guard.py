"""Counting logged errors and turning them into a failed build."""

import logging

from pelican import signals

from tintuc.problems import Explained
from tintuc_plugins import build, pelican_compat

logger = logging.getLogger(__name__)


class BuildFailed(Explained):
    """A build that must exit non-zero; the message is for the person running it."""


class ErrorCounter(logging.Handler):
    """Counts the errors logged during a build into the build (tintuc_plugins.build)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        build.current().errors += 1


def _is_told_already(error: BaseException) -> bool:
    # Pelican's `--fatal` raises a bare RuntimeError after logging the real message.
    return isinstance(error, Explained) or pelican_compat.is_fatal_stop(error)


def _without_traceback(record: logging.LogRecord) -> bool:
    # Pelican logs the exception that ends a build with its traceback; here the message
    # above it says everything, and a traceback only frightens editors.
    if record.exc_info and _is_told_already(record.exc_info[1]):
        record.exc_info = None
        record.exc_text = None
    return True


_counter = ErrorCounter()


def start_counting(pelican) -> None:
    root = logging.getLogger()
    if _counter not in root.handlers:
        root.addHandler(_counter)
    for handler in root.handlers:
        if _without_traceback not in handler.filters:
            handler.addFilter(_without_traceback)
    # Every plugin has registered by now: connected again, this check runs after all of them,
    # and the build's state is dropped after it.
    for receiver in (check_after_writing, build.end):
        signals.finalized.disconnect(receiver)
        signals.finalized.connect(receiver)


def check_pelican_version(pelican) -> None:
    warning = pelican_compat.untested_version()
    if warning:
        logger.warning("%s", warning)


def check_plugins(pelican) -> None:
    required = pelican.settings.get("REQUIRED_PLUGINS", [])
    missing = [name for name in required if name not in pelican.settings["PLUGINS"]]
    if missing:
        raise BuildFailed(
            f"Không nạp được plugin: {', '.join(missing)}. Bản dựng dừng lại; "
            "xem lỗi ở trên (thường là thiếu gói Python: chạy lại lệnh cài đặt trong README)."
        )


def _stop_if_errors(when: str) -> None:
    current = build.current()
    if current.errors:
        count, current.errors = current.errors, 0
        raise BuildFailed(f"Có {count} lỗi (xem các thông báo ở trên); {when}.")


def check_before_writing(generators) -> None:
    _stop_if_errors("bản dựng dừng lại, chưa ghi trang nào")


def check_after_writing(pelican) -> None:
    _stop_if_errors("bản dựng không thành công, đừng xuất bản thư mục kết quả này")
