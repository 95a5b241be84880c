"""Issue 18, item 11 (a)–(c): a folder target that cannot be written, a publication killed
halfway, a target that is a file. Each runs `invoke publish` on real folders of this machine.

The rule for all three: the operator reads a Vietnamese message that says what to do, the exit
status is not 0, and nothing is half done: no folder, link or release is left that was not
there before (a leftover of a killed run is swept by the next run).
"""

import os
import signal
import subprocess
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from conftest import PROJECT, write_files
from test_publish import INVOKE, SITEURL, article, make_content, output_of, publish, tree_digest


def listing(folder: Path) -> list[str]:
    """Every name under `folder`, hidden ones and symlinks included (not followed)."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@contextmanager
def unwritable(folder: Path):
    """`folder` refuses new names for real: immutable for root (whom permission bits don't
    stop), read-only mode for anyone else."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {made.stderr.strip()}")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = None
    try:
        with pytest.raises(OSError):
            (folder / "thu-ghi").mkdir()  # the precondition: it really is unwritable
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            folder.chmod(0o755)


# --- (a) an unwritable parent folder -------------------------------------------------------------


@pytest.mark.parametrize("where", ["tintuc", "chua-co/tintuc"])
def test_an_unwritable_parent_stops_before_the_build_and_creates_nothing(tmp_path, where):
    www = tmp_path / "www"
    www.mkdir()
    content = make_content(tmp_path)
    with unwritable(www):
        run = publish(content, f"folder:{www / where}")
    said = output_of(run)
    assert run.returncode == 1, said
    assert f"Không ghi được vào thư mục {www} " in run.stdout, said
    assert "cấp quyền ghi" in run.stdout and "Chưa có gì thay đổi." in run.stdout
    assert "Traceback" not in said
    assert "[build]" not in run.stdout  # checked first: no minutes of building for nothing
    assert listing(www) == []


def test_a_parent_that_became_unwritable_leaves_the_live_site_and_releases_as_they_were(
        tmp_path):
    live = tmp_path / "www" / "tintuc"
    content = make_content(tmp_path)
    run = publish(content, f"folder:{live}")
    assert run.returncode == 0, output_of(run)
    before, names = tree_digest(live), listing(live.parent)
    write_files(content, {"hoat-dong-doan/tin-ba.md": article(
        "tin-ba", "Tuổi trẻ Cao Bằng ra quân", date="15/11/2022 09:00")})
    # The releases folder itself stays writable: only going live would fail, at the end.
    with unwritable(live.parent):
        run = publish(content, f"folder:{live}")
    assert run.returncode == 1, output_of(run)
    assert f"Không ghi được vào thư mục {live.parent} " in run.stdout, output_of(run)
    assert "[build]" not in run.stdout
    assert tree_digest(live) == before
    assert listing(live.parent) == names


# --- (b) a publication killed halfway ------------------------------------------------------------


def test_what_a_killed_publication_left_is_swept_by_the_next(tmp_path):
    live = tmp_path / "www" / "tintuc"
    releases = live.parent / ".tintuc.releases"
    content = make_content(tmp_path)
    env = {**os.environ, "SITEURL": SITEURL, "CACHE_PATH": str(tmp_path / "cache")}
    killed = subprocess.Popen(
        [str(INVOKE), "publish", "--content", str(content), "--target", f"folder:{live}"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(releases.glob("*.building")) and time.monotonic() < deadline:
            assert killed.poll() is None, "the publication ended before it could be killed"
            time.sleep(0.02)
        time.sleep(0.5)  # well into the build
    finally:
        with suppress(ProcessLookupError):
            os.killpg(killed.pid, signal.SIGKILL)  # invoke, Pelican and its workers
        killed.wait(30)
    (left,) = releases.glob("*.building")  # what a kill leaves: the premise of the test
    assert not live.exists()
    # A kill during the swap would leave this link beside the target.
    stale_link = live.parent / ".tintuc.swap-4194999"
    stale_link.symlink_to(".tintuc.releases/" + left.name)

    run = publish(content, f"folder:{live}")
    assert run.returncode == 0, output_of(run)
    assert f"Đã xóa {left}" in run.stdout
    assert not list(releases.glob("*.building"))
    assert not stale_link.is_symlink()
    assert live.is_symlink() and (live / "tin-mot.html").is_file()
    assert sorted(path.name for path in live.parent.iterdir()) == [".tintuc.releases", "tintuc"]


# --- (c) a target that is a file ----------------------------------------------------------------


@pytest.mark.parametrize(("where", "dry_run"), [
    ("tintuc", False), ("tintuc", True), ("tintuc/trang", False), ("tintuc/a/b", True)])
def test_a_file_as_target_fails_clearly_and_leaves_nothing(tmp_path, where, dry_run):
    www = tmp_path / "www"
    write_files(www, {"tintuc": "một tệp, không phải thư mục"})
    before = tree_digest(www)
    scratch = tmp_path / "tmp"  # the publication's own TMPDIR: its scratch folders show here
    scratch.mkdir()
    run = publish(make_content(tmp_path), f"folder:{www / where}",
                  *(["--dry-run"] if dry_run else []), env={"TMPDIR": str(scratch)})
    said = output_of(run)
    assert run.returncode == 1, said
    assert f"{www / 'tintuc'} là một tệp, không phải thư mục" in run.stdout, said
    assert "Chưa có gì thay đổi." in run.stdout and "Traceback" not in said
    assert "[build]" not in run.stdout
    assert listing(www) == ["tintuc"] and tree_digest(www) == before
    assert listing(scratch) == []
