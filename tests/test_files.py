"""tintuc.files: a file replaced whole, and which files of a content folder are what."""

import os
import stat
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import PROJECT
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG

from tintuc.files import (
    ARTICLE,
    MARKDOWN_EXTENSIONS,
    OTHER,
    PAGE,
    STATIC,
    STRAY,
    content_files,
    content_folder,
    kind_of,
    load_settings,
    replacing,
    write_atomically,
)

SETTINGS = load_settings(PROJECT / "pelicanconf.py")


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_file_is_written_whole_in_a_folder_made_for_it(tmp_path):
    path = tmp_path / "bộ-đệm" / "sâu" / "tệp.json"
    write_atomically(path, "Đoàn Thanh niên")
    assert path.read_bytes() == "Đoàn Thanh niên".encode()
    write_atomically(path, b"\x00\xff")
    assert path.read_bytes() == b"\x00\xff"
    assert os.listdir(path.parent) == ["tệp.json"]


def test_a_failure_keeps_the_old_file_and_leaves_nothing(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("cũ")
    with pytest.raises(RuntimeError), replacing(path) as stream:
        stream.write(b"half of the new")
        raise RuntimeError("the disk is full")
    assert path.read_text() == "cũ"
    assert os.listdir(tmp_path) == ["state.json"]


def test_readers_see_the_old_file_until_the_new_one_is_whole(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("old")
    with replacing(path) as stream:
        stream.write(b"new, ")
        stream.flush()
        assert path.read_text() == "old"
        stream.write(b"and whole")
    assert path.read_text() == "new, and whole"


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("x")
    os.chmod(path, 0o640)
    write_atomically(path, "y", mode=0o644)  # `mode` is for new files only
    assert mode_of(path) == 0o640


def test_a_new_file_gets_what_open_gives_or_the_mode_asked(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "published.jpg", b"jpeg")
        # Not mkstemp's 0600: the web server must read a published file.
        assert mode_of(tmp_path / "published.jpg") == 0o644
        os.umask(0o077)
        write_atomically(tmp_path / "asked.json", b"{}", mode=0o644)
        assert mode_of(tmp_path / "asked.json") == 0o644
    finally:
        os.umask(umask)


def test_a_hard_link_is_replaced_never_written_through(tmp_path):
    editors = tmp_path / "content.jpg"
    editors.write_bytes(b"with GPS")
    published = tmp_path / "output.jpg"
    os.link(editors, published)
    write_atomically(published, b"cleaned")
    assert published.read_bytes() == b"cleaned"
    assert editors.read_bytes() == b"with GPS"


def test_two_writers_at_once_never_mix(tmp_path):
    path = tmp_path / "records.pickle"
    started = threading.Barrier(2)

    def write(byte: bytes) -> None:
        with replacing(path) as stream:
            started.wait()
            for _ in range(64):
                stream.write(byte * 4096)

    threads = [threading.Thread(target=write, args=(byte,)) for byte in (b"a", b"b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = path.read_bytes()
    assert len(data) == 64 * 4096 and len(set(data)) == 1
    assert os.listdir(tmp_path) == ["records.pickle"]


def test_durable_writes_the_same_bytes(tmp_path):
    path = tmp_path / "counter-state.json"
    write_atomically(path, b'{"total": 7558632}', durable=True)
    assert path.read_bytes() == b'{"total": 7558632}'


# --- which files are articles -----------------------------------------------------------------

FOLDER = {
    "tin-tuc/2022/bai.md": ARTICLE,
    "bai-o-goc.md": ARTICLE,
    "tin-tuc/dai.markdown": ARTICLE,
    "pages/gioi-thieu.md": PAGE,
    "pages/con/lien-he.md": PAGE,
    "images/2022/anh.jpg": STATIC,
    "images/ghi-chu.md": STATIC,  # under ARTICLE_EXCLUDES: copied as it is, never read
    "extra/robots.txt": STATIC,
    "data/danh-sach.md": OTHER,  # excluded and not static: nobody's
    "data/bang.csv": OTHER,
    "tin-tuc/Bai-Hoa.MD": STRAY,  # Pelican matches extensions case-sensitively
    "tin-tuc/ban-thao.docx": STRAY,
    "pages/ban-cu.txt": STRAY,
    "tin-tuc/bieu-do.svg": OTHER,
    "tin-tuc/pages/khong-phai-trang.md": ARTICLE,  # only the top `pages/` holds pages
}
HIDDEN = [".git/config", ".ghi-chu.md", "tin-tuc/bai.md~", "tin-tuc/.bai.md.swp"]


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    for relative in [*FOLDER, *HIDDEN]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("Tiêu đề: x\n")
    return root


def test_each_file_of_the_folder_is_what_the_project_settings_make_it(content):
    found = content_files(content, SETTINGS)
    assert {file.relative: file.kind for file in found.files} == FOLDER
    assert all(file.path == content / file.relative for file in found.files)
    # Folder by folder, each folder's files (sorted) before its subfolders (sorted).
    assert [file.relative for file in found.documents] == [
        "bai-o-goc.md", "pages/gioi-thieu.md", "pages/con/lien-he.md", "tin-tuc/dai.markdown",
        "tin-tuc/2022/bai.md", "tin-tuc/pages/khong-phai-trang.md"]
    assert sorted(found.stray) == sorted(content / relative for relative, kind in FOLDER.items()
                                         if kind == STRAY)
    # A file a browser may run is an upload whatever its place.
    assert {path.relative_to(content).as_posix() for path in found.uploads} == {
        "tin-tuc/bieu-do.svg"}


def _pelicans_files(content: Path, settings: dict, paths: str, excludes: str) -> set[str]:
    """What Pelican's own generators list for articles or pages (Generator.get_files)."""
    generator = SimpleNamespace(path=str(content), settings={**DEFAULT_CONFIG, **settings})
    generator._include_path = lambda path, extensions: Generator._include_path(
        generator, path, extensions)
    extensions = [extension.lstrip(".") for extension in MARKDOWN_EXTENSIONS]
    found = Generator.get_files(generator, generator.settings[paths],
                                exclude=generator.settings[excludes], extensions=extensions)
    return {os.path.normpath(relative).replace(os.sep, "/") for relative in found}


@pytest.mark.parametrize("overrides", [
    {},
    {"ARTICLE_PATHS": ["tin-tuc"], "PAGE_EXCLUDES": ["pages/con"]},
    {"ARTICLE_EXCLUDES": ["pages", "images", "data", "tin-tuc/2022"], "PAGE_PATHS": ["pages/"]},
    # What Pelican's own configuration makes of the settings: ARTICLE_PATHS ([""]) added to
    # PAGE_EXCLUDES, where an empty name excludes nothing.
    {"PAGE_EXCLUDES": [""], "ARTICLE_EXCLUDES": ["pages", "images", "data", ""]},
])
def test_articles_and_pages_are_the_files_pelican_reads(content, overrides):
    for relative in HIDDEN:  # Pelican's IGNORE_FILES default does not hide them: not compared
        (content / relative).unlink()
    settings = {**SETTINGS, **overrides}
    found = content_files(content, settings)
    assert {file.relative for file in found.of_kind(ARTICLE)} == _pelicans_files(
        content, settings, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")
    assert {file.relative for file in found.of_kind(PAGE)} == _pelicans_files(
        content, settings, "PAGE_PATHS", "PAGE_EXCLUDES")


def test_pelicans_defaults_where_a_setting_is_missing_and_modules_work_too():
    assert kind_of("pages/a.md", {}) == PAGE
    assert kind_of("images/a.md", {}) == ARTICLE  # nothing excluded by default
    assert kind_of("images/a.jpg", {}) == STATIC
    assert kind_of("extra/a.jpg", {}) == OTHER
    module = SimpleNamespace(STATIC_PATHS=["extra"], ARTICLE_EXCLUDES=["extra"])
    assert kind_of("extra/a.md", module) == STATIC
    assert kind_of("extra/a.docx", module) == STATIC
    assert kind_of("khac/a.docx", module) == STRAY


def test_refused_links_are_nobodys(content):
    link = content / "tin-tuc" / "ngoai.md"
    link.symlink_to("/etc/hostname")
    assert "tin-tuc/ngoai.md" in {file.relative for file in content_files(content, SETTINGS)
                                  .files}
    refused = content_files(content, SETTINGS, refused={link})
    assert "tin-tuc/ngoai.md" not in {file.relative for file in refused.files}


def test_the_content_folder_is_read_relative_to_the_settings_file(tmp_path):
    settings_file = tmp_path / "site" / "pelicanconf.py"
    settings_file.parent.mkdir()
    settings_file.write_text('PATH = "noi-dung"\nSITENAME = "Tin tức"\nlower = 1\n')
    settings = load_settings(settings_file)
    assert settings == {"PATH": "noi-dung", "SITENAME": "Tin tức"}
    assert content_folder(settings, settings_file) == settings_file.parent / "noi-dung"
    assert content_folder({}, settings_file) == settings_file.parent / "content"
    assert content_folder(SimpleNamespace(PATH="/srv/tin"), settings_file) == Path("/srv/tin")
