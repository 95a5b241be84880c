"""Serving a folder never changes it (issue 18, item 2): `invoke serve` once emptied `output/`,
and `--output` of a live folder replaced its release symlink with an empty folder. Served for
real, over HTTP, then compared byte for byte, mode for mode."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import PELICAN, SETTINGS_FILE, build
from test_publish import free_port, stop, tree_digest, wait_for_port

from .conftest import PROJECT, SECRET, plant_secret

INVOKE = Path(sys.executable).with_name("invoke")
ARTICLE = ("Tiêu đề: Bài để xem\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n"
           "\nNội dung.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    site = build(root, {"tin-tuc/bai.md": ARTICLE}, {"SEARCH_INDEX": {"enabled": False}})
    assert site.ok, site.errors
    return site


def get(url: str | urllib.request.Request) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def serving(command: list[str], port: int, cwd: Path = PROJECT):
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    wait_for_port(port, process, " ".join(command[:2]), seconds=60)
    return process


def test_invoke_serve_only_reads(built):
    before = tree_digest(built.output)
    port = free_port()
    process = serving([str(INVOKE), "serve", "--output", str(built.output), "--port", str(port)],
                      port)
    try:
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "bai-de-xem.html" in page.decode()
        status, page = get(f"http://127.0.0.1:{port}/bai-de-xem.html")
        assert status == 200
        status, page = get(f"http://127.0.0.1:{port}/khong-co-trang-nay.html")
        assert status == 404 and page == (built.output / "404.html").read_bytes()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/index.html", data=b"x",
                                         method="PUT")
        status, _ = get(request)
        assert status == 501
    finally:
        stop(process)
    assert tree_digest(built.output) == before


def published_release(built, tmp_path: Path) -> tuple[Path, Path]:
    """(live symlink, release folder) as a folder target publishes them."""
    release = tmp_path / "releases" / "1"
    release.parent.mkdir()
    subprocess.run(["cp", "-a", str(built.output), str(release)], check=True)
    live = tmp_path / "tintuc"
    live.symlink_to(release)
    return live, release


def test_serving_a_live_release_symlink_leaves_it_a_symlink(built, tmp_path):
    live, release = published_release(built, tmp_path)
    before = tree_digest(live)
    port = free_port()
    process = serving([str(INVOKE), "serve", "--output", str(live), "--port", str(port)], port)
    try:
        assert get(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        stop(process)
    assert live.is_symlink() and os.readlink(live) == str(release)
    assert tree_digest(live) == before


def test_pelicans_own_listen_changes_nothing_either(built):
    """`pelican --listen` creates Pelican, which starts every plugin: none may prepare a build
    there (the output was set aside at `initialized`)."""
    before = tree_digest(built.output)
    port = free_port()
    process = serving([str(PELICAN), str(built.content), "-s", str(SETTINGS_FILE), "--listen",
                       "--port", str(port), "-o", str(built.output),
                       "-e", f'CACHE_PATH="{built.output.parent / "cache"}"'], port)
    try:
        assert get(f"http://127.0.0.1:{port}/bai-de-xem.html")[0] == 200
    finally:
        stop(process)
    assert tree_digest(built.output) == before


def test_a_link_out_of_the_served_folder_is_not_followed(built, tmp_path):
    folder = tmp_path / "site"
    subprocess.run(["cp", "-a", str(built.output), str(folder)], check=True)
    secret = plant_secret(tmp_path / "outside")
    (folder / "khoa.txt").symlink_to(secret)
    port = free_port()
    process = serving([str(INVOKE), "serve", "--output", str(folder), "--port", str(port)], port)
    try:
        status, body = get(f"http://127.0.0.1:{port}/khoa.txt")
        assert status == 404 and SECRET not in body
    finally:
        stop(process)


def test_serving_nothing_says_what_to_do(tmp_path):
    empty = tmp_path / "trong"
    empty.mkdir()
    done = subprocess.run([str(INVOKE), "serve", "--output", str(empty)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "invoke build" in done.stdout + done.stderr
    assert list(empty.iterdir()) == []


def test_building_into_a_release_symlink_is_refused_before_anything_changes(built, tmp_path):
    live, _release = published_release(built, tmp_path)
    before = tree_digest(live)
    done = subprocess.run([str(PELICAN), str(built.content), "-s", str(SETTINGS_FILE), "-o",
                           str(live), "-e", f'CACHE_PATH="{tmp_path / "cache"}"'],
                          cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "ContentRefused" in done.stdout + done.stderr
    assert live.is_symlink() and tree_digest(live) == before
