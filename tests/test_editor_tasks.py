"""The editors' commands as editors type them: `invoke new`, `invoke check`, and the
pre-commit hook, run for real in subprocesses on content folders in tmp dirs.

`invoke --search-root PROJECT` loads the project's tasks.py while the command runs in the
tmp dir, as when an editor runs it from a subfolder.
"""

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from conftest import SCENARIOS, build
from test_preview import Server, free_port

PROJECT = Path(__file__).resolve().parents[1]
INVOKE = Path(sys.executable).with_name("invoke")
PHOTO = (SCENARIOS / "check_ok" / "images" / "2022" / "11" / "quoc-toan.png").read_bytes()


def invoke(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(INVOKE), "--search-root", str(PROJECT), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def said(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_the_tasks_are_listed_with_one_line_each(tmp_path):
    listing = invoke(tmp_path, "--list").stdout
    for name in ("new", "check", "livereload"):
        assert re.search(rf"^  {name}\s+\S", listing, re.M), listing


def test_new_check_build_round_trip_with_two_captioned_photos(tmp_path, build_site):
    created = invoke(tmp_path, "new", "Đoàn viên ra quân “Chủ nhật xanh”", "--chuyen-muc",
                     "phong trao tinh nguyen", "--path", "content")
    assert created.returncode == 0, said(created)
    relative = created.stdout.strip()
    path = tmp_path / relative
    assert re.fullmatch(r"content/phong-trao-tinh-nguyen/\d{4}-\d\d-\d\d-"
                        r"doan-vien-ra-quan-chu-nhat-xanh\.md", relative)
    assert path.read_text(encoding="utf-8").startswith(
        "Tiêu đề: Đoàn viên ra quân “Chủ nhật xanh”\n")

    clean = invoke(tmp_path, "check", "--path", "content")
    assert clean.returncode == 0, said(clean)
    assert "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo" in clean.stdout

    # What the guide tells an editor to do: photos under images/YYYY/MM/, captions in quotes.
    photos = tmp_path / "content" / "images" / "2026" / "03"
    photos.mkdir(parents=True)
    (photos / "ra-quan.png").write_bytes(PHOTO)
    (photos / "don-rac.png").write_bytes(PHOTO)
    text = path.read_text(encoding="utf-8")
    text = text.replace("Ảnh đại diện:", "Ảnh đại diện: {static}/images/2026/03/ra-quan.png")
    text = text.replace("Chú thích ảnh:", "Chú thích ảnh: Đoàn viên ra quân.")
    text += ("Sáng chủ nhật, hơn 200 đoàn viên ra quân.\n\n"
             '![Đoàn viên nhặt rác]({static}/images/2026/03/don-rac.png "Nhặt rác bờ sông.")\n\n'
             "Buổi chiều, các chi đoàn trồng cây.\n\n"
             '![Trồng cây]({static}/images/2026/03/ra-quan.png "Trồng cây ven đường.")\n')
    path.write_text(text, encoding="utf-8")
    assert invoke(tmp_path, "check", "--path", "content").returncode == 0

    site = build_site(tmp_path / "content")
    assert site.ok and site.errors == [] and site.warnings == []
    page = site.html("doan-vien-ra-quan-chu-nhat-xanh.html")
    captions = [caption.get_text(strip=True) for caption in page.select(".news-body figcaption")]
    assert captions == ["Nhặt rác bờ sông.", "Trồng cây ven đường."]


def test_livereload_serves_until_stopped(tmp_path):
    shutil.copytree(SCENARIOS / "check_ok", tmp_path / "content")
    port = free_port()
    server = Server(tmp_path / "content", tmp_path / "preview.log", port,
                    [str(INVOKE), "--search-root", str(PROJECT), "livereload", "--port",
                     str(port), "--path", "content"], cwd=tmp_path)
    try:
        server.wait_for(lambda state: state["build"] == 1, "the first build")
        status, page = server.get("doan-thanh-nien-xa-quoc-toan-ra-quan.html")
        assert status == 200 and "tai-lai.js" in page
    finally:
        assert server.stop() == 0
    assert f"Xem trước tại http://127.0.0.1:{port}/" in server.output()
    assert server.output().rstrip().endswith("Đã dừng xem trước.")


def test_new_never_overwrites(tmp_path):
    first = invoke(tmp_path, "new", "Tin trùng", "--path", "content")
    path = tmp_path / first.stdout.strip()
    path.write_text("Bài đã viết.", encoding="utf-8")
    again = invoke(tmp_path, "new", "Tin trùng", "--path", "content")
    assert again.returncode == 1
    assert "không ghi đè" in said(again) and path.name in said(again)
    assert path.read_text(encoding="utf-8") == "Bài đã viết."


def test_new_refuses_an_unknown_category(tmp_path):
    result = invoke(tmp_path, "new", "Tin", "--chuyen-muc", "Tin tức chung", "--path", "content")
    assert result.returncode == 1
    assert "không có chuyên mục “Tin tức chung”" in said(result)
    assert "Hoạt động Đoàn" in said(result)
    assert not (tmp_path / "content").exists() or not any((tmp_path / "content").rglob("*.md"))


def test_check_names_every_broken_file_and_fails(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SCENARIOS / "reader_errors", content / "tin-tuc")
    shutil.copytree(SCENARIOS / "check_errors", content / "loi")
    result = invoke(tmp_path, "check", "--path", "content")
    assert result.returncode == 1
    broken = sorted(path for path in content.rglob("*.md"))
    for path in broken:
        relative = path.relative_to(tmp_path).as_posix()
        assert re.search(rf"^{re.escape(relative)}:\d+: lỗi: .+", result.stdout, re.M), relative
    errors = len(re.findall(r"^\S+:\d+: lỗi: ", result.stdout, re.M))
    assert errors >= len(broken)
    assert f"Đã kiểm tra {len(broken)} tệp: {errors} lỗi, 0 cảnh báo (có lỗi" in result.stdout


def test_check_warns_without_failing_and_names_every_file(tmp_path):
    shutil.copytree(SCENARIOS / "check_warnings", tmp_path / "content")
    result = invoke(tmp_path, "check", "--path", "content")
    assert result.returncode == 0, said(result)
    for name in ("unknown-category.md", "duplicate-title-morning.md", "missing-body-image.md",
                 "image-without-alt.md", "long-summary.md", "long-title.md", "nfd-text.md",
                 "tcvn3-pasted-text.md", "misspelt-key.md", "uppercase-suffix.MD"):
        assert re.search(rf"^content/tin-tuc/{re.escape(name)}:\d+: cảnh báo: .+Cách sửa: ",
                         result.stdout, re.M), name
    assert re.search(r"^Đã kiểm tra \d+ tệp: 0 lỗi, \d+ cảnh báo", result.stdout, re.M)


def test_check_json_is_for_tools(tmp_path):
    shutil.copytree(SCENARIOS / "check_warnings", tmp_path / "content")
    result = invoke(tmp_path, "check", "--path", "content", "--json")
    data = json.loads(result.stdout)
    assert data["errors"] == 0 and data["warnings"] == len(data["problems"]) > 20
    codes = {problem["code"] for problem in data["problems"]}
    assert {"unknown-category", "duplicate-title", "missing-file", "not-nfc"} <= codes
    first = data["problems"][0]
    assert first["path"].startswith("content/") and first["level"] == "warning"


def test_check_fix_normalises_and_keeps_a_backup(tmp_path):
    content = tmp_path / "content" / "tin-tuc"
    content.mkdir(parents=True)
    original = (SCENARIOS / "check_warnings" / "tin-tuc" / "nfd-text.md").read_bytes()
    (content / "nfd-text.md").write_bytes(original)
    before = invoke(tmp_path, "check", "--path", "content")
    assert "content/tin-tuc/nfd-text.md:1: cảnh báo:" in before.stdout
    fixed = invoke(tmp_path, "check", "--path", "content", "--fix")
    assert fixed.returncode == 0
    assert ("Đã chuyển sang Unicode dựng sẵn (NFC): content/tin-tuc/nfd-text.md "
            "(bản gốc: content/tin-tuc/nfd-text.md.bak)") in fixed.stdout
    assert "0 lỗi, 0 cảnh báo" in fixed.stdout
    assert (content / "nfd-text.md.bak").read_bytes() == original
    assert unicodedata.is_normalized("NFC", (content / "nfd-text.md").read_text("utf-8"))


def test_check_of_a_missing_folder_says_so(tmp_path):
    result = invoke(tmp_path, "check", "--path", "khong-co")
    assert result.returncode == 2
    assert "Không thấy thư mục nội dung “khong-co”" in said(result)


# --- The pre-commit hook -----------------------------------------------------------------


def hook() -> dict:
    """The project's hook, read from .pre-commit-config.yaml (a flat YAML subset)."""
    text = (PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s+-?\s*(id|entry|files|language|pass_filenames):\s*(.+)$",
                             text, re.M))
    return {key: value.strip().strip("'\"") for key, value in fields.items()}


def run_hook(changed: list[str], repository: Path) -> subprocess.CompletedProcess:
    """What pre-commit does for a commit in `repository`: the entry, run from the project's
    root, given the changed files that match the hook's pattern."""
    settings = hook()
    files = [str(repository / name) for name in changed if re.search(settings["files"], name)]
    command = [*settings["entry"].split(), "--path", str(repository / "content"), *files]
    return subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=120)


def test_the_hook_runs_the_check_on_changed_content_files():
    settings = hook()
    assert settings["language"] in ("system", "unsupported")
    assert re.search(settings["files"], "content/hoat-dong-doan/2026-03-26-bai.md")
    # Uploads too: an SVG with a script or a symbolic link out is refused at commit time.
    assert re.search(settings["files"], "content/images/2026/03/bieu-do.svg")
    assert not re.search(settings["files"], "tintuc/checker.py")


def test_the_hook_stops_a_commit_with_a_broken_file_and_names_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SCENARIOS / "check_ok", content)
    shutil.copy(SCENARIOS / "reader_errors" / "impossible-date.md",
                content / "tin-tuc" / "bai-loi.md")
    shutil.copy(SCENARIOS / "check_warnings" / "tin-tuc" / "long-title.md",
                content / "tin-tuc" / "tieu-de-dai.md")
    changed_ok = ["content/tin-tuc/without-slug.md", "content/images/2022/11/quoc-toan.png",
                  "README.md"]

    passing = run_hook(changed_ok, tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo" in passing.stdout

    failing = run_hook([*changed_ok, "content/tin-tuc/bai-loi.md",
                        "content/tin-tuc/tieu-de-dai.md"], tmp_path)
    assert failing.returncode == 1
    assert re.search(r"bai-loi\.md:2: lỗi: “Ngày đăng”: ngày “31/02/2022” không tồn tại",
                     failing.stdout)
    assert "tieu-de-dai.md:1: cảnh báo: tiêu đề dài" in failing.stdout
    assert "Đã kiểm tra 3 tệp: 1 lỗi, 1 cảnh báo" in failing.stdout


def test_the_hook_ignores_files_outside_the_content_folder(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SCENARIOS / "check_ok", content)
    outside = tmp_path / "nhap.md"
    outside.write_text("không phải bài", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tintuc_tools.check_files", "--path",
                             str(content), str(outside)], cwd=PROJECT, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_entry_point_speaks_json_too(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SCENARIOS / "check_ok", content)
    result = subprocess.run([sys.executable, "-m", "tintuc_tools.check_files", "--json", "--path",
                             str(content)], cwd=PROJECT, capture_output=True, text=True,
                            timeout=120)
    assert json.loads(result.stdout)["files_checked"] == 4
    assert build(tmp_path / "site", content).ok


# --- The editor guide (docs/huong-dan-bien-tap.md) says what the code does --------------

GUIDE = (PROJECT / "docs" / "huong-dan-bien-tap.md").read_text(encoding="utf-8")


def guide_blocks(language: str | None = None) -> list[str]:
    """The guide's code blocks, in order; only those of one language when given."""
    blocks, current, current_language = [], None, ""
    for line in GUIDE.splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current, current_language = [], line[3:].strip()
            else:
                if language is None or current_language == language:
                    blocks.append("".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_the_guide_quotes_the_messages_the_check_really_prints(tmp_path):
    shutil.copytree(SCENARIOS / "check_guide", tmp_path / "content")
    printed = invoke(tmp_path, "check", "--path", "content").stdout.splitlines()
    quoted = [line for block in guide_blocks() for line in block.splitlines()
              if line.startswith("content/") and not line.startswith("content/…")
              and (": lỗi: " in line or ": cảnh báo: " in line)]
    assert len(quoted) >= 20
    for line in quoted:
        assert line in printed, line


def test_the_guide_example_with_two_captioned_photos_passes_and_builds(tmp_path, build_site):
    example = guide_blocks("markdown")[0]
    assert example.startswith("Tiêu đề: ")
    content = tmp_path / "content"
    article = content / "phong-trao-tinh-nguyen" / "2026-03-26-quoc-toan-ra-quan.md"
    article.parent.mkdir(parents=True)
    article.write_text(example, encoding="utf-8")
    for photo in set(re.findall(r"\{static\}/(images/\S+\.jpg)", example)):
        (content / photo).parent.mkdir(parents=True, exist_ok=True)
        (content / photo).write_bytes(PHOTO)
    checked = invoke(tmp_path, "check", "--path", "content")
    assert "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo" in checked.stdout, checked.stdout

    site = build_site(content)
    assert site.ok and site.errors == [] and site.warnings == []
    page = site.html("doan-vien-xa-quoc-toan-ra-quan-chu-nhat-xanh.html")
    captions = [caption.get_text(strip=True) for caption in page.select("figcaption")]
    assert captions == ["Đoàn viên xã Quốc Toản ra quân dọn vệ sinh đường làng.",
                        "Đoàn viên nhặt rác ven suối Bản Nưa.",
                        "Chi đoàn xóm Bản Nưa trồng cây ven đường liên xóm."]


def test_the_guide_shows_the_template_new_writes(tmp_path):
    template = next(block for block in guide_blocks("markdown")
                    if block.startswith("Tiêu đề: Đoàn viên xã Quốc Toản ra quân Chủ nhật xanh"))
    created = invoke(tmp_path, "new", "Đoàn viên xã Quốc Toản ra quân Chủ nhật xanh",
                     "--chuyen-muc", "tình nguyện", "--path", "content")
    written = (tmp_path / created.stdout.strip()).read_text(encoding="utf-8")
    date_line = re.compile(r"^Ngày đăng: .*$", re.M)
    assert date_line.sub("", written) == date_line.sub("", template)
    assert created.stdout.strip().startswith("content/phong-trao-tinh-nguyen/")


def test_the_guide_links_lead_to_its_headings():
    # GitHub and GitLab anchors keep Vietnamese letters: lower case, punctuation dropped.
    anchors = {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
               for heading in re.findall(r"^#{1,6} (.+)$", GUIDE, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", GUIDE)
    assert links and set(links) <= anchors
    assert unicodedata.is_normalized("NFC", GUIDE)
