"""`invoke new "Tiêu đề"`: the file of a new article, ready to write in.

The front-matter lists every key an editor may fill, so nobody has to remember them. The
format has no comments, so a key is either given a value or left empty, and only keys whose
empty value means "nothing" appear empty (tintuc/frontmatter.py): dates, statuses and yes/no
keys reject an empty value, and an empty `Tóm tắt` would leave the article without a lead, so
`Cập nhật` and `Tóm tắt` are left out (the editor guide tells when to add them).

`Đường dẫn` is written from the start: the URL is then pinned, and correcting the title after
publication never moves the article (docs/decisions.md, URLs).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tintuc.dates import VIETNAM
from tintuc.files import display_path
from tintuc.frontmatter import KEYS_BY_NAME
from tintuc.text import fold, nfc, slugify

# In the order an editor fills them.
TEMPLATE_KEYS = ("title", "date", "category", "topic", "authors", "tags", "image",
                 "image_caption", "source", "slug", "status", "featured", "expires",
                 "legacy_urls")
DEFAULT_STATUS = "công bố"
DEFAULT_FEATURED = "không"


class NewArticleError(ValueError):
    """Why no file was made; the message is for the editor, in Vietnamese."""


@dataclass(frozen=True)
class NewArticle:
    path: Path  # where the file goes, inside the content folder
    text: str
    slug: str
    category: str


def choose_category(typed: str | None, categories: list[str]) -> str:
    """The configured category an editor means (`hoat dong doan`, `hoat-dong-doan`, …)."""
    categories = [nfc(name) for name in categories]
    typed = " ".join(nfc(typed or "").split())
    if not typed:
        if not categories:
            raise NewArticleError("chưa có chuyên mục nào trong NEWS_CATEGORIES (pelicanconf.py): "
                                  "hãy ghi chuyên mục bằng --chuyen-muc")
        return categories[0]
    if not categories or typed in categories:
        return typed
    for name in categories:
        if fold(name) == fold(typed) or slugify(name) == slugify(typed):
            return name
    # Whole words of one category are enough: `tình nguyện` means `Phong trào tình nguyện`.
    words = re.compile(rf"(?:^|\s){re.escape(fold(typed))}(?:\s|$)")
    partial = [name for name in categories if words.search(fold(name))]
    if len(partial) == 1:
        return partial[0]
    listed = "; ".join(categories)
    raise NewArticleError(
        f"không có chuyên mục “{typed}”. Các chuyên mục: {listed}. Muốn thêm chuyên mục mới, "
        "hãy nhờ người quản trị sửa NEWS_CATEGORIES trong pelicanconf.py"
    )


def build_article(title: str, category: str, now: datetime | None = None) -> NewArticle:
    """The text and the path (relative to the content folder) of a new article."""
    title = " ".join(nfc(title).split())
    if not title:
        raise NewArticleError("tiêu đề để trống: hãy ghi tiêu đề trong ngoặc kép, ví dụ "
                              "invoke new \"Đoàn viên ra quân Ngày Chủ nhật xanh\"")
    if title.startswith("-"):
        # `invoke new --help` hands "--help" over as the title: a mistyped option, not a title.
        raise NewArticleError(f"“{title}” giống một tùy chọn hơn là tiêu đề; xem cách dùng: "
                              "invoke --help new")
    slug = slugify(title)
    if not slug:
        raise NewArticleError(f"tiêu đề “{title}” không có chữ hay số nào để làm đường dẫn")
    now = (now or datetime.now(VIETNAM)).astimezone(VIETNAM)
    values = {
        "title": title,
        "date": f"{now:%d/%m/%Y %H:%M}",
        "category": category,
        "slug": slug,
        "status": DEFAULT_STATUS,
        "featured": DEFAULT_FEATURED,
    }
    lines = []
    for name in TEMPLATE_KEYS:
        value = values.get(name, "")
        # No trailing space after an empty key: editors' tools strip it anyway.
        lines.append(f"{KEYS_BY_NAME[name].label}: {value}".rstrip())
    text = "\n".join(lines) + "\n\n"
    path = Path(slugify(category) or "bai-viet") / f"{now:%Y-%m-%d}-{slug}.md"
    return NewArticle(path, text, slug, category)


def create_article(content_dir, title: str, category: str | None = None,
                   categories: list[str] | None = None, now: datetime | None = None) -> Path:
    """Write the new article's file and return its path; never overwrite a file."""
    article = build_article(title, choose_category(category, list(categories or [])), now)
    path = Path(content_dir) / article.path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(article.text)
    except FileExistsError:
        raise NewArticleError(
            f"tệp {display_path(path)} đã có, không ghi đè: hãy mở tệp đó để sửa, "
            "hoặc đặt tiêu đề khác"
        ) from None
    return path
