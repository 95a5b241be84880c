"""The web editor at /quan-tri/ of the built site (issue 16): Decap CMS, from node_modules.

See docs/quan-tri-web.md. The configuration is made in `tintuc.cms` (pure); this plugin only
writes the files into the output when the build ends.
"""

from pelican import signals

from .admin import check_settings, write_admin


def register():
    signals.initialized.connect(check_settings)
    signals.finalized.connect(write_admin)
