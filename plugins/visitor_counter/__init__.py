"""The visitor counter ("THỐNG KÊ TRUY CẬP") and "Tin đọc nhiều", from access logs (CONTRACT §4).

Once per build, after every generator has its content and before anything is written.
"""

from pelican import signals

from .counter import update_counter


def register():
    signals.all_generators_finalized.connect(update_counter)
