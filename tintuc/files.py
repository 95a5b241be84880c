"""How files are named to people, which files are articles, and reading a settings file
without Pelican — shared by the reader, `invoke check`, `invoke new` and `invoke counter`."""

import os
import runpy
from pathlib import Path

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


def display_path(path: str | os.PathLike) -> str:
    """The path editors recognise: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def load_settings(settings_file: str | os.PathLike) -> dict:
    """The upper-case names a settings file (pelicanconf.py) defines, as Pelican reads them."""
    values = runpy.run_path(str(Path(settings_file)))
    return {name: value for name, value in values.items() if name.isupper()}
