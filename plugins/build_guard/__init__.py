"""No error may end a build with exit 0 (CONTRACT §1, issue 2).

Pelican only logs most errors — a plugin that fails to load, a file it could not read — and
exits 0 unless run with `--fatal errors`. This guard counts every error logged during a build
and stops it before any page is written; errors while writing stop it at the end.
"""

from pelican import signals

from tintuc_plugins import build

from .guard import check_before_writing, check_pelican_version, check_plugins, start_counting


def register():
    # The build's state first (tintuc_plugins.build): every plugin keeps its part there.
    # `start_counting` also puts the check after writing last among `finalized`'s receivers,
    # so errors other plugins log there (redirects, the search index) count too, and then
    # drops the build's state.
    signals.initialized.connect(build.begin)
    signals.initialized.connect(start_counting)
    signals.initialized.connect(check_plugins)
    signals.initialized.connect(check_pelican_version)
    signals.all_generators_finalized.connect(check_before_writing)
