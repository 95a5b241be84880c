"""`invoke publish` end to end, against real targets on this machine (issue 6).

- a local folder, swapped atomically (a reader polls it during a publication);
- rsync over ssh to an sshd on 127.0.0.1 that the test starts with keys it makes;
- a gh-pages branch pushed to a bare git repository;
- nginx serving a published folder with deploy/nginx/tintuc.conf, checked over HTTP and in
  headless Chromium for Content-Security-Policy violations.

Every gate is shown to stop a deliberately broken site, and a stopped publication leaves each
target byte-for-byte as it was. Publications run `invoke publish` as operators and CI do.
"""

import getpass
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT, write_files

from tintuc_tools import gates

INVOKE = Path(sys.executable).with_name("invoke")
CONF = PROJECT / "deploy" / "nginx" / "tintuc.conf"
# Debian puts both daemons in /usr/sbin, which a non-login PATH may lack.
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SITEURL = "https://tinhdoan.example.vn"
LEGACY_URL = "/news/hoat-dong-doan/hoi-nghi-ban-chap-hanh-tinh-doan-1234.html"

ARTICLE = ("Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\n"
           "Đường dẫn: {slug}\n{more}\n{body}\n")


def article(slug: str, title: str, body: str = "Nội dung bài viết.",
            date: str = "13/11/2022 21:12", more: str = "") -> str:
    return ARTICLE.format(slug=slug, title=title, body=body, date=date, more=more)


def make_content(root: Path, extra: dict | None = None) -> Path:
    """A small site: the sample's static pages and emblem (the theme links them from every
    page), two articles with a photo, and whatever a test adds."""
    content = root / "content"
    shutil.copytree(PROJECT / "content" / "pages", content / "pages")
    images = content / "images"
    images.mkdir(parents=True)
    for path in (PROJECT / "content" / "images").glob("*.png"):
        shutil.copy(path, images / path.name)
    write_files(content, {
        "hoat-dong-doan/tin-mot.md": article(
            "tin-mot", "Hội nghị Ban Chấp hành Tỉnh Đoàn",
            "Hội nghị đã diễn ra.\n\n![Huy hiệu Đoàn]({static}/images/huy-hieu-doan.png)",
            more=f"Đường dẫn cũ: {LEGACY_URL}\n"),
        "hoat-dong-doan/tin-hai.md": article(
            "tin-hai", "Ra quân Tháng Thanh niên", "Xem thêm [tin một]({filename}tin-mot.md).",
            date="14/11/2022 08:00"),
        **(extra or {}),
    })
    return content


def invoke(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SITEURL": SITEURL, **(env or {})}
    return subprocess.run([str(INVOKE), *args], cwd=PROJECT, capture_output=True, text=True,
                          env=environment, timeout=timeout)


def publish(content: Path, target: str, *extra: str,
            env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**(env or {}), "CACHE_PATH": str(content.parent / "cache")}
    return invoke("publish", "--content", str(content), "--target", target, *extra, env=env)


def output_of(run: subprocess.CompletedProcess) -> str:
    return run.stdout + run.stderr


def tree_digest(path: Path) -> str:
    """Every name, mode, symlink and byte under `path` (followed if it is a symlink)."""
    sha = hashlib.sha256()
    sha.update(os.readlink(path).encode() if path.is_symlink() else b"<folder>")
    root = path.resolve()
    for item in sorted(root.rglob("*")):
        status = item.lstat()
        sha.update(f"{item.relative_to(root).as_posix()}\0{status.st_mode:o}\0".encode())
        if item.is_symlink():
            sha.update(os.readlink(item).encode())
        elif item.is_file():
            sha.update(item.read_bytes())
    return sha.hexdigest()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- local folder ------------------------------------------------------------------------------


def test_folder_target_is_swapped_atomically_with_a_dry_run_first(tmp_path):
    live = tmp_path / "www" / "tintuc"
    write_files(live, {"cu.html": "trang cũ chép tay"})
    releases = live.parent / ".tintuc.releases"
    content = make_content(tmp_path)

    # A folder filled by hand becomes a symlink to a release; the old folder is kept.
    run = publish(content, f"folder:{live}")
    assert run.returncode == 0, output_of(run)
    assert live.is_symlink()
    assert (live / "tin-mot.html").is_file() and not (live / "cu.html").exists()
    assert (live / "index.html.gz").is_file() and (live / "index.html.br").is_file()
    (kept_by_hand,) = releases.glob("*-truoc-do")
    assert (kept_by_hand / "cu.html").read_text(encoding="utf-8") == "trang cũ chép tay"
    for gate in ("[content]", "[build]", "[links]", "[budget]", "[csp]", "[html]"):
        assert f"{gate} " in run.stdout and "đạt" in run.stdout

    # A dry run lists the new article and changes nothing, beside the target either.
    write_files(content, {"hoat-dong-doan/tin-ba.md": article(
        "tin-ba", "Tuổi trẻ Cao Bằng ra quân", date="15/11/2022 09:00")})
    before, listing = tree_digest(live), sorted(os.listdir(releases))
    run = publish(content, f"folder:{live}", "--dry-run")
    assert run.returncode == 0, output_of(run)
    assert "  + tin-ba.html" in run.stdout and "  ~ index.html" in run.stdout
    assert tree_digest(live) == before and sorted(os.listdir(releases)) == listing

    # While the next publication goes live, a reader always gets the old page or the new one.
    old_index = (live / "index.html").read_bytes()
    seen, missing, stop_reading = set(), [], threading.Event()

    def read_all_the_time():
        while not stop_reading.is_set():
            try:
                seen.add(hashlib.sha256((live / "index.html").read_bytes()).hexdigest())
            except OSError as error:
                missing.append(error)

    reader = threading.Thread(target=read_all_the_time)
    reader.start()
    try:
        run = publish(content, f"folder:{live}")
    finally:
        stop_reading.set()
        reader.join()
    assert run.returncode == 0, output_of(run)
    new_index = (live / "index.html").read_bytes()
    assert new_index != old_index and (live / "tin-ba.html").is_file()
    assert missing == []
    assert seen <= {hashlib.sha256(old_index).hexdigest(), hashlib.sha256(new_index).hexdigest()}

    # Old releases beyond PUBLISH_KEEP_RELEASES are removed; the live one always stays.
    run = publish(content, f"folder:{live}", env={"PUBLISH_KEEP_RELEASES": "2"})
    assert run.returncode == 0, output_of(run)
    remaining = sorted(path.name for path in releases.iterdir() if path.is_dir())
    assert len(remaining) == 2 and live.resolve().name in remaining


# --- rsync over ssh ----------------------------------------------------------------------------


@dataclass
class Ssh:
    port: int
    key: Path
    known_hosts: Path
    user: str

    def options(self, known_hosts: Path | None = None) -> list[str]:
        return ["--port", str(self.port), "--key", str(self.key),
                "--known-hosts", str(known_hosts or self.known_hosts)]


@pytest.fixture
def sshd(tmp_path):
    """OpenSSH's sshd on 127.0.0.1, with a host key and a user key made here."""
    folder = tmp_path / "ssh"
    folder.mkdir()
    for name in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                        "-f", str(folder / name)], check=True)
    (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
        # pytest's temporary folders are not the user's home: don't demand its permissions.
        "StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nUsePAM no\n"
        "LogLevel ERROR\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # Debian's sshd needs its privilege-separation dir
    log = (folder / "sshd.log").open("w")
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=log)
    try:
        wait_for_port(port, process, "sshd")
        host_key = (folder / "host_key.pub").read_text().split()
        known_hosts = folder / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
        yield Ssh(port, folder / "user_key", known_hosts, getpass.getuser())
    finally:
        stop(process)
        log.close()


def test_rsync_over_ssh_dry_run_then_publish(tmp_path, sshd):
    remote = tmp_path / "server" / "www"
    write_files(remote, {"cu.html": "cũ", ".well-known/acme-challenge/token": "chứng chỉ"})
    content = make_content(tmp_path)
    target = f"rsync:{sshd.user}@127.0.0.1:{remote}"

    before = tree_digest(remote)
    run = publish(content, target, "--dry-run", *sshd.options())
    assert run.returncode == 0, output_of(run)
    assert re.search(r"^<f\+{9,} tin-mot\.html$", run.stdout, re.M), run.stdout
    assert "*deleting   cu.html" in run.stdout
    assert tree_digest(remote) == before

    run = publish(content, target, *sshd.options())
    assert run.returncode == 0, output_of(run)
    assert (remote / "tin-mot.html").is_file() and (remote / "tin-mot.html.br").is_file()
    assert not (remote / "cu.html").exists()
    # ACME challenges on the server are protected from --delete-after.
    assert (remote / ".well-known/acme-challenge/token").read_text() == "chứng chỉ"
    assert (remote / "index.html").stat().st_mode & 0o777 == 0o644
    assert (remote / "theme").stat().st_mode & 0o777 == 0o755
    assert not list(remote.rglob(".~tmp~"))


def test_rsync_never_trusts_an_unknown_host_key(tmp_path, sshd):
    remote = tmp_path / "server" / "www"
    write_files(remote, {"index.html": "đang chạy"})
    before = tree_digest(remote)
    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    run = publish(make_content(tmp_path), f"rsync:{sshd.user}@127.0.0.1:{remote}",
                  *sshd.options(known_hosts=empty))
    assert run.returncode == 1
    assert "rsync tới" in run.stdout and "Host key verification failed" in run.stdout
    assert tree_digest(remote) == before


# --- gh-pages ------------------------------------------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def test_gh_pages_branch_in_a_bare_repository(tmp_path):
    bare = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    content = make_content(tmp_path)

    before = tree_digest(bare)
    run = publish(content, f"gh-pages:{bare}", "--dry-run")
    assert run.returncode == 0, output_of(run)
    assert "(chưa có, sẽ tạo mới)" in run.stdout, run.stdout
    assert re.search(r"^Sẽ thêm \d+ tệp, sửa 0 tệp, xóa 0 tệp\.$", run.stdout, re.M)
    assert tree_digest(bare) == before

    run = publish(content, f"gh-pages:{bare}", env={"PUBLISH_CNAME": "tinhdoan.example.vn"})
    assert run.returncode == 0, output_of(run)
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split()
    assert {"index.html", "tin-mot.html", ".nojekyll", "CNAME"} <= set(files)
    # GitHub Pages compresses by itself: no .gz/.br copies bloat the branch.
    assert not [name for name in files if name.endswith((".gz", ".br"))]
    first = git("rev-parse", "gh-pages", cwd=bare).strip()

    write_files(content, {"hoat-dong-doan/tin-ba.md": article(
        "tin-ba", "Tuổi trẻ Cao Bằng ra quân", date="15/11/2022 09:00")})
    run = publish(content, f"gh-pages:{bare}", "--dry-run")
    added = [line[4:] for line in run.stdout.splitlines() if line.startswith("  + ")]
    # Besides the new page, only the search index (its file names change every build).
    assert added[0] == "tin-ba.html"
    assert all(name.startswith(("pagefind/", "…")) for name in added[1:]), added
    run = publish(content, f"gh-pages:{bare}")
    assert run.returncode == 0, output_of(run)
    # A fast-forward on top of the previous publication, never a forced push.
    assert git("log", "--format=%P", "-1", "gh-pages", cwd=bare).strip() == first
    assert "tin-ba.html" in git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare)

    # The hourly run with nothing new (no scheduled article due): no commit on the branch.
    second = git("rev-parse", "gh-pages", cwd=bare).strip()
    run = publish(content, f"gh-pages:{bare}")
    assert run.returncode == 0, output_of(run)
    assert "không có gì để đẩy" in run.stdout, run.stdout
    assert git("rev-parse", "gh-pages", cwd=bare).strip() == second


# --- every gate stops a broken site, and no target changes ------------------------------------

LONG_BODY = ("Tuổi trẻ Cao Bằng tích cực tham gia các phong trào tình nguyện, xung kích, sáng tạo "
             "vì cộng đồng. ") * 800

BROKEN = {
    # gate: (files added to the small site, extra options, what the report must name)
    "content": ({"hoat-dong-doan/sai.md": article("sai", "Sai ngày", date="31/02/2022")},
                (), "sai.md:2"),
    "build": ({"hoat-dong-doan/sai.md": article("sai", "Sai ngày", date="31/02/2022")},
              ("--skip", "content"), "sai.md:2"),
    "links": ({"hoat-dong-doan/hong.md": article("lien-ket-hong", "Liên kết hỏng",
                                                  "Xem [tin cũ](/khong-co.html).")},
              (), "lien-ket-hong.html:"),
    # A missing photo: the photos plugin stops a production build (PHOTOS on_error "stop").
    "build-image": ({"hoat-dong-doan/anh.md": article(
        "thieu-anh", "Thiếu ảnh", "![Ảnh hội nghị]({static}/images/khong-co.jpg)")},
        (), "khong-co.jpg"),
    "html": ({"hoat-dong-doan/html.md": article(
        "html-sai", "HTML sai", "<ul>\n<div>Không được nằm trong ul</div>\n</ul>")},
        (), "html-sai.html:"),
    "budget": ({"hoat-dong-doan/dai.md": article("bai-rat-dai", "Bài rất dài", LONG_BODY)},
               (), "bai-rat-dai.html: trang HTML nặng"),
    "csp": ({"hoat-dong-doan/mau.md": article(
        "chu-do", "Chữ đỏ", 'Mở đầu.\n\n<p style="color:red">Chữ đỏ viết thẳng vào bài.</p>')},
        (), "chu-do.html:"),
}


@pytest.fixture(scope="module")
def published_folder(tmp_path_factory):
    """A folder target holding a good publication, made once; tests work on copies."""
    root = tmp_path_factory.mktemp("published")
    run = publish(make_content(root), f"folder:{root / 'www' / 'tintuc'}")
    assert run.returncode == 0, output_of(run)
    return root / "www"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_gate_stops_a_broken_site_and_the_folder_is_unchanged(case, tmp_path,
                                                                   published_folder):
    files, options, where = BROKEN[case]
    gate = case.split("-")[0]
    www = tmp_path / "www"
    shutil.copytree(published_folder, www, symlinks=True)
    live = www / "tintuc"
    before, releases = tree_digest(live), sorted(os.listdir(www / ".tintuc.releases"))

    run = publish(make_content(tmp_path, files), f"folder:{live}", *options)
    assert run.returncode == 1, output_of(run)
    report = run.stdout
    assert f"[{gate}] " in report and "KHÔNG ĐẠT" in report.split(f"[{gate}] ")[1].split("\n")[0]
    assert where in report, report
    assert f"Không xuất bản: bước kiểm tra “{gate}” không đạt" in report
    assert "Trang đang chạy không bị thay đổi." in report
    assert tree_digest(live) == before
    assert sorted(os.listdir(www / ".tintuc.releases")) == releases  # no half-built release


def test_a_stopped_publication_leaves_the_rsync_target_unchanged(tmp_path, sshd):
    remote = tmp_path / "server" / "www"
    write_files(remote, {"index.html": "đang chạy", "tin-cu.html": "tin cũ"})
    before = tree_digest(remote)
    files, options, where = BROKEN["links"]
    run = publish(make_content(tmp_path, files), f"rsync:{sshd.user}@127.0.0.1:{remote}",
                  *options, *sshd.options())
    assert run.returncode == 1 and where in run.stdout, output_of(run)
    assert tree_digest(remote) == before


def test_a_stopped_publication_leaves_the_gh_pages_repository_unchanged(tmp_path):
    bare = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "-b", "gh-pages", str(work)], check=True)
    write_files(work, {"index.html": "đang chạy"})
    identity = ["-c", "user.name=Kiểm thử", "-c", "user.email=kiem-thu@localhost"]
    git("add", ".", cwd=work)
    git(*identity, "commit", "-q", "-m", "bản đang chạy", cwd=work)
    git("push", "-q", str(bare), "gh-pages", cwd=work)
    before = tree_digest(bare)
    files, options, where = BROKEN["html"]
    run = publish(make_content(tmp_path, files), f"gh-pages:{bare}", *options)
    assert run.returncode == 1 and where in run.stdout, output_of(run)
    assert tree_digest(bare) == before


def test_verify_runs_the_gates_without_a_target(tmp_path):
    files, _options, _where = BROKEN["csp"]
    run = invoke("verify", "--content", str(make_content(tmp_path, files)),
                 env={"CACHE_PATH": str(tmp_path / "cache")})
    assert run.returncode == 1
    assert "[csp] " in run.stdout and "chu-do.html:" in run.stdout
    assert "Bước kiểm tra csp không đạt." in run.stdout


# --- nginx -------------------------------------------------------------------------------------


def nginx_site_config(root: Path, port: int, log: Path) -> str:
    """deploy/nginx/tintuc.conf with its "# CHANGE" lines pointed at this machine."""
    text = re.sub(r"# BEGIN plain-http.*?# END plain-http\n", "", CONF.read_text(), flags=re.S)
    lines = []
    for line in text.splitlines():
        if line.rstrip().endswith("# CHANGE"):
            directive = line.split()[0]
            indent = line[: len(line) - len(line.lstrip())]
            if directive == "listen":
                if "[::]" in line:
                    continue
                line = f"{indent}listen 127.0.0.1:{port};"
            elif directive.startswith("ssl_"):
                continue
            elif directive == "root":
                line = f"{indent}root {root};"
            elif directive == "include":
                line = f"{indent}include {root}/legacy-redirects.map;"
            elif directive == "access_log":
                line = f"{indent}access_log {log} combined;"
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass
class Served:
    base: str
    root: Path
    folder: Path

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """The small site published to a folder, served by nginx with the example configuration."""
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    live = folder / "www" / "tintuc"
    run = publish(make_content(folder), f"folder:{live}", env={"SITEURL": base})
    assert run.returncode == 0, output_of(run)
    (folder / "tintuc.conf").write_text(nginx_site_config(live, port, folder / "access.log"))
    modules = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
    (folder / "nginx.conf").write_text(
        f"load_module {modules};\n"
        # pytest's folders are root's own (0700): workers must run as root to read them.
        f"user root;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {folder / 'body'};\n  include {folder / 'tintuc.conf'};\n}}\n")
    checked = subprocess.run([NGINX, "-t", "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder),
                                "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, "nginx")
        yield Served(base, live, folder)
    finally:
        stop(process)


SECURITY_HEADERS = ("Content-Security-Policy", "Strict-Transport-Security",
                    "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def test_pages_carry_security_headers_and_a_short_cache(nginx):
    status, headers, body = nginx.get("/tin-mot.html")
    assert status == 200 and "Hội nghị Ban Chấp hành Tỉnh Đoàn" in body.decode()
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["Content-Security-Policy"] == gates.policy_from_nginx(CONF)
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_precompressed_copies_are_what_is_sent(nginx):
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        status, headers, body = nginx.get("/tin-mot.html", **{"Accept-Encoding": encoding})
        assert status == 200 and headers["Content-Encoding"] == encoding
        assert body == (nginx.root / f"tin-mot.html{suffix}").read_bytes()
        assert headers["Vary"] == "Accept-Encoding"
    status, headers, body = nginx.get("/tin-mot.html", **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in headers
    assert body == (nginx.root / "tin-mot.html").read_bytes()


def test_versioned_assets_and_photos_are_cached_long(nginx):
    _, versioned, _ = nginx.get("/theme/css/tin.css?v=0123456789")
    _, plain, _ = nginx.get("/theme/css/tin.css")
    _, photo, _ = nginx.get("/images/huy-hieu-doan.png")
    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain["Cache-Control"] == "public, max-age=3600"
    assert photo["Cache-Control"] == "public, max-age=2592000"
    assert "Content-Security-Policy" in versioned  # headers reach every kind of file


def test_feeds_have_their_own_types(nginx):
    status, headers, _ = nginx.get("/feeds/all.atom.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    status, headers, _ = nginx.get("/feeds/all.rss.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")


def test_missing_pages_get_the_site_404_page(nginx):
    status, headers, body = nginx.get("/khong-co-trang-nay.html")
    assert status == 404
    assert all(name in headers for name in SECURITY_HEADERS)
    assert "Không tìm thấy trang" in body.decode(), "the build has no 404.html"


def test_legacy_addresses_redirect_and_half_copied_files_stay_hidden(nginx):
    # The map the legacy_redirects plugin wrote into the published folder answers with a 301.
    status, headers, _ = nginx.get(LEGACY_URL)
    assert status == 301 and headers["Location"] == "/tin-mot.html"
    status, _, _ = nginx.get("/legacy-redirects.map")
    assert status == 404
    status, _, _ = nginx.get("/gioi-thieu")
    assert status == 301
    write_files(nginx.root, {".~tmp~/index.html": "một nửa"})
    status, _, _ = nginx.get("/.~tmp~/index.html")
    assert status == 404


def chromium_console(url: str, profile: Path) -> str:
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", url], capture_output=True, text=True, timeout=120)
    return "\n".join(line for line in run.stderr.splitlines() if ":CONSOLE" in line)


@pytest.mark.browser
def test_chromium_sees_no_csp_violation_and_agrees_with_the_gate(nginx, tmp_path):
    for path in ("/", "/tin-mot.html", "/chuyen-muc/hoat-dong-doan/", "/gioi-thieu/",
                 "/tim-kiem/?q=hoi+nghi", "/khong-co.html"):
        console = chromium_console(nginx.base + path, tmp_path / "profile")
        assert "Content Security Policy" not in console, (path, console)
    status, _, _ = nginx.get("/theme/css/tin.css")
    assert status == 200

    # The control: a page the policy must block. Chromium reports it, with the same hash the
    # csp gate tells the operator to add.
    style = "body{color:red}"
    write_files(nginx.root, {"kiem-tra-csp.html": (
        f'<!DOCTYPE html><html lang="vi"><head><title>t</title><style>{style}</style></head>'
        "<body><p>t</p></body></html>")})
    console = chromium_console(nginx.base + "/kiem-tra-csp.html", tmp_path / "profile")
    findings, _ = gates.check_csp(gates.BuiltSite.read(nginx.root, nginx.base),
                                  gates.policy_from_nginx(CONF))
    (finding,) = [f for f in findings if f.path == "kiem-tra-csp.html"]
    digest = re.search(r"'sha256-[^']+'", finding.message).group(0)
    assert "violates the following Content Security Policy directive" in console
    assert digest in console
