"""Reading "combined" access-log lines as they really are (issue 4, CONTRACT §4)."""

import gzip
from datetime import UTC, datetime

import pytest

from tintuc.accesslog import Timestamps, expand, is_gzip, parse_line

NGINX = (b'203.0.113.5 - - [13/Nov/2022:14:12:05 +0000] "GET /bai-viet.html?utm=x HTTP/1.1" '
         b'200 5123 "https://www.google.com/" "Mozilla/5.0 (Windows NT 10.0) Chrome/120"\n')


def epoch(*fields) -> int:
    return int(datetime(*fields, tzinfo=UTC).timestamp())


def test_nginx_combined_line():
    request = parse_line(NGINX)
    assert request.ip == b"203.0.113.5"
    assert request.time == epoch(2022, 11, 13, 14, 12, 5)
    assert (request.method, request.target, request.status) == (
        b"GET", b"/bai-viet.html?utm=x", 200)
    assert request.user_agent == b"Mozilla/5.0 (Windows NT 10.0) Chrome/120"


@pytest.mark.parametrize("stamp", [
    b"13/Nov/2022:21:12:05 +0700", b"13/Nov/2022:14:12:05 +0000", b"13/Nov/2022:09:42:05 -0430",
])
def test_the_offset_of_the_log_is_honoured(stamp):
    line = NGINX.replace(b"13/Nov/2022:14:12:05 +0000", stamp)
    assert parse_line(line).time == epoch(2022, 11, 13, 14, 12, 5)


def test_ipv6_and_apache_escaped_quotes():
    line = (b'2001:db8::8a2e:370:7334 - frank [01/Jan/2024:00:00:00 +0700] "GET / HTTP/2.0" '
            b'304 - "-" "Agent with \\"quotes\\" inside"')
    request = parse_line(line)
    assert request.ip == b"2001:db8::8a2e:370:7334"
    assert request.status == 304
    assert request.user_agent == b'Agent with \\"quotes\\" inside'


def test_extra_fields_after_the_user_agent_and_crlf_are_accepted():
    line = NGINX.rstrip(b"\n") + b' "198.51.100.7" rt=0.002\r\n'
    assert parse_line(line).user_agent == b"Mozilla/5.0 (Windows NT 10.0) Chrome/120"


def test_odd_bytes_do_not_make_a_structurally_sound_line_unreadable():
    line = NGINX.replace(b"Chrome/120", b"Chrome/\xff\xfe\x00\xc3(").replace(
        b"/bai-viet.html", b"/b\xe0i.html")
    request = parse_line(line)
    assert request.user_agent.endswith(b"\xff\xfe\x00\xc3(")
    assert request.target.startswith(b"/b\xe0i.html")


@pytest.mark.parametrize("line", [
    NGINX[:60],  # cut short by a crash
    NGINX[:-20] + b"\n",  # the User-Agent never closed
    b"\x00" * 40 + NGINX,  # the NUL run a crash leaves behind
    b"",
    b"garbage\n",
    b'203.0.113.5 - - [31/Feb/2022:14:12:05 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
    b'203.0.113.5 - - [13/Foo/2022:14:12:05 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
    b'203.0.113.5 - - [13/Nov/2022:14:12:61 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
    b'203.0.113.5 - - [13/Nov/2022:14:12:05] "GET / HTTP/1.1" 200 1 "-" "x"',  # no offset
    b'203.0.113.5 - - [13/Nov/1969:14:12:05 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
])
def test_unreadable_lines_give_none(line):
    assert parse_line(line) is None


def test_garbage_request_lines_still_parse_but_name_no_method():
    line = (b'198.51.100.9 - - [13/Nov/2022:14:12:05 +0000] "\\x16\\x03\\x01\\x02\\x00" 400 157 '
            b'"-" "-"')
    request = parse_line(line)
    assert request.status == 400
    assert request.method == b"\\x16\\x03\\x01\\x02\\x00"


def test_timestamps_agree_with_the_calendar_across_a_minute_cache():
    stamps = Timestamps()
    for second in (0, 59, 30):
        stamp = f"29/Feb/2024:23:59:{second:02d} +0700".encode()
        assert stamps.epoch(stamp) == epoch(2024, 2, 29, 16, 59, second)
    assert stamps.epoch(b"29/Feb/2023:23:59:00 +0700") is None


def test_patterns_expand_once_per_file_and_gzip_is_known_by_content(tmp_path):
    (tmp_path / "access.log").write_bytes(NGINX)
    (tmp_path / "access.log.2.gz").write_bytes(gzip.compress(NGINX))
    (tmp_path / "renamed-gzip.txt").write_bytes(gzip.compress(NGINX))
    found = expand([str(tmp_path / "access.log*"), str(tmp_path / "*.log"),
                    str(tmp_path / "*.txt"), str(tmp_path / "missing*")])
    assert [path.name for path in found] == ["access.log", "access.log.2.gz", "renamed-gzip.txt"]
    assert [is_gzip(path) for path in found] == [False, True, True]
