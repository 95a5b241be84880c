"""Thousands of identical warnings as one line each, in the build's console (issue 15).

The warnings that start with their `file:line` are held back while the site builds; at the
end (`finalized`, or the process's exit when the build stopped) each kind given at more than
a few places is printed as one line naming the first few (tintuc.warning_groups), the others
as they were. Errors are never held or grouped. `NEWS_WARNING_GROUPS = 0` (what
`invoke build --verbose` sets), or Pelican's own `--verbose`/`--debug`, prints every warning.
"""

from pelican import signals

from .groups import flush, start


def register():
    signals.initialized.connect(start)
    # Connected here, so after the plugins listed before this one: their warnings at
    # `finalized` (redirects, search index) are held too.
    signals.finalized.connect(flush)
