"""Nothing outside the content folder is read or published, and nothing a browser would run is
uploaded with it (issue 18, docs/security.md).

When the build starts (`get_generators`, before any file is read) a symbolic link leading out
of the content folder stops it; once Pelican has listed the files it will copy (its static
files, and whatever `{static}`/`{attach}` links point at), each must lie inside the content
folder, be copied inside the output folder, and hold nothing a browser would run. The checks
are those of `invoke check` (tintuc.paths, tintuc.active_content).
"""

from pelican import signals

from .guard import check_static_files, refuse_links_out


def register():
    signals.get_generators.connect(refuse_links_out)
    signals.static_generator_finalized.connect(check_static_files)
