"""Issue 18, item 11 (d): the nginx redirect map is for nginx, never for readers.

`legacy-redirects.map` lies in the published folder on purpose: nginx `include`s it from
there, so it always matches the site that is live (through the folder target's symlink, or as
rsync brings it with the pages). But no reader may fetch it or a copy of it: publish makes no
`.gz`/`.br` copy, deploy/nginx/tintuc.conf answers 404 for any name that starts with it, and a
gh-pages branch (which GitHub serves as it is) does not carry it at all. Checked against real
nginx, a real rsync over sshd and a real bare repository.
"""

import subprocess

import pytest
from conftest import write_files
from test_publish import (  # noqa: F401  nginx and sshd are fixtures
    LEGACY_URL,
    git,
    make_content,
    nginx,
    output_of,
    publish,
    sshd,
)

MAP = "legacy-redirects.map"
COPIES = (f"{MAP}.gz", f"{MAP}.br")
# The names a reader might try, and the spellings nginx normalises to them.
ASKED = ["/legacy-redirects.map", "/legacy-redirects.map.gz", "/legacy-redirects.map.br",
         "/legacy-redirects.map/", "//legacy-redirects.map.gz", "/./legacy-redirects.map.br",
         "/x/../legacy-redirects.map.gz", "/legacy-redirects%2Emap%2Egz",
         "/legacy-redirects.map?v=1", "/legacy-redirects.map.bak"]


def test_publish_makes_no_compressed_copy_of_the_map(nginx):  # noqa: F811
    assert (nginx.root / MAP).is_file()  # nginx includes it from here
    assert "map $uri $new_uri" in (nginx.root / MAP).read_text(encoding="utf-8")
    for name in COPIES:
        assert not (nginx.root / name).exists(), name
    assert (nginx.root / "index.html.gz").is_file()  # the pages still get theirs


@pytest.mark.parametrize("path", ASKED)
@pytest.mark.parametrize("encoding", ["identity", "gzip", "br"])
def test_nginx_serves_neither_the_map_nor_any_copy_of_it(nginx, path, encoding):  # noqa: F811
    # Copies put there by hand (or by an older publish) must stay hidden too.
    map_text = (nginx.root / MAP).read_bytes()
    for name in (*COPIES, f"{MAP}.bak"):
        if not (nginx.root / name).exists():
            (nginx.root / name).write_bytes(map_text)
    status, _headers, body = nginx.get(path, **{"Accept-Encoding": encoding})
    assert status in (400, 404), (path, status)
    assert b"new_uri" not in body and map_text[:40] not in body


def test_the_redirects_and_the_site_still_work(nginx):  # noqa: F811
    status, headers, _ = nginx.get(LEGACY_URL)
    assert status == 301 and headers["Location"] == "/tin-mot.html"
    status, headers, _ = nginx.get("/tin-mot.html", **{"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"


def test_rsync_brings_the_map_without_copies_and_removes_stale_ones(tmp_path, sshd):  # noqa: F811
    remote = tmp_path / "server" / "www"
    write_files(remote, {f"{MAP}.gz": "bản nén cũ", f"{MAP}.br": "bản nén cũ"})
    run = publish(make_content(tmp_path), f"rsync:{sshd.user}@127.0.0.1:{remote}",
                  *sshd.options())
    assert run.returncode == 0, output_of(run)
    assert (remote / MAP).is_file() and (remote / "tin-mot.html.br").is_file()
    for name in COPIES:
        assert not (remote / name).exists(), name


def test_a_gh_pages_branch_does_not_carry_the_map(tmp_path):
    bare = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    run = publish(make_content(tmp_path), f"gh-pages:{bare}")
    assert run.returncode == 0, output_of(run)
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split()
    assert "tin-mot.html" in files
    # The static redirect pages are what a file host answers old addresses with.
    assert any(name.startswith("news/hoat-dong-doan/") for name in files)
    assert not [name for name in files if name.startswith(MAP)]
