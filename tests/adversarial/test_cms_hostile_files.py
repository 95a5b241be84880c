"""The web editor on files and settings made to break it (issue 16).

The editor's script carries the settings as JSON inside a .js file: a site name holding
`</script>` or `<!--` must stay data. And a file the editor opens must come back byte for byte
whatever its header holds (lone carriage returns, a NUL, a 20,000-character line, a key that
only looks like one, U+2028, a fence never closed): it may only rewrite the line of a value the
editor changed, and never hang on a line.
"""

import difflib
import json
import time

import pytest
from test_cms_format import js  # noqa: F401 (the fixture: the editor's script in Chromium)

from tintuc import cms
from tintuc.files import load_settings
from tintuc.frontmatter import read_source

from .conftest import PROJECT

SETTINGS = load_settings(PROJECT / "pelicanconf.py")


@pytest.mark.parametrize("name", ["</script><script>alert(1)</script>", "<!--", "\u2028x\u2029",
                                  "</SCRIPT >", "\\u003c/script"])
def test_hostile_settings_stay_data_in_the_editors_script(name):
    script = cms.our_script({**SETTINGS, "SITENAME": name}, "/* ours */")
    prefix = script.split("\n/* ours */")[0]
    assert "</" not in prefix and "<!--" not in prefix
    data = json.loads(prefix.removeprefix("window.TINTUC_CMS = ").rstrip(";"))
    assert data["site_name"] == name
    page = cms.index_page({"SITENAME": name}, {"tintuc-cms.js": "a", "decap-cms.js": "b",
                                                "tintuc-cms.css": "c"})
    assert "<script>" not in page and "<!--" not in page


HOSTILE = {
    "lone-cr": "Tiêu đề: A\rNgày đăng: 26/03/2026 08:30\rChuyên mục: B\r\rThân.\r",
    "nul": "Tiêu đề: A\x00B\nNgày đăng: 26/03/2026 08:30\nChuyên mục: B\n\nThân.\n",
    "long-line": "Tiêu đề: " + "dài " * 5000 + "\nNgày đăng: 26/03/2026\nChuyên mục: B\n\n",
    "long-key": "Tiêu đề: A\n" + "k" * 20000 + ": v\nChuyên mục: B\n\n",
    "colons": "Tiêu đề: A: B: C\nNgày đăng: 26/03/2026\nChuyên mục: B\n\n" + ":" * 5000,
    "separators": "Tiêu đề: A\u2028B\u2029\nNgày đăng: 26/03/2026\nChuyên mục: B\n\n\u2028",
    "unclosed-fence": "---\nTiêu đề: A\nNgày đăng: 26/03/2026\nChuyên mục: B\n\nThân.\n",
    "only-continuations": "  Tiêu đề: A\n  B\n\nThân.\n",
    "mixed-ends": "Tiêu đề: A\r\nNgày đăng: 26/03/2026\nChuyên mục: B\r\n\r\nThân.\n",
    "empty": "",
    "bom-only": "\ufeff",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_come_back_unchanged_and_edits_stay_on_their_line(js, name):  # noqa: F811
    text = HOSTILE[name]
    started = time.perf_counter()
    back = js("t => TintucCms.toFile(TintucCms.fromFile(t))", text)
    assert back == text
    edited = js("""t => { const d = TintucCms.fromFile(t); d.source = 'Huyện Đoàn';
        return TintucCms.toFile(d); }""", text)
    assert time.perf_counter() - started < 5
    before = read_source(text.encode("utf-8"), "x.md")
    after = read_source(edited.encode("utf-8"), "x.md")
    if not before.problems or name != "unclosed-fence":
        assert edited.count("Nguồn tin: Huyện Đoàn") == 1
    for field, value in before.fields.items():
        assert after.get(field) == value.value, field
    assert after.body == before.body or name in ("unclosed-fence", "empty", "bom-only")
    # Every line of the file is still there, with its own line end; only added lines differ
    # (and the last line, which gains an end when lines follow it).
    lines, again = text.splitlines(True), edited.splitlines(True)
    removed = [line for line in difflib.ndiff(lines, again) if line.startswith("- ")]
    assert removed in ([], [f"- {lines[-1]}"] if lines else [])
