"""Pelican's side of the web editor: the files of /quan-tri/ written when the build ends."""

import logging
from pathlib import Path

from tintuc import cms, fresh_output
from tintuc.assets import file_digest, find_theme_file, versioned_url

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
OUR_SCRIPT = PROJECT / "admin" / "tintuc-cms.js"
OUR_STYLE = PROJECT / "admin" / "tintuc-cms.css"
STYLESHEET = "css/tin.css"


def check_settings(pelican) -> None:
    for problem in cms.settings_problems(pelican.settings):
        logger.error("%s: %s", cms.SETTING, problem)


def _stylesheet_url(settings: dict) -> str:
    """The site's stylesheet with its digest, for the editor's preview pane."""
    source = find_theme_file(settings.get("THEME") or "", settings.get("THEME_STATIC_PATHS"),
                             STYLESHEET)
    if source is None:
        return ""
    static_dir = settings.get("THEME_STATIC_DIR", "theme")
    return versioned_url(settings.get("SITEURL") or "", static_dir, STYLESHEET,
                         file_digest(source))


def _bundle(settings: dict) -> Path:
    bundle = Path(cms.admin_settings(settings)["bundle"])
    return bundle if bundle.is_absolute() else PROJECT / bundle


def write_admin(pelican) -> None:
    settings = pelican.settings
    config = cms.admin_settings(settings)
    if not config["enabled"]:
        return
    bundle = _bundle(settings)
    files = cms.bundle_files(bundle) if bundle.is_dir() else []
    if not any(path.name == "decap-cms.js" for path in files):
        say = logger.error if config["required"] else logger.warning
        say("%s: không có %s/decap-cms.js nên trình biên tập web (/%s/) không được tạo. "
            "Cách sửa: chạy “npm ci” trong thư mục dự án (./run test làm việc này)",
            cms.SETTING, bundle, config["path"])
        return
    output = Path(settings["OUTPUT_PATH"])
    folder = output / config["path"]
    folder.mkdir(parents=True, exist_ok=True)
    cache = settings["CACHE_PATH"]
    digests = {}
    for path in files:
        data = path.read_bytes()
        if path.name == "decap-cms.js":
            digests[path.name] = cms.digest(data)
        fresh_output.write(str(folder / path.name), data, str(output), cache)
    script = cms.our_script(settings, OUR_SCRIPT.read_text(encoding="utf-8"),
                            _stylesheet_url(settings)).encode("utf-8")
    digests["tintuc-cms.js"] = cms.digest(script)
    fresh_output.write(str(folder / "tintuc-cms.js"), script, str(output), cache)
    style = OUR_STYLE.read_bytes()
    digests["tintuc-cms.css"] = cms.digest(style)
    fresh_output.write(str(folder / "tintuc-cms.css"), style, str(output), cache)
    page = cms.index_page(settings, digests).encode("utf-8")
    fresh_output.write(str(folder / "index.html"), page, str(output), cache)
