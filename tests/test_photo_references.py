"""tintuc.photos.references: where an `<img src>` points, without Pelican (the build's side is
tested in test_photos.py)."""

import pytest

from tintuc.photos.references import is_photo_path, src_target, written_path

PAGE = {"document_folder": "tin-tuc/2022", "document_url": "bai-viet.html",
        "siteurl": "https://doantn.example.vn", "site_path": ""}


@pytest.mark.parametrize(("written", "expected"), [
    ("{static}/images/2022/anh.jpg", ("source", "images/2022/anh.jpg")),
    ("{static}../../images/anh.jpg", ("source", "images/anh.jpg")),
    ("{attach}anh%20moi.jpg", ("source", "tin-tuc/2022/anh moi.jpg")),
    ("|static|/images/a.png", ("source", "images/a.png")),
    ("/images/a.jpg", ("url", "images/a.jpg")),
    ("https://doantn.example.vn/images/a.jpg?v=2", ("url", "images/a.jpg")),
    ("../images/a.jpg", ("url", "images/a.jpg")),  # `..` above the root stays at the root
    ("images/a.jpg", ("url", "images/a.jpg")),
    ("&#47;images&#47;a.jpg", ("url", "images/a.jpg")),  # as the HTML has it
    ("https://other.example.com/a.jpg", None),
    ("//cdn.example.com/a.jpg", None),
    ("data:image/png;base64,AAAA", None),
])
def test_where_a_src_points(written, expected):
    assert src_target(written, **PAGE) == expected


def test_a_project_site_strips_its_own_path():
    page = {**PAGE, "siteurl": "https://example.github.io/tintuc", "site_path": "tintuc"}
    assert src_target("/tintuc/images/a.jpg", **page) == ("url", "images/a.jpg")
    assert src_target("https://example.github.io/tintuc/images/a.jpg", **page) == (
        "url", "images/a.jpg")


def test_what_the_editor_wrote_is_found_in_the_file():
    assert written_path(" {static}/images/%C3%A1nh.jpg ") == "images/ánh.jpg"
    assert written_path("/images/a.jpg") == "images/a.jpg"


def test_photos_are_known_by_their_extension_in_any_case():
    assert is_photo_path("images/A.JPG") and is_photo_path("b.webp")
    assert not is_photo_path("images/bieu-do.svg") and not is_photo_path("tai-lieu.pdf")
