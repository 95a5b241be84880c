"""The web editor at /quan-tri/ (issue 16): Decap CMS, configured from the settings and from
the reader's own keys, so that what it saves is the file `invoke new` writes.

No Pelican here: `tintuc_plugins.admin_cms` writes the files this module lists into the
output. The browser side (the file format, the Vietnam-time date widget, the captioned photo
block, the preview) is `admin/tintuc-cms.js`; it receives `browser_settings()` as JSON.

The fields are a table (`FIELDS`) keyed by the Vietnamese spelling of each key: a row whose
key the reader does not accept is left out, so a key the reader gains (`Hết hạn`,
`Sự kiện`) appears in the editor as soon as it does, and a new key is one row here.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tintuc.frontmatter import KEYS, STATUSES, find_key
from tintuc.new_article import DEFAULT_FEATURED, DEFAULT_STATUS, TEMPLATE_KEYS
from tintuc.text import slugify

SETTING = "ADMIN_CMS"
DEFAULTS = {
    "enabled": True,
    "path": "quan-tri",  # where the editor is, in the built site
    # The Git host the editor commits to (docs/quan-tri-web.md): github, gitlab or gitea.
    "backend": {"name": "github", "repo": "", "branch": "main"},
    # Drafts, review and ready as pull/merge requests where the backend has them.
    "editorial_workflow": True,
    # `invoke admin` sets the local Git proxy's URL; a published site never has one.
    "local_backend": None,
    # The repository's content folder, as the CMS names paths (from the repository's root).
    "content_folder": "content",
    # Where the Decap CMS bundle is copied from (relative to the project's folder).
    "bundle": "node_modules/decap-cms/dist",
    # True: a build without the bundle stops (publishconf.py); False: it warns and goes on.
    "required": False,
}
DATE_WIDGET = "ngay-gio"  # ours: `dd/mm/YYYY HH:MM` in Vietnam time, whatever the computer's
# The bundle's files that the browser loads: the main script, the chunks it loads on demand,
# its WebAssembly and its licence notice; not the source maps, nor the second copy `cms.js`.
BUNDLE_PATTERNS = ("decap-cms.js", "*.decap-cms.js", "*.wasm", "decap-cms.js.LICENSE.txt")


@dataclass(frozen=True)
class Field:
    widget: str
    label: str
    hint: str
    required: bool = False
    options: dict | None = None


FEATURED_CHOICES = 10  # places offered in the form; the reader takes up to MAX_FEATURED_RANK
DAY_PATTERN = r"^$|^\d{1,2}/\d{1,2}/\d{4}$"
DAY_PATTERN_MESSAGE = "Ghi ngày dạng ngày/tháng/năm, ví dụ 18/02/2026"


def _day_field(label: str) -> Field:
    """A day without a time (a document's dates), day-first as editors type it."""
    return Field("string", label, "Dạng ngày/tháng/năm, ví dụ 18/02/2026.",
                 options={"pattern": [DAY_PATTERN, DAY_PATTERN_MESSAGE]})


# In the order the form shows them. A row is one key; its spelling is how the reader finds it.
FIELDS = {
    "Tiêu đề": Field("string", "Tiêu đề", "Tiêu đề bài, nên dưới 150 ký tự.", required=True),
    "Ngày đăng": Field(DATE_WIDGET, "Ngày đăng (giờ Việt Nam)",
                       "Ngày giờ đăng bài. Chọn một ngày sau hôm nay để hẹn giờ đăng: bài chỉ "
                       "hiện trên trang từ lúc đó.", required=True,
                       options={"default": "{{now}}"}),
    "Chuyên mục": Field("select", "Chuyên mục", "Chuyên mục chính của bài (chỉ một).",
                        required=True),
    "Tác giả": Field("string", "Tác giả",
                     "Người viết; nhiều người thì cách nhau bằng dấu phẩy. Để trống nếu không "
                     "ghi."),
    "Thẻ": Field("string", "Thẻ",
                 "Các thẻ, cách nhau bằng dấu phẩy. Dùng lại đúng thẻ đã có (cùng cách viết)."),
    "Tóm tắt": Field("text", "Tóm tắt (sapo)",
                     "Đoạn giới thiệu in đậm đầu bài, nên dưới 300 ký tự. Để trống thì đoạn "
                     "đầu tiên của bài được dùng."),
    "Ảnh đại diện": Field("image", "Ảnh đại diện",
                          "Ảnh đầu bài, cũng là ảnh ở trang chủ và khi chia sẻ lên Facebook, "
                          "Zalo. Ảnh được lưu vào content/images/NĂM/THÁNG/ với tên không dấu.",
                          options={"choose_url": False}),
    "Chú thích ảnh": Field("string", "Chú thích ảnh đại diện",
                           "Hiện dưới ảnh đại diện; cũng là mô tả ảnh cho người khiếm thị."),
    "Nguồn tin": Field("string", "Nguồn tin",
                       "Nguồn, in dưới bài. Để trống nếu không có. Thêm địa chỉ trong dấu < > "
                       "để nguồn thành liên kết: Báo Cao Bằng <https://baocaobang.vn/…>."),
    "Liên kết ngoài": Field("string", "Liên kết ngoài",
                            "Chỉ điền khi bài trỏ tới một bài ở trang khác: địa chỉ đầy đủ "
                            "(https://…). Danh sách sẽ mở thẳng trang đó.",
                            options={"pattern": [r"^(https?://\S+)?$",
                                                 "Ghi địa chỉ đầy đủ, bắt đầu bằng https://"]}),
    "Đường dẫn": Field("string", "Đường dẫn (địa chỉ của bài)",
                       "Để trống khi tạo bài: được đặt theo tiêu đề lúc lưu lần đầu và không "
                       "bao giờ đổi, kể cả khi sửa tiêu đề. Chỉ sửa khi thật sự muốn đổi địa "
                       "chỉ (khi đó ghi địa chỉ cũ vào “Đường dẫn cũ”)."),
    "Trạng thái": Field("select", "Trạng thái",
                        "Công bố: bài lên trang. Nháp: lưu lại, chưa đăng. Ẩn: có trang riêng "
                        "nhưng không hiện ở danh sách, trang chủ, tìm kiếm.",
                        options={"default": DEFAULT_STATUS, "options": [
                            {"label": "Công bố", "value": "công bố"},
                            {"label": "Nháp (chưa đăng)", "value": "nháp"},
                            {"label": "Ẩn (không hiện ở danh sách)", "value": "ẩn"}]}),
    "Nổi bật": Field("select", "Nổi bật",
                     "Đưa bài vào “Tin nổi bật” ở đầu trang chủ: chọn thứ tự (1 là tin lớn "
                     "nhất), hoặc “Có” để xếp sau các tin có thứ tự, mới trước.",
                     options={"default": DEFAULT_FEATURED, "options": [
                         {"label": "Không", "value": "không"},
                         {"label": "Có (sau các tin có thứ tự)", "value": "có"},
                         *({"label": f"Thứ tự {rank}", "value": str(rank)}
                           for rank in range(1, FEATURED_CHOICES + 1))]}),
    "Cập nhật": Field(DATE_WIDGET, "Cập nhật (giờ Việt Nam)",
                      "Lần sửa nội dung gần nhất của bài đã đăng. Để trống nếu chưa sửa."),
    "Hết hạn": Field(DATE_WIDGET, "Hết hạn (giờ Việt Nam)",
                     "Sau lúc này bài không còn hiện ở danh sách nào; trang của bài vẫn còn."),
    "Sự kiện": Field("string", "Dòng sự kiện",
                     "Dòng sự kiện bài thuộc về; trang của dòng sự kiện liệt kê các bài."),
    # A document of the register (Văn bản): its number makes it one.
    "Số hiệu": Field("string", "Số hiệu văn bản",
                     "Chỉ điền khi bài là một văn bản (kế hoạch, thông báo…): ví dụ "
                     "125-KH/TĐTN-PT. Bài có số hiệu được đưa vào trang Văn bản."),
    "Loại văn bản": Field("string", "Loại văn bản", "Ví dụ: Kế hoạch, Thông báo, Hướng dẫn."),
    "Ngày ban hành": _day_field("Ngày ban hành"),
    "Ngày hiệu lực": _day_field("Ngày hiệu lực"),
    "Tệp văn bản": Field("file", "Tệp văn bản",
                         "Tệp PDF, DOCX hoặc XLSX của văn bản, được lưu cùng tháng với bài.",
                         options={"choose_url": False}),
    "Đường dẫn cũ": Field("string", "Đường dẫn cũ",
                          "Địa chỉ của bài trên trang web cũ (thường do người quản trị điền)."),
}
PAGE_FIELDS = ("Tiêu đề", "Tóm tắt", "Đường dẫn", "Trạng thái")
BODY_LABEL = "Nội dung"
BODY_HINT = ("Viết bài ở đây. Chèn ảnh bằng nút “+” → “Ảnh có chú thích”: ảnh được lưu cùng "
             "tháng với bài, và luôn ghi mô tả ảnh.")


def admin_settings(settings: dict) -> dict:
    merged = {**DEFAULTS, **(settings.get(SETTING) or {})}
    merged["backend"] = {**DEFAULTS["backend"], **(merged.get("backend") or {})}
    merged["path"] = str(merged["path"]).strip("/") or DEFAULTS["path"]
    return merged


def settings_problems(settings: dict) -> list[str]:
    """What in ADMIN_CMS cannot work, in Vietnamese, for the operator."""
    cms = admin_settings(settings)
    problems = []
    name = cms["backend"].get("name")
    if name not in ("github", "gitlab", "gitea"):
        problems.append(f"{SETTING}[\"backend\"][\"name\"] là “{name}”: hãy ghi github, gitlab "
                        "hoặc gitea (xem docs/quan-tri-web.md)")
    if not slugify(cms["path"], max_length=None) or "/" in cms["path"]:
        problems.append(f"{SETTING}[\"path\"] “{cms['path']}” phải là một tên thư mục không "
                        "dấu, ví dụ quan-tri")
    return problems


def _field_keys() -> list[tuple[str, Field, object]]:
    """The rows of FIELDS whose key the reader accepts, with the reader's key."""
    rows = []
    for spelling, field in FIELDS.items():
        key = find_key(spelling)
        if key is not None:
            rows.append((spelling, field, key))
    return rows


def _decap_field(field: Field, key, *, category: str | None = None,
                 categories: list[str] | None = None) -> dict:
    entry = {"name": key.name, "label": field.label, "widget": field.widget,
             "hint": field.hint, "required": field.required}
    entry.update(field.options or {})
    if key.name == "category":
        entry["options"] = list(categories or [])
        if category:
            entry["default"] = category
    return entry


def _body_field() -> dict:
    return {"name": "body", "label": BODY_LABEL, "widget": "markdown", "hint": BODY_HINT,
            "required": False, "modes": ["rich_text", "raw"], "sanitize_preview": True,
            "editor_components": ["image"]}


def _date_of_entry(form: str) -> str:
    """A template of the CMS giving the article's own date (Vietnam time) in `form`; the
    CMS's {{year}}, {{month}} are the day of saving, in UTC."""
    return f"{{{{fields.date | date('{form}')}}}}"


def article_collection(category: str, categories: list[str], content: str) -> dict:
    folder = slugify(category) or "bai-viet"
    fields = [_decap_field(field, key, category=category, categories=categories)
              for _spelling, field, key in _field_keys()]
    return {
        "name": folder,
        "label": category,
        "label_singular": "bài",
        "description": f"Bài của chuyên mục “{category}” (thư mục {content}/{folder}/).",
        "folder": f"{content}/{folder}",
        "create": True,
        "extension": "md",
        "format": "tintuc",
        # `invoke new`'s file name: the article's day, then its pinned `Đường dẫn` (filled
        # from the title before the first save: admin/tintuc-cms.js, preSave).
        "slug": f"{_date_of_entry('YYYY-MM-DD')}-{{{{fields.slug}}}}",
        "identifier_field": "title",
        "summary": f"{{{{title}}}} ({_date_of_entry('DD/MM/YYYY')})",
        "sortable_fields": ["date", "title"],
        "view_filters": [
            {"label": "Bản nháp", "field": "status", "pattern": "nháp"},
            {"label": "Bài ẩn", "field": "status", "pattern": "ẩn"},
        ],
        # Photos go beside the article's month (CONTRACT §1's content/images/YYYY/MM/).
        # (one template per folder: a "/" inside a template's value becomes "-")
        "media_folder": f"/{content}/images/{_date_of_entry('YYYY')}/{_date_of_entry('MM')}",
        "public_folder": f"{{static}}/images/{_date_of_entry('YYYY')}/{_date_of_entry('MM')}",
        "fields": [*fields, _body_field()],
    }


def page_collection(content: str) -> dict:
    rows = {spelling: (field, key) for spelling, field, key in _field_keys()}
    fields = [_decap_field(*rows[spelling]) for spelling in PAGE_FIELDS if spelling in rows]
    return {
        "name": "trang",
        "label": "Trang tĩnh",
        "label_singular": "trang",
        "description": f"Giới thiệu, Liên hệ… (thư mục {content}/pages/).",
        "folder": f"{content}/pages",
        "create": True,
        "extension": "md",
        "format": "tintuc-trang",
        "slug": "{{fields.slug}}",
        "identifier_field": "title",
        "media_folder": f"/{content}/images/trang",
        "public_folder": "{static}/images/trang",
        "fields": [*fields, _body_field()],
    }


def decap_config(settings: dict) -> dict:
    """Decap CMS's configuration (what it would read from config.yml)."""
    cms = admin_settings(settings)
    content = cms["content_folder"].strip("/")
    categories = list(settings.get("NEWS_CATEGORIES") or [])
    backend = {key: value for key, value in cms["backend"].items() if value not in ("", None)}
    backend.setdefault("commit_messages", {
        "create": "Thêm {{collection}}: {{slug}}",
        "update": "Sửa {{collection}}: {{slug}}",
        "delete": "Xóa {{collection}}: {{slug}}",
        "uploadMedia": "Tải lên {{path}}",
        "deleteMedia": "Xóa {{path}}",
    })
    config = {
        "backend": backend,
        "locale": "vi",
        "site_url": settings.get("SITEURL") or "/",
        "display_url": settings.get("SITEURL") or "/",
        "media_folder": f"{content}/images",
        "public_folder": "{static}/images",
        # Uploaded photos' names: lowercase ASCII without marks (đ → d), words joined by "-".
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [article_collection(name, categories, content) for name in categories]
        + [page_collection(content)],
    }
    if cms["editorial_workflow"]:
        config["publish_mode"] = "editorial_workflow"
    if cms["local_backend"]:
        config["local_backend"] = {"url": cms["local_backend"],
                                   "allowed_hosts": ["127.0.0.1", "localhost"]}
    return config


def browser_settings(settings: dict, stylesheet: str = "") -> dict:
    """Everything admin/tintuc-cms.js needs: the CMS's configuration, the reader's keys (to
    find them in a file as the reader does) and the order `invoke new` writes them in."""
    order = list(TEMPLATE_KEYS)
    order.insert(order.index("date") + 1, "modified")
    order.insert(order.index("tags") + 1, "summary")
    for _spelling, _field, key in _field_keys():
        if key.name not in order:
            order.append(key.name)
    return {
        "config": decap_config(settings),
        "keys": [{"name": key.name, "label": key.label, "spellings": list(key.spellings),
                  "kind": key.kind} for key in KEYS],
        "template_keys": list(TEMPLATE_KEYS),
        "order": order,
        "statuses": {word: meaning for word, meaning in STATUSES.items()},
        "status_words": {"published": "công bố", "draft": "nháp", "hidden": "ẩn"},
        "date_widget": DATE_WIDGET,
        "stylesheet": stylesheet,
        "colors": dict(settings.get("THEME_COLORS") or {}),
        "site_name": settings.get("SITENAME") or "",
    }


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def index_page(settings: dict, script_digests: dict[str, str]) -> str:
    """The editor's page: Decap CMS draws everything into it."""
    name = settings.get("SITENAME") or "Tin tức"
    ours, theirs = script_digests["tintuc-cms.js"], script_digests["decap-cms.js"]
    style = script_digests["tintuc-cms.css"]
    title = f"Quản trị nội dung - {name}"
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        f"<title>{_escape(title)}</title>\n"
        f"<link rel=\"stylesheet\" href=\"tintuc-cms.css?v={style}\">\n"
        "</head>\n<body>\n"
        f"<noscript><p>Trình biên tập cần JavaScript: hãy bật JavaScript rồi tải lại trang."
        "</p></noscript>\n"
        f"<script src=\"tintuc-cms.js?v={ours}\"></script>\n"
        f"<script src=\"decap-cms.js?v={theirs}\"></script>\n"
        "</body>\n</html>\n"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def our_script(settings: dict, source: str, stylesheet: str = "") -> str:
    """admin/tintuc-cms.js with the settings it reads put in front of it."""
    data = json.dumps(browser_settings(settings, stylesheet), ensure_ascii=False, indent=1)
    # Served as a .js file, not inside a page, but no `<` at all keeps the JSON inert whatever
    # the settings hold (`</script>`, `<!--`, which is a comment in classic scripts).
    data = data.replace("<", "\\u003c")
    return f"window.TINTUC_CMS = {data};\n{source}"


def bundle_files(bundle: Path) -> list[Path]:
    """The files of the Decap CMS bundle that go into the output, in a stable order."""
    found: dict[str, Path] = {}
    for pattern in BUNDLE_PATTERNS:
        for path in sorted(bundle.glob(pattern)):
            if path.is_file():
                found.setdefault(path.name, path)
    return [found[name] for name in sorted(found)]
