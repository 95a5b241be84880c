"""Build a `wget --mirror` copy of a legacy NukeViet 4.5 news site, for the importer's tests.

The pages follow the structure of NukeViet's default theme (layout, `news/detail.tpl`,
`news/viewcat_page.tpl`): `templates/` holds our own rendition of it with `{{PLACEHOLDERS}}`.
The first article is the one of shared/reference/legacy-article-page.txt; 49 more are made
up so that every case the importer must handle appears at least once.

    python tests/legacy_fixtures/make_mirror.py OUTDIR   # OUTDIR/tinhdoan.caobang.gov.vn/…
"""

import base64
import html
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
HOST = "tinhdoan.caobang.gov.vn"
SITE = f"http://{HOST}"
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")

# legacy alias → name, in the legacy menu's order; `doan-co-so` sits under `hoat-dong-doan`.
CATEGORIES = {
    "hoat-dong-doan": "Hoạt động Đoàn",
    "phong-trao-tinh-nguyen": "Phong trào tình nguyện",
    "thanh-nien-lap-nghiep": "Thanh niên lập nghiệp",
    "tuyen-truyen-phap-luat": "Tuyên truyền pháp luật",
    "van-hoa-the-thao": "Văn hóa - Thể thao",
    "chuyen-doi-so": "Chuyển đổi số",
    "doi-tntp-ho-chi-minh": "Đội TNTP Hồ Chí Minh",
    "doan-co-so": "Đoàn cơ sở",
}
PARENTS = {"doan-co-so": "hoat-dong-doan"}

# A real 8×6 JPEG; each photo gets its own comment segment, so every file differs.
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAGAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDAooor2DzD/9k="
)


def jpeg(label: str) -> bytes:
    comment = label.encode("utf-8")[:200]
    return _JPEG[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + _JPEG[2:]


@dataclass
class Photo:
    path: str  # as on the legacy site: /uploads/news/2022_11/a.jpg
    alt: str = ""
    caption: str = ""
    present: bool = True  # False: the mirror lost it (wget error, deleted upload)


@dataclass
class Article:
    id: int
    cat: str
    title: str
    alias: str
    published: datetime
    lead: str
    body: str  # the body HTML as CKEditor stored it
    edited: datetime | None = None
    featured: Photo | None = None
    featured_mode: str = "full"  # NukeViet imgposition: "full" under the lead, "thumb" beside
    tags: list[tuple[str, str]] = field(default_factory=list)  # (keyword, alias)
    author: str = ""
    source: str = ""
    photos: list[Photo] = field(default_factory=list)  # body photos, to write into the mirror
    files: dict[str, bytes] = field(default_factory=dict)  # other uploads the body links to
    topic: tuple[str, str] | None = None  # (name, alias): the "dòng sự kiện" it belongs to

    @property
    def url(self) -> str:
        return f"/news/{self.cat}/{self.alias}-{self.id}.html"


def dateline(moment: datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} - {moment:%d/%m/%Y %H:%M}"


def _tag_link(name: str, alias: str) -> str:
    name = html.escape(name)
    return f'<a title="{name}" href="/news/tag/{quote(alias)}"><em>{name}</em></a>'


# --- The article of shared/reference/legacy-article-page.txt ---------------------------------

SAMPLE = Article(
    id=1234,
    cat="hoat-dong-doan",
    title="Tiếp tục phát huy hiệu quả từ triển khai thực hiện Đoàn cơ sở “3 chủ động”",
    alias="tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong",
    published=datetime(2022, 11, 13, 21, 12),
    lead=(
        "Phát huy hiệu quả từ các mô hình đoàn cơ sở “3 chủ động” đã được triển khai. BTV Tỉnh "
        "Đoàn tiếp tục chỉ đạo các huyện, thành đoàn, đoàn trực thuộc đẩy mạnh triển khai đoàn "
        "cơ sở 3 chủ động với nhiều giải pháp nhằm không ngừng củng cố, nâng cao chất lượng hoạt "
        "động của tổ chức cơ sở Đoàn, qua đó ngày càng tạo được hiệu ứng tích cực, xây dựng được "
        "tác phong, lề lối làm việc của đội ngũ cán bộ đoàn cơ sở đáp ứng yêu cầu, nhiệm vụ trong "
        "tình hình mới."
    ),
    body=(
        '<p style="text-align: justify;">Trên cơ sở định hướng của BTV Tỉnh Đoàn, các huyện, thành '
        "đoàn, đoàn trực thuộc đã triển khai xây dựng kế hoạch, hướng dẫn cơ sở thực hiện phù hợp "
        "với địa phương, đơn vị mình trên 3 mặt: Chủ động thực hiện quản lý đoàn viên và chăm lo, "
        "nắm bắt tình hình thanh niên ở địa phương, đơn vị; chủ động xây dựng và thực hiện kế "
        "hoạch "
        "công tác; chủ động tham mưu với cấp ủy, phối hợp với các tổ chức liên quan được các cơ sở "
        "đoàn triển khai tích cực, đồng bộ. Các cơ sở Đoàn đã chủ động trong việc nắm bắt tình "
        "hình "
        "tư tưởng, nguyện vọng của đoàn viên thông qua nhiều kênh thông tin khác nhau như sinh "
        "hoạt "
        "chi đoàn, thông tin trên mạng xã hội, thông qua gặp gỡ trực tiếp đoàn viên, các hội nghị "
        "giao ban chi đoàn hàng tháng… Qua kiểm tra tại các đơn vị, việc lập sổ danh sách đoàn "
        "viên, các hồ sơ nghiệp vụ công tác Đoàn được cập nhật và theo dõi thường xuyên, ngoài ra "
        "các cơ sở Đoàn còn xây dựng sổ theo dõi đoàn viên đi làm ăn xa, các thanh niên yếu thế "
        "trên địa bàn để có kế hoạch giúp đõ. Các buổi sinh hoạt Đoàn được đổi mới theo hướng sinh "
        "hoạt toàn Đoàn, sinh hoạt cụm chi đoàn với những nội dung phong phú, hấp dẫn và được "
        "triển "
        "khai bằng nhiều hình thức hấp dẫn hơn, mới lạ hơn để thu hút đoàn viên thanh niên tham "
        "gia "
        "như tổ chức tuyên truyền bằng hình thức sân khấu hóa, xem phóng sự, video, hình ảnh trực "
        "quan, tổ chức trò chơi. Tiêu biểu có các đơn vị Quảng Hòa, Hòa An, Thạch An, Hạ Lang, "
        "Thành Phố, Công An, Đoàn khối cơ quan và doanh nghiệp tỉnh</p>\n"
        '<div style="text-align:center">\n<figure class="image" style="display:inline-block">'
        '<img alt="Đoàn thanh niên xã Trương Lương ra quân hỗ trợ xóa nhà tạm, nhà dột nát" '
        'height="533" src="/uploads/news/2022_11/doan-thanh-nien-xa-truong-luong-xoa-nha-tam.jpg" '
        'width="800" />\n<figcaption>Đoàn thanh niên xã Trương Lương ra quân hỗ trợ xóa nhà tạm, '
        "nhà dột nát.</figcaption>\n</figure>\n</div>\n"
        '<p style="text-align: justify;">Chủ động triển khai thực hiện chương trình công tác năm '
        "2022 với chủ đề &quot;Xây dựng tổ chức Đoàn vững mạnh&quot; bằng các chương trình, phong "
        "trào được các cơ sở đoàn triển khai khá cụ thể, rõ ràng phù hợp với điều kiện thực tế của "
        "địa phương, đơn vị. Đồng thời tăng cường tuyên truyền nâng cao nhận thức, trách nhiệm cho "
        "đoàn viên thanh niên trong thực hiện Chiến lược bảo vệ Tổ quốc trong tình hình mới, công "
        "tác tuyên truyền phòng chống dịch bệnh Covid - 19. Qua đó tạo môi trường giáo dục, rèn "
        "luyện đoàn viên, thanh thiếu nhi góp phần thực hiện các nhiệm vụ chính trị, kinh tế, văn "
        "hóa, xã hội, quốc phòng an ninh của địa phương, đơn vị.</p>\n"
        '<p style="text-align: justify;">Đồng thời, các cơ sở đoàn đã chủ động tham mưu cấp ủy '
        "Đảng về cơ chế , nội dung trong công tác đoàn và phong trào thanh thiếu nhi của đơn vị; "
        "cũng như chủ động trong tham mưu các hoạt động phối hợp giữa các ngành, đoàn thể; chủ "
        "động "
        "phối hợp với các cơ quan, đơn vị, doanh nghiệp huy động các nguồn lực xã hội phục vụ công "
        "tác Đoàn và phong trào thanh thiếu nhi của địa phương, đơn vị. Chủ động tham mưu cho "
        "cấp ủy "
        "trong công tác giới thiệu đoàn viên ưu tú cho Đảng được triển khai hiệu quả. Kết quả, đến "
        "hết ngày 30/10/2022 toàn tỉnh đã giới thiệu 1734 đoàn viên ưu tú cho Đảng xem xét kết "
        "nạp.&nbsp;</p>"
    ),
    featured=Photo(
        "/uploads/news/2022_11/doan-thanh-nien-xa-quoc-toan-ngay-moi-truong.jpg",
        "Đoàn thanh niên xã Quốc Toản huyện Quảng Hòa ra quân hưởng ứng Ngày môi trường Thế giới.",
        "Đoàn thanh niên xã Quốc Toản huyện Quảng Hòa ra quân hưởng ứng Ngày môi trường Thế giới.",
    ),
    tags=[("Đoàn cơ sở", "đoàn-cơ-sở"), ("3 chủ động", "3-chủ-động"), ("Quảng Hòa", "quảng-hòa")],
    photos=[Photo("/uploads/news/2022_11/doan-thanh-nien-xa-truong-luong-xoa-nha-tam.jpg")],
)

# --- 49 made-up articles, each category gets seven -------------------------------------------

PLACES = ("Hòa An", "Bảo Lạc", "Trùng Khánh", "Quảng Hòa", "Hà Quảng", "Nguyên Bình",
          "Thạch An", "Hạ Lang", "Bảo Lâm", "Thành phố Cao Bằng")
TOPICS = {
    "hoat-dong-doan": ("Đại hội Đoàn {p} nhiệm kỳ mới", "Tập huấn nghiệp vụ cho cán bộ Đoàn {p}",
                       "Huyện Đoàn {p} sơ kết công tác 6 tháng",
                       "Kết nạp đoàn viên mới tại {p}", "Sinh hoạt chuyên đề về Bác Hồ ở {p}",
                       "Hội nghị Ban Chấp hành Đoàn {p}", "Trao tặng huy hiệu Đoàn tại {p}"),
    "phong-trao-tinh-nguyen": ("Ra quân Chiến dịch thanh niên tình nguyện hè tại {p}",
                               "Xuân tình nguyện ấm áp ở {p}", "Hiến máu tình nguyện tại {p}",
                               "Đội hình Mùa hè xanh về với {p}",
                               "Làm đường giao thông nông thôn ở {p}",
                               "Tình nguyện viên hỗ trợ thi cử ở {p}",
                               "Xóa nhà tạm cho hộ nghèo {p}"),
    "thanh-nien-lap-nghiep": ("Thanh niên {p} làm giàu từ cây hạt dẻ",
                              "Vốn vay ủy thác giúp thanh niên {p} phát triển kinh tế",
                              "Tư vấn hướng nghiệp cho học sinh {p}", "Nuôi ong lấy mật ở {p}",
                              "Hợp tác xã thanh niên {p} ra mắt",
                              "Khởi nghiệp với chè Shan tuyết {p}",
                              "Dạy nghề cho thanh niên {p}"),
    "tuyen-truyen-phap-luat": ("Tuyên truyền Luật Thanh niên tại {p}",
                               "Phòng chống ma túy trong trường học ở {p}",
                               "An toàn giao thông cho học sinh {p}",
                               "Phòng chống mua bán người ở {p}", "Ngày Pháp luật Việt Nam tại {p}",
                               "Tuyên truyền phòng chống bạo lực học đường ở {p}",
                               "Phiên tòa giả định cho đoàn viên {p}"),
    "van-hoa-the-thao": ("Giải bóng đá thanh niên {p}", "Liên hoan văn nghệ tuổi trẻ {p}",
                         "Hội thi gói bánh chưng ở {p}", "Giải việt dã tuổi trẻ {p}",
                         "Câu lạc bộ hát Then của thanh niên {p}", "Ngày hội văn hóa dân tộc ở {p}",
                         "Giải bóng chuyền hơi tại {p}"),
    "chuyen-doi-so": ("Hỗ trợ người dân {p} cài ứng dụng VNeID",
                      "Chợ phiên không dùng tiền mặt ở {p}",
                      "Bình dân học vụ số tại {p}", "Tổ công nghệ số cộng đồng {p} ra mắt",
                      "Tập huấn kỹ năng số cho đoàn viên {p}", "Số hóa sổ đoàn viên ở {p}",
                      "Thanh toán học phí không tiền mặt ở {p}"),
    "doi-tntp-ho-chi-minh": ("Vui Tết thiếu nhi 1/6 với thiếu nhi {p}",
                             "Trung thu cho thiếu nhi {p}",
                             "Liên hoan chỉ huy Đội giỏi {p}", "Kế hoạch nhỏ ở {p}",
                             "Trại hè thiếu nhi {p}", "Ngày hội Thiếu nhi vui khỏe {p}",
                             "Thi nghi thức Đội tại {p}"),
}
TAG_POOL = (("Thanh niên", "thanh-niên"), ("Tình nguyện", "tình-nguyện"), ("Cao Bằng", "cao-bằng"),
            ("Chuyển đổi số", "chuyển-đổi-số"), ("Khởi nghiệp", "khởi-nghiệp"),
            ("Thiếu nhi", "thiếu-nhi"), ("Pháp luật", "pháp-luật"),
            # `tags_alias` on: ASCII alias; and one alias an editor retyped by hand.
            ("Biên giới", "bien-gioi"), ("Mùa hè xanh", "mua-he-xanh-2019"))
SENTENCES = (
    "Hoạt động thu hút đông đảo đoàn viên, thanh niên và nhân dân trên địa bàn tham gia.",
    "Ban tổ chức đã trao giấy khen cho các tập thể, cá nhân có thành tích xuất sắc.",
    "Qua đó góp phần nâng cao nhận thức, trách nhiệm của tuổi trẻ đối với quê hương.",
    "Các cơ sở Đoàn chủ động phối hợp với chính quyền địa phương triển khai nhiều nội dung.",
    "Đây là dịp để thanh niên giao lưu, học hỏi và chia sẻ kinh nghiệm với nhau.",
)


def _alias(title: str) -> str:
    # NukeViet's change_alias for a title typed in NFC: marks stripped, đ → d, the rest → "-".
    folded = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() and ch.isascii() else " " for ch in ascii_text)
                    .split())


def _nfd_alias(title: str) -> str:
    # What change_alias made of a title typed in NFD: only the five tone marks were removed, so
    # a letter's other mark (circumflex, breve, horn) split the word: "Tiếp" → "tie-p".
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", title)
                       if ch not in "\u0300\u0301\u0303\u0309\u0323")
    stripped = stripped.replace("đ", "d").replace("Đ", "D").lower()
    return "-".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in stripped)
                    .split())


def _paragraphs(index: int, place: str, count: int) -> list[str]:
    return [f"<p>{SENTENCES[(index + n) % len(SENTENCES)]} Tại {place}, "
            f"chương trình được triển khai từ đợt {n + 1} năm nay.</p>" for n in range(count)]


# Articles of a "dòng sự kiện": one topic whose alias is its name's, one whose is not.
TOPIC_MEMBERS = {10: ("Đại hội Đoàn các cấp", "dai-hoi-doan-cac-cap"),
                 20: ("Đại hội Đoàn các cấp", "dai-hoi-doan-cac-cap"),
                 30: ("Đại hội Đoàn các cấp", "dai-hoi-doan-cac-cap"),
                 15: ("Tháng Thanh niên", "thang-thanh-nien-2023")}


def generated_articles() -> list[Article]:
    articles = []
    categories = [alias for alias in CATEGORIES if alias != "doan-co-so"]
    start = datetime(2019, 1, 7, 8, 0)
    for index in range(49):
        cat = categories[index % 7]
        place = PLACES[index % len(PLACES)]
        title = TOPICS[cat][index // 7].format(p=place)
        published = start + timedelta(days=37 * index, hours=(index * 5) % 11, minutes=index % 60)
        month = f"{published:%Y_%m}"
        alias = _alias(title)
        body = _paragraphs(index, place, 2 + index % 3)
        article = Article(
            id=2000 + index, cat=cat, title=title, alias=alias, published=published,
            lead=f"{title}: {SENTENCES[index % len(SENTENCES)]}", body="",
            tags=[TAG_POOL[index % 7], TAG_POOL[(index + 3) % 7]],
        )
        if index % 5 != 0:
            article.featured = Photo(f"/uploads/news/{month}/{alias[:40]}-anh-dai-dien.jpg",
                                     f"Ảnh: {title}", f"Quang cảnh {title.lower()}.")
        if index % 4 == 1:
            photo = Photo(f"/uploads/news/{month}/{alias[:30]}-1.jpg",
                          f"Đoàn viên {place} tham gia hoạt động", f"Đoàn viên {place} tham gia "
                          "hoạt động.")
            article.photos.append(photo)
            body.insert(1, f'<figure class="image"><img alt="{photo.alt}" src="{photo.path}" '
                           f'width="800" height="533" /><figcaption>{photo.caption}</figcaption>'
                           "</figure>")
        if index % 6 == 2:
            article.author, article.source = f"Hoàng Thu {place}", f"Huyện Đoàn {place}"
        if index % 9 == 3:
            article.edited = published + timedelta(days=2, hours=3)
        if index in TOPIC_MEMBERS:
            article.topic = TOPIC_MEMBERS[index]
        articles.append(article)
        article.body = "\n".join(body)

    # Cases the importer must survive, one article each.
    rich = articles[3]
    rich.body += (
        "\n<h3>Kết quả nổi bật</h3>\n<ul><li>Ra mắt <strong>12</strong> câu lạc bộ</li>"
        "<li>Hỗ trợ <em>350</em> hộ nghèo</li></ul>\n<ol><li>Đợt một</li><li>Đợt hai</li></ol>\n"
        "<table border=\"1\"><tbody><tr><td><strong>Đơn vị</strong></td><td><strong>Số đoàn viên"
        "</strong></td></tr><tr><td>Hòa An</td><td>1.250</td></tr><tr><td>Bảo Lạc</td><td>980</td>"
        "</tr></tbody></table>\n<blockquote><p>Tuổi trẻ Cao Bằng luôn đi đầu.</p></blockquote>\n"
        '<p>Xem thêm tại <a href="https://doanthanhnien.vn/tin-tuc" target="_blank">trang Trung '
        "ương Đoàn</a>.</p>"
    )
    noisy = articles[4]
    noisy.body += (
        '\n<p>Xem video: <iframe allowfullscreen="" frameborder="0" height="360" '
        'src="https://www.youtube.com/embed/a1B2c3D4e5F" width="640"></iframe></p>\n'
        "<script>document.write('<img src=\"//counter.example/x.gif\">');</script>\n"
        '<p><span onclick="alert(1)" style="color:#c00">Nhấn để xem chi tiết</span> '
        "và <marquee>chạy chữ</marquee>.</p>\n"
        '<p><img src="https://www.google-analytics.com/collect?v=1&amp;t=pageview" width="1" '
        'height="1" alt="" /></p>\n<style>.x{color:red}</style>'
    )
    linked = articles[5]
    target = articles[12]
    linked.body += (
        f'\n<p>Xem bài liên quan: <a href="../{target.cat}/{target.alias}-{target.id}.html">'
        f"{target.title}</a>; tải <a href=\"/uploads/news/2019_07/ke-hoach-trien-khai.pdf\">kế "
        "hoạch triển khai</a>.</p>"
    )
    linked.files["/uploads/news/2019_07/ke-hoach-trien-khai.pdf"] = b"%PDF-1.4\n% ke hoach\n%%EOF\n"
    nfd = articles[6]
    nfd.title = unicodedata.normalize("NFD", "Tiếp nhận thiết bị học trực tuyến cho học sinh "
                                             "vùng cao")
    nfd.alias = _nfd_alias(nfd.title)
    nfd.lead = unicodedata.normalize("NFD", "Đoàn viên quyên góp máy tính bảng cho học sinh.")
    nfd.body = unicodedata.normalize("NFD", nfd.body)
    lost = articles[7]
    lost.photos = [Photo(f"/uploads/news/{lost.published:%Y_%m}/anh-da-mat.jpg", present=False)]
    lost.body += (f'\n<p><img alt="Ảnh đã mất" src="{lost.photos[0].path}" width="600" /></p>')
    marks = articles[8]
    marks.title = "Cuộc thi “<Em yêu Tổ quốc>” & sáng tạo trẻ"
    marks.alias = _alias(marks.title)
    no_lead = articles[10]
    no_lead.lead = ""
    old_style = articles[11]
    month = f"{old_style.published:%Y_%m}"
    old_style.photos += [Photo(f"/uploads/news/{month}/le-ra-quan.jpg"),
                         Photo(f"/uploads/news/{month}/trao-qua.jpg")]
    old_style.body += (
        f'\n<p style="text-align:center"><img alt="" src="/uploads/news/{month}/le-ra-quan.jpg" '
        'width="700" /></p>\n<p style="text-align:center"><em>Lễ ra quân sáng 12/5.</em></p>\n'
        '<table align="center" class="image"><tbody><tr><td><img alt="Trao quà" '
        f'src="/uploads/news/{month}/trao-qua.jpg" width="600" /></td></tr><tr>'
        '<td class="image_desc">Trao quà cho các em học sinh.</td></tr></tbody></table>'
    )
    markers = articles[12]
    markers.body += ("\n<p>1. Mục tiêu: 100% chi đoàn sinh hoạt đều.</p>\n<p>- Gạch đầu dòng "
                     "gõ tay</p>\n<p># 5 là số đội hình; điểm *trung bình* là 8_5 và [ghi "
                     "chú].</p>")
    thumb = articles[13]
    thumb.featured_mode = "thumb"
    odd_tags = articles[14]
    odd_tags.tags = [TAG_POOL[7], TAG_POOL[8]]
    # The same minute as articles[14] in the same category: a tie broken by source path.
    articles[21].published = articles[14].published
    reuse = articles[15]
    # An editor reused an older upload of the same name: both land in one month's folder.
    earlier = f"{reuse.published - timedelta(days=40):%Y_%m}"
    month = f"{reuse.published:%Y_%m}"
    reuse.photos += [Photo(f"/uploads/news/{earlier}/hoi-nghi.jpg"),
                     Photo(f"/uploads/news/{month}/hoi-nghi.jpg")]
    reuse.body += (f'\n<p><img alt="Hội nghị năm trước" src="/uploads/news/{earlier}/'
                   'hoi-nghi.jpg" /></p>\n<p><img alt="Hội nghị năm nay" '
                   f'src="/uploads/news/{month}/hoi-nghi.jpg" /></p>')
    nested = articles[16]
    nested.cat = "doan-co-so"
    untagged = articles[17]
    untagged.tags = []  # the sidebar's tag cloud is not its tags
    wrapped = articles[20]
    month = f"{wrapped.published:%Y_%m}"
    wrapped.photos.append(Photo(f"/uploads/news/{month}/toan-canh.jpg"))
    wrapped.body += (f'\n<p><a href="/uploads/news/{month}/toan-canh.jpg"><img alt="Toàn cảnh" '
                     f'src="/assets/news/{month}/toan-canh.jpg" width="300" /></a></p>')
    return articles


def all_articles() -> list[Article]:
    return [SAMPLE, *generated_articles()]


# --- Pages -----------------------------------------------------------------------------------


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _breadcrumbs(cat: str) -> str:
    chain = [("Tin tức", "/news/")]
    if cat in PARENTS:
        chain.append((CATEGORIES[PARENTS[cat]], f"/news/{PARENTS[cat]}/"))
    chain.append((CATEGORIES[cat], f"/news/{cat}/"))
    return "".join(
        '                                            <li itemprop="itemListElement" itemscope '
        f'itemtype="https://schema.org/ListItem"><a href="{link}" itemprop="item" title="{name}">'
        f'<span class="txt" itemprop="name">{name}</span></a><i class="hidden" itemprop="position"'
        f' content="{position}"></i></li>\n'
        for position, (name, link) in enumerate(chain, start=2)
    )


def _menu() -> str:
    return "".join(f'                                        <li><a title="{name}" href="/news/'
                   f'{alias}/">{name}</a></li>\n' for alias, name in CATEGORIES.items()
                   if alias not in PARENTS)


def _layout(content: str, *, title: str, url: str, description: str, cat: str | None,
            og_type: str = "website", og_extra: str = "", func: str = "main",
            keywords: str = "") -> str:
    return _fill(_template("layout.html"), {
        "PAGE_TITLE": html.escape(title), "DESCRIPTION": html.escape(description),
        "KEYWORDS": html.escape(keywords), "OG_TYPE": og_type, "OG_EXTRA": og_extra,
        "SITE": SITE, "URL": url, "RSS_ALIAS": f"{cat}/" if cat else "",
        "RSS_TITLE": CATEGORIES.get(cat or "", "Tin tức"), "MENU_ACTIVE": " active",
        "MENU_CATEGORIES": _menu(), "BREADCRUMBS": _breadcrumbs(cat) if cat else "",
        "MODULE_CONTENT": content, "FUNC_NAME": func,
    })


def _related(heading: str, items: list[Article]) -> str:
    if not items:
        return ""
    rows = "".join(
        "                <li>\n                    <em class=\"fa fa-angle-right\">&nbsp;</em>\n"
        f'                    <h4><a href="{item.url}" title="{html.escape(item.title)}">'
        f"{html.escape(item.title)}</a></h4>\n"
        f"                    <em>({item.published:%d/%m/%Y})</em>\n                </li>\n"
        for item in items
    )
    return (f'        <p class="h3"><strong>{heading}</strong></p>\n        <div class="clearfix">'
            '\n            <ul class="detail-related related list-none list-items">\n'
            f"{rows}            </ul>\n        </div>\n")


def _topic(article: Article, articles: list[Article]) -> str:
    """NukeViet's "Theo dòng sự kiện" box: the topic's other articles and a link to its page."""
    if article.topic is None:
        return ""
    name, alias = article.topic
    others = [item for item in articles if item.topic == article.topic and item is not article]
    box = _related("Theo dòng sự kiện", others) or \
        '        <p class="h3"><strong>Theo dòng sự kiện</strong></p>\n'
    return box + (f'        <p class="text-right"><a title="{html.escape(name)}" '
                  f'href="/news/topic/{alias}/">Xem thêm</a></p>\n')


def _featured(article: Article) -> tuple[str, str]:
    photo = article.featured
    if photo is None:
        return "", ""
    alt, caption = html.escape(photo.alt or article.title), html.escape(photo.caption)
    if article.featured_mode == "thumb":
        thumb = photo.path.replace("/uploads/", "/assets/", 1)
        return ((
            '            <figure class="article left pointer" '
            'onclick="modalShowByObj(\'#imgpreview\');">'
            f'\n                <div style="width:183px;">\n                    <p '
            f'class="text-center">'
            f'<img alt="{alt}" src="{thumb}" alt="{caption}" class="img-thumbnail"/></p>\n'
            f"                    <figcaption>{caption}</figcaption>\n                </div>\n"
            '            </figure>\n            <div id="imgpreview" style="display:none">\n'
            f'                <p class="text-center"><img alt="{alt}" src="{photo.path}" '
            f'srcset="" alt="{caption}" class="img-thumbnail"/></p>\n'
            f"                <figcaption>{caption}</figcaption>\n            </div>"), "")
    return "", (
        '            <figure class="article center">\n'
        f'                <img alt="{alt}" src="{photo.path}" srcset="{photo.path} 800w" '
        'width="800" class="img-thumbnail"/>\n'
        f"                <figcaption>{caption}</figcaption>\n            </figure>"
    )


def render_detail(article: Article, articles: list[Article]) -> str:
    same = sorted((item for item in articles if item.cat == article.cat),
                  key=lambda item: (item.published, item.id))
    position = same.index(article)
    newer = same[position + 1: position + 11]
    older = list(reversed(same[max(0, position - 10): position]))
    others = _topic(article, articles) + _related("Những tin mới hơn", newer) + \
        _related("Những tin cũ hơn", older)
    if others:
        others = ('<div class="news_column panel panel-default">\n    <div class="panel-body '
                  f'other-news">\n{others}    </div>\n</div>')
    thumb, full = _featured(article)
    author = "".join(
        f'            <p class="h5 text-right">\n                <strong>{label}: </strong>'
        f"{html.escape(value)}\n            </p>\n"
        for label, value in (("Tác giả", article.author), ("Nguồn tin", article.source)) if value
    )
    tags = ""
    if article.tags:
        links = ", ".join(_tag_link(name, alias) for name, alias in article.tags)
        tags = ('<div class="news_column panel panel-default">\n    <div class="panel-body">\n'
                '        <div class="h5">\n            <em class="fa fa-tags">&nbsp;</em>'
                f"<strong>Tags: </strong>{links}\n        </div>\n    </div>\n</div>")
    edited = article.edited or article.published
    content = _fill(_template("detail.html"), {
        "TITLE": html.escape(article.title), "SCHEMA_AUTHOR": html.escape(article.author),
        "SCHEMA_DATE": f"{edited:%Y-%m-%dT%H:%M:%S}+07:00", "SITE": SITE, "URL": article.url,
        "SCHEMA_IMAGE": SITE + article.featured.path if article.featured else
        f"{SITE}/themes/default/images/no_image.gif",
        "DATELINE": dateline(article.published), "CAT_ALIAS": article.cat,
        "ALIAS": article.alias, "ID": str(article.id), "FEATURED_THUMB": thumb,
        "FEATURED_FULL": full, "HOMETEXT": html.escape(article.lead, quote=False),
        "BODY": article.body,
        "AUTHOR_BLOCK": f'        <div class="margin-bottom-lg">\n{author}        </div>'
        if author else "",
        "TAGS_BLOCK": tags, "RATING_POINTS": str(article.id % 5), "RATING_VOTES": "1",
        "OTHERS": others,
    })
    # PHP's date('Y-m-dTH:i:s'): "T" is the zone's abbreviation, so the real site wrote this.
    og_extra = (f'        <meta property="article:published_time" content="'
                f'{article.published:%Y-%m-%d}+07{article.published:%H:%M:%S}">\n'
                f'        <meta property="article:section" content="{CATEGORIES[article.cat]}">\n'
                + "".join(f'        <meta property="article:tag" content="{html.escape(name)}">\n'
                          for name, _alias in article.tags))
    if article.featured:
        og_extra = f'        <meta property="og:image" content="{SITE}{article.featured.path}">\n' \
            + og_extra
    return _layout(content, title=article.title, url=article.url, description=article.lead,
                   cat=article.cat, og_type="article", og_extra=og_extra, func="detail",
                   keywords=", ".join(name for name, _alias in article.tags))


def render_list(heading: str, url: str, items: list[Article], cat: str | None,
                description: str = "", pages: str = "") -> str:
    rows = "".join(
        '    <div class="panel panel-default">\n        <div class="panel-body">\n'
        + (f'            <a href="{item.url}" title="{html.escape(item.title)}"><img alt="'
           f'{html.escape(item.title)}" src="{item.featured.path.replace("/uploads/", "/assets/")}'
           '" width="183" class="img-thumbnail pull-left imghome" /></a>\n'
           if item.featured else "")
        + f'            <h3>\n                <a href="{item.url}" title="{html.escape(item.title)}'
        f'">{html.escape(item.title)}</a>\n            </h3>\n'
        '            <div class="text-muted">\n                <ul class="list-unstyled '
        f'list-inline">\n                    <li><em class="fa fa-clock-o">&nbsp;</em> '
        f"{item.published:%d/%m/%Y %H:%M:%S}</li>\n                    <li><em class=\"fa "
        f'fa-eye">&nbsp;</em> Đã xem: {item.id * 7 % 1000}</li>\n                </ul>\n'
        f"            </div>\n            {html.escape(item.lead, quote=False)}\n"
        "        </div>\n    </div>\n"
        for item in items
    )
    content = _fill(_template("viewcat_page.html"), {
        "HEADING": html.escape(heading), "DESCRIPTION": html.escape(description),
        "ITEMS": rows, "PAGES": pages})
    return _layout(content, title=heading, url=url, description=description or heading, cat=cat,
                   func="viewcat" if cat else "tag")


def _rss(items: list[Article]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(item.title)}</title><link>{SITE}{item.url}</link>"
        f"<pubDate>{item.published:%a, %d %b %Y %H:%M:%S} +0700</pubDate></item>"
        for item in items
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Tin tức'
            f"</title><link>{SITE}/news/</link>{entries}</channel></rss>\n")


def print_view(article: Article) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>'
        f'{html.escape(article.title)}</title></head><body><div id="print"><div id="hd_print">'
        '<h2 class="pull-left">Tỉnh Đoàn Cao Bằng</h2></div><hr /><div id="content">'
        f"<h1>{html.escape(article.title)}</h1><ul class=\"list-inline\"><li>"
        f'{dateline(article.published)}</li></ul><div id="hometext">'
        f'{html.escape(article.lead)}</div><div id="bodytext" class="clearfix">{article.body}'
        "</div></div></div></body></html>"
    )


def build_mirror(root: Path, articles: list[Article] | None = None) -> Path:
    """Write the mirror under root/<host>/ as `wget --mirror --adjust-extension` does.

    Returns root (what an operator passes as SOURCE).
    """
    articles = articles if articles is not None else all_articles()
    site = root / HOST

    def write(path: str, data: str | bytes) -> None:
        target = site / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8", newline="\n")
        else:
            target.write_bytes(data)

    for article in articles:
        write(article.url, render_detail(article, articles))
        if article.featured:
            write(article.featured.path, jpeg(article.featured.path))
            if article.featured_mode == "thumb":
                write(article.featured.path.replace("/uploads/", "/assets/", 1),
                      jpeg("thumb " + article.featured.path))
        for photo in article.photos:
            if photo.present:
                write(photo.path, jpeg(photo.path))
                if "/uploads/" in photo.path:  # the theme's thumbnails, fetched by wget too
                    write(photo.path.replace("/uploads/", "/assets/", 1), jpeg("t" + photo.path))
        for path, data in article.files.items():
            write(path, data)
    newest = sorted(articles, key=lambda item: item.published, reverse=True)
    for alias, name in CATEGORIES.items():
        items = [item for item in newest if item.cat == alias]
        write(f"/news/{alias}/index.html",
              render_list(name, f"/news/{alias}/", items[:20], alias, f"Tin {name.lower()}"))
    write("/news/index.html", render_list("Tin tức", "/news/", newest[:20], None))
    write("/index.html", render_list("Trang nhất", "/", newest[:10], None))
    tags = {alias: name for article in articles for name, alias in article.tags}
    for alias in sorted(tags)[:4]:
        items = [item for item in newest if (tags[alias], alias) in item.tags]
        write(f"/news/tag/{alias}.html", render_list(tags[alias], f"/news/tag/{quote(alias)}",
                                                     items, None))
    write("/news/rss/index.html", _rss(newest[:30]))
    sample = next((item for item in articles if item.id == SAMPLE.id), None)
    if sample is not None:
        write(f"/news/print/{sample.cat}/{sample.alias}-{sample.id}.html", print_view(sample))
    write("/robots.txt", "User-agent: *\nDisallow: /admin/\n")
    write("/themes/default/css/style.css", "body{font-family:Arial,sans-serif}\n")
    write("/uploads/logo-tinh-doan.png", b"\x89PNG\r\n\x1a\n")
    return root


def committed_pages() -> dict[str, str]:
    """The two pages kept in `pages/` for reading: the sample article and its category."""
    articles = all_articles()
    category = [item for item in sorted(articles, key=lambda item: item.published, reverse=True)
                if item.cat == SAMPLE.cat]
    return {
        f"{SAMPLE.alias}-{SAMPLE.id}.html": render_detail(SAMPLE, articles),
        "hoat-dong-doan.html": render_list(CATEGORIES[SAMPLE.cat], f"/news/{SAMPLE.cat}/",
                                           category, SAMPLE.cat, "Tin hoạt động đoàn"),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("cách dùng: python tests/legacy_fixtures/make_mirror.py THƯ_MỤC", file=sys.stderr)
        return 2
    if argv[1] == "--pages":
        for name, text in committed_pages().items():
            (HERE / "pages" / name).write_text(text, encoding="utf-8", newline="\n")
        return 0
    root = build_mirror(Path(argv[1]))
    print(f"Đã tạo bản sao tại {root / HOST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
