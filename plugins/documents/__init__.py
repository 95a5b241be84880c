"""Attached files under each article, and the register of documents at /van-ban/ (issue 17).

See docs/decisions.md. The pure parts are in `tintuc.documents`.
"""

from pelican import signals

from .documents import list_attachments, register_generator


def register():
    signals.all_generators_finalized.connect(list_attachments)
    signals.get_generators.connect(register_generator)
