"""The pack files the render cache keeps its pages in (plugins/page_writer/page_store.py)."""

import os

from tintuc_plugins.page_writer import page_store
from tintuc_plugins.page_writer.page_store import PageStore


def packs(folder):
    return sorted(name for name in os.listdir(folder) if name.startswith("pack-"))


def test_pages_come_back_from_a_new_store(tmp_path):
    store = PageStore(tmp_path)
    store.store("a1", "<p>Đoàn Thanh niên</p>")
    store.store("b2", "<p>Hội LHTN</p>" * 1000)
    assert store.load("a1") == "<p>Đoàn Thanh niên</p>"  # also before it is closed
    store.close()
    again = PageStore(tmp_path)
    assert again.stored() == {"a1", "b2"}
    assert again.load("b2") == "<p>Hội LHTN</p>" * 1000
    assert again.load("zz") is None and not again.has("zz")
    assert len(packs(tmp_path)) == 1


def test_the_newest_record_of_a_key_wins(tmp_path):
    first = PageStore(tmp_path)
    first.store("k", "cũ")
    first.close()
    second = PageStore(tmp_path)
    second.store("k", "mới")
    second.close()
    assert PageStore(tmp_path).load("k") == "mới"


def test_a_record_cut_short_is_never_served(tmp_path):
    store = PageStore(tmp_path)
    store.store("whole", "trang đủ")
    store.store("cut", "trang bị cắt giữa chừng")
    store.close()
    (pack,) = packs(tmp_path)
    path = tmp_path / pack
    path.write_bytes(path.read_bytes()[:-5])
    again = PageStore(tmp_path)
    assert again.load("whole") == "trang đủ"
    assert not again.has("cut") and again.load("cut") is None


def test_a_damaged_record_is_never_served(tmp_path):
    store = PageStore(tmp_path)
    store.store("k", "nội dung trang")
    store.close()
    (pack,) = packs(tmp_path)
    path = tmp_path / pack
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    assert PageStore(tmp_path).load("k") is None


def test_forked_processes_write_packs_of_their_own(tmp_path):
    store = PageStore(tmp_path)
    store.store("parent", "cha")
    pids = []
    for number in range(3):
        pid = os.fork()
        if pid == 0:
            for page in range(50):
                store.store(f"child{number}-{page}", f"con {number} trang {page}")
            store.close()
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    store.store("parent-after", "cha sau")
    store.close()
    assert len(packs(tmp_path)) == 4
    again = PageStore(tmp_path)
    assert len(again.stored()) == 152
    assert again.load("child2-49") == "con 2 trang 49"
    assert again.load("parent-after") == "cha sau"


def test_sweep_drops_unused_pages_and_rewrites_mostly_dead_packs(tmp_path):
    store = PageStore(tmp_path)
    for page in range(100):
        store.store(f"p{page}", f"trang {page} " * 50)
    store.close()
    (old_pack,) = packs(tmp_path)
    (tmp_path / "0123abcd.html").write_text("một tệp của bộ nhớ đệm cũ")
    used = {f"p{page}" for page in range(30)}
    assert store.sweep(used) == 70
    assert old_pack not in packs(tmp_path) and len(packs(tmp_path)) == 1
    assert not (tmp_path / "0123abcd.html").exists()
    again = PageStore(tmp_path)
    assert again.stored() == used
    assert again.load("p29") == "trang 29 " * 50


def test_sweep_keeps_a_mostly_live_pack_as_it_is(tmp_path):
    store = PageStore(tmp_path)
    for page in range(10):
        store.store(f"p{page}", "x" * 100)
    store.close()
    (pack,) = packs(tmp_path)
    inode = (tmp_path / pack).stat().st_ino
    assert store.sweep({f"p{page}" for page in range(1, 10)}) == 0
    assert packs(tmp_path) == [pack] and (tmp_path / pack).stat().st_ino == inode
    # The dropped record stays in the pack until it is rewritten: keys are digests of a
    # page's inputs, so it can only ever be served for those very inputs.
    assert PageStore(tmp_path).stored() >= {f"p{page}" for page in range(1, 10)}


def test_sweep_merges_packs_beyond_the_most(tmp_path):
    for build in range(page_store.MAX_PACKS + 4):
        store = PageStore(tmp_path)
        store.store(f"b{build}", f"bản dựng {build}")
        store.close()
    store = PageStore(tmp_path)
    keys = store.stored()
    assert len(keys) == page_store.MAX_PACKS + 4
    assert store.sweep(keys) == 0
    assert len(packs(tmp_path)) <= page_store.MAX_PACKS
    again = PageStore(tmp_path)
    assert {key: again.load(key) for key in keys} == {
        f"b{build}": f"bản dựng {build}" for build in range(page_store.MAX_PACKS + 4)}


def test_sweep_of_a_missing_folder_does_nothing(tmp_path):
    assert PageStore(tmp_path / "none").sweep(set()) == 0
