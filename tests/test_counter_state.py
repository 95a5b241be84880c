"""The state file and reading each log line once, across builds and log rotation (issue 4)."""

import gzip
import json
import os
import random
import shutil
from datetime import timedelta

import pytest
from counter_fixtures.logs import (
    BOTS,
    GUESTS,
    HOSTILE_AGENT,
    HOSTILE_PATH,
    Hit,
    expected,
    lines_of,
    vn,
    write_log,
)

from tintuc import counter_state
from tintuc.counter_report import CounterSettings, refresh
from tintuc.counter_state import (
    FORMAT,
    CounterState,
    CounterStateError,
    backup_path,
    load_state,
    save_state,
)


def traffic(start, minutes: int, seed: int, per_minute: int = 3) -> list[Hit]:
    """Some clients reading pages, assets and crawlers, in time order."""
    rng = random.Random(seed)
    clients = [(f"203.0.113.{n}", rng.choice(GUESTS)) for n in range(1, 9)]
    clients += [(f"2001:db8::{n:x}", rng.choice(GUESTS)) for n in range(1, 4)]
    clients += [(f"66.249.66.{n}", rng.choice(BOTS)) for n in range(1, 4)]
    hits = []
    for minute in range(minutes):
        for _ in range(per_minute):
            ip, agent = rng.choice(clients)
            at = start + timedelta(minutes=minute, seconds=rng.randint(0, 59))
            path = rng.choice(["/", "/bai-a.html", "/bai-b.html?utm=1", "/lien-he",
                               "/theme/css/tin.css", "/images/anh.jpg"])
            hits.append(Hit(ip, agent, at, path, status=rng.choice([200, 200, 304, 404])))
    return sorted(hits, key=lambda hit: hit.time)


def settings(tmp_path, **extra) -> CounterSettings:
    return CounterSettings(logs=(str(tmp_path / "logs" / "access.log*"),),
                           state=tmp_path / "state" / "counter.json", **extra)


def figures_of(snapshot):
    got = snapshot.tally.figures(snapshot.settings.baseline_total, snapshot.settings.count_bots)
    return (got.online, got.online_bots, got.online_guests, got.today, got.month, got.total)


def reference(hits, **options):
    want = expected(hits, **options)
    return (want.online, want.bots, want.guests, want.today, want.month, want.total)


def test_rotation_mid_window_counts_every_request_once(tmp_path):
    logs = tmp_path / "logs"
    config = settings(tmp_path)
    hits = traffic(vn("13/11/2022 21:00"), 240, seed=1)
    part = [hit for hit in hits if hit.time < vn("13/11/2022 22:00")]
    written = len(part)
    write_log(logs / "access.log", lines_of(part))
    snapshot = refresh(config)
    assert figures_of(snapshot) == reference(part)

    # logrotate renames the file; nginx writes a few more lines into it before reopening.
    os.rename(logs / "access.log", logs / "access.log.1")
    more = [hit for hit in hits if hit.time < vn("13/11/2022 22:05")][written:]
    with open(logs / "access.log.1", "a") as stream:
        stream.write("".join(line + "\n" for line in lines_of(more)))
    written += len(more)
    now = [hit for hit in hits if hit.time < vn("13/11/2022 23:10")][written:]
    write_log(logs / "access.log", lines_of(now))
    written += len(now)
    snapshot = refresh(config)
    assert figures_of(snapshot) == reference(hits[:written])

    # Next rotation (delaycompress): .1 becomes .2.gz, the current file becomes .1.
    (logs / "access.log.2.gz").write_bytes(gzip.compress((logs / "access.log.1").read_bytes()))
    (logs / "access.log.1").unlink()
    os.rename(logs / "access.log", logs / "access.log.1")
    write_log(logs / "access.log", lines_of(hits[written:]))
    snapshot = refresh(config)
    assert figures_of(snapshot) == reference(hits)
    assert snapshot.report.bytes_read == len("".join(line + "\n" for line in
                                                     lines_of(hits[written:])).encode())

    # Building again, and after the oldest log is deleted, changes nothing.
    for _ in range(2):
        snapshot = refresh(config)
        assert figures_of(snapshot) == reference(hits)
        assert snapshot.report.bytes_read == 0
        (logs / "access.log.2.gz").unlink(missing_ok=True)


def test_two_servers_out_of_order_across_files_and_builds(tmp_path):
    # Two servers behind one name; the second one's log is fetched a build late.
    logs = tmp_path / "logs"
    config = settings(tmp_path)
    first = traffic(vn("01/12/2022 08:00"), 120, seed=2)
    second = traffic(vn("01/12/2022 08:00"), 120, seed=3)
    a = [hit for hit in first if hit.time < vn("01/12/2022 09:00")]
    b = [hit for hit in second if hit.time < vn("01/12/2022 08:40")]
    write_log(logs / "access.log-web1", lines_of(a))
    config = CounterSettings(logs=(str(logs / "access.log-*"),), state=config.state)
    assert figures_of(refresh(config)) == reference(a)
    write_log(logs / "access.log-web2", lines_of(b))
    assert figures_of(refresh(config)) == reference(a + b)
    write_log(logs / "access.log-web1", lines_of(first))
    write_log(logs / "access.log-web2", lines_of(second))
    assert figures_of(refresh(config)) == reference(first + second)


def test_the_baseline_is_added_once_build_after_build(tmp_path):
    baseline_at = vn("13/11/2022 21:30")
    config = settings(tmp_path, baseline_total=7_558_632, baseline_at=int(baseline_at.timestamp()))
    hits = traffic(vn("13/11/2022 21:00"), 90, seed=4)
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    want = reference(hits, baseline_total=7_558_632, baseline_at=baseline_at)
    for _ in range(3):
        assert figures_of(refresh(config)) == want


def test_without_logs_the_baseline_and_its_moment_are_shown(tmp_path):
    at = vn("13/11/2022 21:12")
    config = CounterSettings(baseline_total=7_558_632, baseline_at=int(at.timestamp()))
    snapshot = refresh(config)
    block = snapshot.block()
    assert block.as_of_text == "13/11/2022 21:12"
    assert block.figures[-1] == ("Tổng lượt truy cập", "7,558,632")
    assert [value for _, value in block.figures[:-1]] == ["0"] * 5
    assert refresh(CounterSettings()).block() is None


def test_count_bots_false_drops_bot_visits_from_every_visit_figure(tmp_path):
    hits = traffic(vn("13/11/2022 21:00"), 60, seed=5)
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    config = settings(tmp_path, count_bots=False)
    assert figures_of(refresh(config)) == reference(hits, count_bots=False)


def test_unreadable_lines_are_counted_and_a_cut_tail_is_read_once_complete(tmp_path):
    log = tmp_path / "logs" / "access.log"
    hits = traffic(vn("13/11/2022 21:00"), 30, seed=6)
    good = lines_of(hits)
    last = Hit("203.0.113.200", GUESTS[0], vn("13/11/2022 21:40"), "/bai-c.html")
    bad = ["garbage", "\x00\x00\x00" + good[0], good[1][:50], "203.0.113.1 - - [31/Feb/2022"]
    log.parent.mkdir(parents=True)
    log.write_bytes(("\n".join(good[:10] + bad + good[10:]) + "\n").encode()
                    + last.line().encode()[:70])  # the writer is in the middle of a line
    config = settings(tmp_path)
    snapshot = refresh(config)
    assert snapshot.report.unreadable == {log: len(bad) + 1}
    assert figures_of(snapshot) == reference(hits)
    (warning,) = [text for text in snapshot.warnings() if "không đọc được" in text]
    assert f"bỏ qua {len(bad) + 1} dòng" in warning

    with open(log, "ab") as stream:
        stream.write(last.line().encode()[70:] + b"\n")
    snapshot = refresh(config)
    assert snapshot.report.unreadable == {}
    assert figures_of(snapshot) == reference([*hits, last])


def test_a_last_line_without_newline_is_counted_once(tmp_path):
    log = tmp_path / "logs" / "access.log"
    hits = traffic(vn("13/11/2022 21:00"), 20, seed=7)
    write_log(log, lines_of(hits[:30]), final_newline=False)
    config = settings(tmp_path)
    assert figures_of(refresh(config)) == reference(hits[:30])
    write_log(log, lines_of(hits), final_newline=False)  # the file grew
    snapshot = refresh(config)
    assert figures_of(snapshot) == reference(hits)
    assert snapshot.report.unreadable == {}


def test_a_copy_under_another_name_is_not_counted_twice(tmp_path):
    # copytruncate: for a moment access.log.1 and access.log hold the same lines.
    logs = tmp_path / "logs"
    hits = traffic(vn("13/11/2022 21:00"), 40, seed=8)
    write_log(logs / "access.log", lines_of(hits[:60]))
    shutil.copy(logs / "access.log", logs / "access.log.1")
    with open(logs / "access.log", "a") as stream:
        stream.write("".join(line + "\n" for line in lines_of(hits[60:])))
    assert figures_of(refresh(settings(tmp_path))) == reference(hits)


def test_a_gzip_cut_short_counts_what_it_can(tmp_path):
    logs = tmp_path / "logs"
    hits = traffic(vn("13/11/2022 21:00"), 600, seed=9)
    data = gzip.compress(("\n".join(lines_of(hits)) + "\n").encode())
    (logs).mkdir()
    (logs / "access.log.3.gz").write_bytes(data[: len(data) // 2])
    snapshot = refresh(settings(tmp_path))
    assert snapshot.report.damaged == [logs / "access.log.3.gz"]
    assert any("bị cắt cụt" in text for text in snapshot.warnings())
    assert 0 < snapshot.tally.figures().month < expected(hits).month


def test_files_forgotten_after_a_long_time_are_never_counted_again(tmp_path):
    logs = tmp_path / "logs"
    old = traffic(vn("01/01/2022 08:00"), 30, seed=10)
    new = traffic(vn("01/01/2022 08:00") + timedelta(days=counter_state.FILE_MEMORY_DAYS + 5),
                  30, seed=11)
    write_log(logs / "access.log.9.gz", lines_of(old), gz=True)
    config = settings(tmp_path)
    refresh(config)
    write_log(logs / "access.log", lines_of(new))
    first = refresh(config)
    state, _ = load_state(config.state)
    assert len(state.files) == 1 and state.forgotten_until is not None
    second = refresh(config)  # the old file is unknown again, and ignored
    assert second.tally.figures().total == first.tally.figures().total
    assert figures_of(second) == reference(old + new)


def test_the_state_file_holds_no_address_or_user_agent(tmp_path):
    hits = [Hit("198.51.100.77", HOSTILE_AGENT, vn("13/11/2022 21:00"), HOSTILE_PATH),
            Hit("2001:db8::77", "SecretBrowser/1.0", vn("13/11/2022 21:01"), "/bai.html")]
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    config = settings(tmp_path)
    refresh(config)
    text = config.state.read_text()
    for secret in ("198.51.100.77", "2001:db8::77", "SecretBrowser", "alert(\"ua\")"):
        assert secret not in text
    assert json.loads(text)["format"] == FORMAT


@pytest.mark.parametrize("damage", [
    b"", b"{", b"\x89PNG\r\n\x1a\n\x00\x00", b'{"format": "tintuc-visitor-counter", "version": 1}',
    b'{"format": "tintuc-visitor-counter", "version": 1, "salt": "00", "as_of": "hier"}',
])
def test_a_damaged_state_file_stops_with_what_to_do(tmp_path, damage):
    config = settings(tmp_path)
    write_log(tmp_path / "logs" / "access.log", lines_of(traffic(vn("13/11/2022 21:00"), 5, 1)))
    config.state.parent.mkdir(parents=True)
    config.state.write_bytes(damage)
    with pytest.raises(CounterStateError) as raised:
        refresh(config)
    message = str(raised.value)
    assert str(config.state) in message and "bị hỏng" in message
    assert "sao lưu" in message and "CI" in message
    assert config.state.read_bytes() == damage  # never overwritten


@pytest.mark.parametrize(("content", "words"), [
    (b'{"name": "something else"}', "không phải tệp trạng thái"),
    (b"[1, 2, 3]", "không phải tệp trạng thái"),
    (b'{"format": "tintuc-visitor-counter", "version": 2}', "phiên bản 2"),
])
def test_a_foreign_or_newer_state_file_stops(tmp_path, content, words):
    config = settings(tmp_path)
    config.state.parent.mkdir(parents=True)
    config.state.write_bytes(content)
    with pytest.raises(CounterStateError, match=words):
        refresh(config)
    assert config.state.read_bytes() == content


def test_the_state_is_replaced_atomically_and_the_previous_one_kept(tmp_path, monkeypatch):
    path = tmp_path / "counter.json"
    state = CounterState()
    save_state(state, path)
    first = path.read_bytes()
    state.tally.as_of = 1_668_348_000
    save_state(state, path)
    assert backup_path(path).read_bytes() == first
    second = path.read_bytes()

    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(counter_state.os, "replace", failing_replace)
    state.tally.as_of = 1_668_349_000
    with pytest.raises(CounterStateError, match="Không ghi được") as raised:
        save_state(state, path)
    assert str(path) in str(raised.value) and "disk full" in str(raised.value)
    assert path.read_bytes() == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.json", "counter.json.bak"]


def test_the_state_round_trips(tmp_path):
    hits = traffic(vn("13/11/2022 21:00"), 50, seed=12)
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    config = settings(tmp_path)
    refresh(config)
    state, existed = load_state(config.state)
    assert existed
    assert CounterState.from_json(json.loads(json.dumps(state.to_json()))) == state


def _rotate(folder, keep: int = 3) -> None:
    """logrotate with `compress` and `delaycompress`: .N.gz shift, .1 → .2.gz, current → .1."""
    for number in range(keep, 1, -1):
        older = folder / f"access.log.{number}.gz"
        if older.exists():
            if number == keep:
                older.unlink()
            else:
                older.rename(folder / f"access.log.{number + 1}.gz")
    if (folder / "access.log.1").exists():
        data = (folder / "access.log.1").read_bytes()
        (folder / "access.log.2.gz").write_bytes(gzip.compress(data))
        (folder / "access.log.1").unlink()
    if (folder / "access.log").exists():
        (folder / "access.log").rename(folder / "access.log.1")


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_random_builds_and_rotations_match_the_definitions(tmp_path, seed):
    # Two servers; the second one's lines reach the build up to 20 minutes late. Old rotated
    # files are deleted as logrotate would. Every build must equal the definitions applied to
    # every line ever written.
    rng = random.Random(seed)
    start = vn("30/11/2022 20:00")
    baseline_at = vn("30/11/2022 21:00")
    servers = {"web1": traffic(start, 300, seed=seed * 10),
               "web2": traffic(start, 300, seed=seed * 10 + 1)}
    written = {name: 0 for name in servers}
    config = CounterSettings(logs=(str(tmp_path / "logs" / "web*" / "access.log*"),),
                             state=tmp_path / "counter.json",
                             baseline_total=500, baseline_at=int(baseline_at.timestamp()))
    now = start
    while now < start + timedelta(minutes=320):
        now += timedelta(minutes=rng.randint(5, 40))
        for name, hits in servers.items():
            folder = tmp_path / "logs" / name
            folder.mkdir(parents=True, exist_ok=True)
            if rng.random() < 0.3:
                _rotate(folder)
            reach = now - timedelta(minutes=rng.randint(0, 20) if name == "web2" else 0)
            fresh = [hit for hit in hits[written[name]:] if hit.time <= reach]
            with open(folder / "access.log", "a") as stream:
                stream.write("".join(line + "\n" for line in lines_of(fresh)))
            written[name] += len(fresh)
        seen = [hit for name, hits in servers.items() for hit in hits[:written[name]]]
        want = reference(seen, baseline_total=500, baseline_at=baseline_at)
        assert figures_of(refresh(config)) == want
