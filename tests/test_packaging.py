"""Every package folder of the project is installed under its one import name."""

import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
IMPORT_NAMES = {"tintuc": "tintuc", "plugins": "tintuc_plugins", "tools": "tintuc_tools"}


def _listed_packages() -> set[str]:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def _package_folders() -> set[str]:
    found = set()
    for folder, name in IMPORT_NAMES.items():
        for init in (PROJECT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(PROJECT / folder).parts
            if "__pycache__" not in parts:
                found.add(".".join((name, *parts)))
    return found


def test_every_package_folder_is_installed():
    # A plugin folder left out of pyproject.toml works from a checkout's editable install
    # only by accident and is missing from a wheel.
    assert _package_folders() - _listed_packages() == set()


def test_nothing_listed_is_missing():
    assert _listed_packages() - _package_folders() == set()


def test_the_import_names_map_to_their_folders():
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir = config["tool"]["setuptools"]["package-dir"]
    for folder, name in IMPORT_NAMES.items():
        assert package_dir.get(name, name) == folder
