"""The web editor's configuration and its place in the build (tintuc/cms.py, plugins/admin_cms).

What it does in a browser is in test_cms_format.py and test_cms_browser.py."""

import json
import re

import pytest
from conftest import PROJECT

from tintuc import cms
from tintuc.files import load_settings
from tintuc.frontmatter import KEYS, find_key
from tintuc.new_article import TEMPLATE_KEYS
from tintuc_tools import gates

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
BUNDLE = PROJECT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"
ARTICLE = ("Tiêu đề: Đoàn viên ra quân\nNgày đăng: 26/03/2026 08:30\n"
           "Chuyên mục: Hoạt động Đoàn\n\nNội dung.\n")


def _fields(collection: dict) -> dict[str, dict]:
    return {field["name"]: field for field in collection["fields"]}


def test_one_collection_per_category_in_its_invoke_new_folder():
    config = cms.decap_config(SETTINGS)
    articles = config["collections"][:-1]
    assert [c["label"] for c in articles] == SETTINGS["NEWS_CATEGORIES"]
    assert [c["folder"] for c in articles] == [
        "content/hoat-dong-doan", "content/phong-trao-tinh-nguyen",
        "content/thanh-nien-lap-nghiep", "content/tuyen-truyen-phap-luat",
        "content/van-hoa-the-thao", "content/chuyen-doi-so", "content/doi-tntp-ho-chi-minh"]
    for collection in articles:
        assert collection["format"] == "tintuc" and collection["extension"] == "md"
        category = _fields(collection)["category"]
        assert category["options"] == SETTINGS["NEWS_CATEGORIES"]
        assert category["default"] == collection["label"]
    pages = config["collections"][-1]
    assert pages["folder"] == "content/pages" and pages["format"] == "tintuc-trang"
    assert list(_fields(pages)) == ["title", "summary", "slug", "status", "body"]
    assert config["locale"] == "vi"


def test_every_key_the_reader_accepts_for_editors_is_a_field_with_vietnamese_help():
    fields = _fields(cms.decap_config(SETTINGS)["collections"][0])
    # The administrator's keys (language, template) stay out of the form: kept, not shown.
    wanted = {key.name for key in KEYS} - {"lang", "template"}
    assert set(fields) == wanted | {"body"}
    for name, field in fields.items():
        assert field["label"] and field["hint"], name
        assert re.search(r"[à-ỹđ]", field["label"] + field["hint"], re.I), name
    assert [name for name in fields if fields[name].get("required")] == \
        ["title", "date", "category"]
    assert fields["date"]["widget"] == fields["modified"]["widget"] == cms.DATE_WIDGET
    assert [option["value"] for option in fields["status"]["options"]] == \
        ["công bố", "nháp", "ẩn"]


def test_every_key_an_editor_writes_is_a_field_of_the_form():
    fields = _fields(cms.decap_config(SETTINGS)["collections"][0])
    # Administrators' keys stay in the file untouched, without a field.
    for_administrators = {"lang", "template"}
    assert {key.name for key in KEYS} - for_administrators == set(fields) - {"body"}
    assert all(find_key(spelling) for spelling in cms.FIELDS)


def test_featured_offers_its_places_and_documents_their_dates():
    fields = _fields(cms.decap_config(SETTINGS)["collections"][0])
    places = [option["value"] for option in fields["featured"]["options"]]
    assert places[:3] == ["không", "có", "1"] and fields["featured"]["default"] == "không"
    pattern = re.compile(fields["issued"]["pattern"][0])
    assert pattern.match("18/02/2026") and pattern.match("") and not pattern.match("2026-02-18")
    assert fields["document_file"]["widget"] == "file"
    assert re.match(fields["external_url"]["pattern"][0], "https://baocaobang.vn/a")
    assert not re.match(fields["external_url"]["pattern"][0], "baocaobang.vn")


def test_new_files_follow_invoke_new_and_photos_the_articles_month():
    browser = cms.browser_settings(SETTINGS)
    assert browser["template_keys"] == list(TEMPLATE_KEYS)
    assert [name for name in browser["order"] if name in TEMPLATE_KEYS] == list(TEMPLATE_KEYS)
    collection = browser["config"]["collections"][0]
    assert collection["slug"] == "{{fields.date | date('YYYY-MM-DD')}}-{{fields.slug}}"
    assert collection["media_folder"] == ("/content/images/{{fields.date | date('YYYY')}}/"
                                          "{{fields.date | date('MM')}}")
    assert browser["config"]["slug"] == {"encoding": "ascii", "clean_accents": True,
                                         "sanitize_replacement": "-"}


def test_backends_and_the_local_proxy():
    config = cms.decap_config({**SETTINGS, "ADMIN_CMS": {
        "backend": {"name": "gitlab", "repo": "tinh-doan/tintuc", "api_root": ""},
        "editorial_workflow": False, "local_backend": "http://127.0.0.1:8081/api/v1"}})
    assert config["backend"]["name"] == "gitlab" and "api_root" not in config["backend"]
    assert "publish_mode" not in config
    assert config["local_backend"]["url"] == "http://127.0.0.1:8081/api/v1"
    published = cms.decap_config(SETTINGS)
    assert published["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in published
    assert cms.settings_problems({"ADMIN_CMS": {"backend": {"name": "svn"}}})
    assert cms.settings_problems({"ADMIN_CMS": {"path": "a/b"}})
    assert not cms.settings_problems(SETTINGS)


def test_the_script_carries_its_settings_inertly():
    script = cms.our_script({**SETTINGS, "SITENAME": "</script><b>"}, "/* ours */")
    prefix = script.split("\n/* ours */")[0]
    assert "</script" not in prefix
    data = json.loads(prefix.removeprefix("window.TINTUC_CMS = ").rstrip(";"))
    assert data["site_name"] == "</script><b>"


@pytest.mark.skipif(not BUNDLE.exists(), reason="decap-cms is not installed (npm ci)")
def test_the_build_puts_the_editor_at_quan_tri_unlisted(build_site):
    site = build_site({"hoat-dong-doan/bai.md": ARTICLE})
    assert site.ok, site.errors
    page = site.read("quan-tri/index.html")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert re.search(r'src="decap-cms\.js\?v=[0-9a-f]{10}"', page)
    assert site.exists("quan-tri/decap-cms.js") and site.exists("quan-tri/tintuc-cms.js")
    assert not site.files("quan-tri/*.map")
    assert "<script>" not in page and "style=" not in page  # nothing the site's CSP forbids
    assert "quan-tri" not in site.read("sitemap.xml")
    assert not any("quan-tri" in name for name in site.files("pagefind/**/*"))
    for html in site.files():
        if not html.startswith("quan-tri/"):
            assert "quan-tri" not in site.read(html), html
    ours = site.read("quan-tri/tintuc-cms.js")
    assert '"stylesheet": "/theme/css/tin.css?v=' in ours
    # The publishing gates accept it: its scripts are the site's own, its page passes the CSP.
    settings = {**SETTINGS, "OUTPUT_PATH": str(site.output)}
    assert gates.check_files(site.output, settings) == []
    built = gates.BuiltSite.read(site.output)
    findings, _ = gates.check_csp(built, gates.policy_from_nginx(
        PROJECT / "deploy" / "nginx" / "tintuc.conf"))
    assert [f for f in findings if f.path.startswith("quan-tri/")] == []
    assert [f for f in gates.check_links(built) if f.path.startswith("quan-tri/")] == []


def test_without_the_bundle_a_build_warns_and_a_production_build_stops(build_site, tmp_path):
    missing = {"bundle": str(tmp_path / "nowhere"), "path": "quan-tri"}
    site = build_site({"hoat-dong-doan/bai.md": ARTICLE}, {"ADMIN_CMS": missing})
    assert site.ok and not site.exists("quan-tri/index.html")
    assert any("npm ci" in warning for warning in site.warnings)
    stopped = build_site({"hoat-dong-doan/bai.md": ARTICLE},
                         {"ADMIN_CMS": {**missing, "required": True}})
    assert not stopped.ok
    assert any("npm ci" in error for error in stopped.errors)


def test_the_editor_has_its_own_policy_only_under_its_path():
    conf = (PROJECT / "deploy" / "nginx" / "tintuc.conf").read_text()
    site_policy = gates.policy_from_nginx(PROJECT / "deploy" / "nginx" / "tintuc.conf")
    site = gates.parse_policy(site_policy)
    assert "'unsafe-eval'" not in site["script-src"]
    assert "'unsafe-inline'" not in site["style-src"]
    block = conf[conf.index("location ^~ /quan-tri/ {"):]
    block = block[:block.index("\n    }\n")]
    policy = gates.parse_policy(re.search(r'Content-Security-Policy "([^"]+)"', block)[1])
    assert policy["script-src"] == ["'self'", "'unsafe-eval'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "X-Robots-Tag" in block and "Strict-Transport-Security" in block


def test_publishing_compresses_the_editors_bundle_quickly(tmp_path):
    import brotli

    from tintuc_tools.publish import compress_tree

    script = ("function decap(){return 'Trình biên tập';}\n" * 400).encode()
    for name in ("quan-tri/decap-cms.js", "theme/js/tin.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(script)
    options = load_settings(PROJECT / "publishconf.py")["PUBLISH_COMPRESSION"]
    assert options["fast_folders"] == ["quan-tri"]
    compress_tree(tmp_path, options)
    quick = brotli.compress(script, quality=options["brotli_quality_pages"])
    slow = brotli.compress(script, quality=options["brotli_quality"])
    assert quick != slow
    assert (tmp_path / "quan-tri" / "decap-cms.js.br").read_bytes() == quick
    assert (tmp_path / "theme" / "js" / "tin.js.br").read_bytes() == slow
