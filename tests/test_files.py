"""tintuc.files: a file replaced whole, and which files of a content folder are what."""

import os
import stat
import threading

import pytest

from tintuc.files import replacing, write_atomically


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
