"""What the importer and redirect tests share: a mirror in tmp, its import, build settings."""

from pathlib import Path

from tintuc.files import load_settings
from tintuc_tools.importer import import_legacy_site

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]

PAGES = HERE / "pages"
SAMPLE_CONTENT = (PROJECT / "content" / "hoat-dong-doan"
                  / "2022-11-13-tiep-tuc-phat-huy-hieu-qua-doan-co-so-3-chu-dong.md")
PLUGINS = list(dict.fromkeys([*load_settings(PROJECT / "pelicanconf.py")["PLUGINS"],
                              "tintuc_plugins.legacy_redirects"]))
# The site as pelicanconf.py builds it, with the redirects plugin on.
SETTINGS = {"PLUGINS": PLUGINS, "REQUIRED_PLUGINS": PLUGINS}


def run_import(source: Path, content: Path, **options):
    said: list[str] = []
    summary = import_legacy_site(source, content, out=said.append, **options)
    return summary, said


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, to prove that nothing was touched."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}
