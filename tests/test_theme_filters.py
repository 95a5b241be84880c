"""The theme's pure filters (tintuc/theme_filters.py)."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

from tintuc.theme_filters import facebook_share_url, page_window, period_label, zalo_share_url

URL = "https://tinhdoan.example.vn/tuoi-tre-chuyen-doi-so.html?a=1&b=2"


def test_facebook_share_url_carries_the_whole_url():
    shared = urlsplit(facebook_share_url(URL))
    assert (shared.netloc, shared.path) == ("www.facebook.com", "/sharer/sharer.php")
    assert parse_qs(shared.query) == {"u": [URL]}


def test_zalo_share_url_is_base64_json_of_the_url():
    shared = urlsplit(zalo_share_url(URL))
    assert (shared.netloc, shared.path) == ("button-share.zalo.me", "/share_external")
    payload = parse_qs(shared.query)["d"][0]
    assert json.loads(base64.b64decode(payload)) == {"url": URL}


def test_period_labels():
    assert period_label((2022,)) == "Năm 2022"
    assert period_label((2022, 11)) == "Tháng 11/2022"
    assert period_label((2022, 3)) == "Tháng 3/2022"
    assert period_label((2022, 3, 5)) == "Ngày 05/03/2022"


def test_page_window():
    assert page_window(1, 1) == [1]
    assert page_window(1, 4) == [1, 2, 3, 4]
    assert page_window(1, 10) == [1, 2, 3, None, 10]
    assert page_window(6, 12) == [1, None, 4, 5, 6, 7, 8, None, 12]
    # A gap of a single page shows that page rather than "…".
    assert page_window(4, 7) == [1, 2, 3, 4, 5, 6, 7]
    assert page_window(12, 12) == [1, None, 10, 11, 12]
    assert page_window(1, 0) == []
