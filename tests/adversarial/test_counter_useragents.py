"""Issue 18, item 5: User-Agents built to make crawler detection slow (8 KB cost 6 s each).

The time target lives in benchmarks/counter_bench.py; here the work is bounded by structure
(what length reaches a regular expression, which patterns run) and the verdicts are checked
against crawlerdetect itself, on real User-Agents and on the windows of hostile ones.
"""

import gzip
import re
import sys
from pathlib import Path

import pytest
from counter_fixtures.logs import BOTS, GUESTS, Hit, lines_of, vn
from crawlerdetect import CrawlerDetect

from tintuc import crawlers
from tintuc.accesslog import parse_line
from tintuc.crawlers import EDGE, WHOLE, fold, is_crawler, judged_text
from tintuc.visits import LONG_AGENT, Batch, BotDetector

FIXTURES = Path(__file__).resolve().parents[1] / "counter_fixtures" / "crawlerdetect"
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)")
# Browser tokens a long hostile User-Agent is padded with: crawlerdetect removes them all.
PADDING = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Safari/537.36 "


def real_user_agents(name: str) -> list[str]:
    text = gzip.decompress((FIXTURES / name).read_bytes()).decode("utf-8")
    return [line for line in text.split("\n") if line.strip()]


def hostile_agents(size: int) -> dict[str, str]:
    """Shapes that hit each costly path of the patterns, `size` characters each."""
    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]
    return {
        "one letter": "x" * size,  # `[a-z0-9\-_]*(bot|…)` backtracked over every run
        "capitals": "A" * size,
        "letters and dashes": repeat("ab-_09"),
        "spaces": " " * size,
        "java then no outbrain": repeat("Java "),  # `Java.*outbrain`
        "go and digits": repeat("Go 1.2.3 "),  # `Go [\d\.]* package http`
        "pattern starts": repeat("aprc/ caam/ daum fetch/ ptst/ sitemap haa project y!j- "),
        "browser tokens": repeat("Safari/1.2 Mozilla/5.0 rv:1.2 "),
        "non-ASCII": repeat("\u212a\u0130\u017fé"),
    }


@pytest.mark.parametrize("name", ["crawlers.txt.gz", "devices.txt.gz"])
def test_real_user_agents_get_crawlerdetects_verdict(name):
    detector = CrawlerDetect()
    agents = real_user_agents(name)
    assert len(agents) > 2500
    differ = [agent for agent in agents
              if is_crawler(judged_text(agent.encode())) != detector.is_crawler(agent)]
    assert differ == []
    # Every real one is judged whole: nothing of a real User-Agent is cut.
    assert max(len(agent.encode()) for agent in agents) <= WHOLE


def test_every_pattern_is_searched_in_linear_time():
    matcher = crawlers._matcher()
    # The plain-text alternatives (a trie): no repetition at all.
    assert not re.search(r"(?<!\\)[*+?{]", matcher.literals.pattern.replace("(?:", "("))
    # None of the others may scan ahead from each start (`.*`, or a repeated class in front).
    others = [pattern.pattern for _, pattern in matcher.guarded]
    if matcher.anchored:
        others.append(matcher.anchored.pattern)
    assert not [source for source in others if ".*" in source or re.match(r"\[.*?\][*+]", source)]
    assert ("bot" in matcher.literals.pattern or "b(?:" in matcher.literals.pattern)
    assert ("java", "outbrain") in matcher.sequences


def test_case_folding_is_what_the_engine_ignores():
    # The ASCII letters of the patterns match their other case and exactly these four
    # non-ASCII letters; `fold` maps each to the letter it matches.
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    matched = [chr(code) for code in range(0x80, sys.maxunicode + 1)
               if ascii_letter.fullmatch(chr(code))]
    assert sorted(matched) == sorted("\u0130\u0131\u017f\u212a")
    for char in matched:
        assert re.fullmatch(fold(char), char, re.IGNORECASE)
    assert fold("GoogleBOT \u212aé") == "googlebot ké"


@pytest.mark.parametrize("size", [8 * 1024, 1024 * 1024])
def test_what_reaches_the_regular_expressions_is_bounded(size):
    for shape, agent in hostile_agents(size).items():
        text = judged_text(agent.encode())
        assert len(text) <= WHOLE + 1, shape  # two ends of EDGE bytes and a newline


def test_hostile_windows_get_crawlerdetects_verdict():
    # crawlerdetect needs up to a second for one of these windows: a few sizes only.
    detector = CrawlerDetect()
    for size in (300, WHOLE, 3 * WHOLE):
        for shape, agent in hostile_agents(size).items():
            text = judged_text(agent.encode())
            assert is_crawler(text) == detector.is_crawler(text), (size, shape)


@pytest.mark.parametrize("crawler", [
    GOOGLEBOT_SMARTPHONE,
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.4.0",
    "python-requests/2.31.0",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
    "+https://openai.com/gptbot)",
])
def test_a_long_user_agent_is_judged_by_its_two_ends(crawler):
    # Crawlers name themselves at the start (product token) or in the comment at the end.
    middle = PADDING * (8 * 1024 // len(PADDING))
    assert CrawlerDetect().is_crawler(crawler)
    assert is_crawler(judged_text(f"{crawler} {middle}".encode()))
    assert is_crawler(judged_text(f"{middle}{crawler}".encode()))
    # A browser padded the same way stays a browser.
    assert not is_crawler(judged_text(f"{GUESTS[0]} {middle}{GUESTS[1]}".encode()))


def test_a_cut_never_splits_a_token():
    # `htc_botdugls` is a phone (an exclusion); cut after `htc_bot` it would read as a bot.
    token = "htc_botdugls/1.0"
    head = ("Model/1.0 " * 60)[:EDGE - 8] + " " + token  # byte EDGE falls after `htc_bot`
    tail = token + " " + "Build/1.0 " * 60
    tail = " " + tail[:EDGE + 4]  # the last EDGE bytes start at `botdugls`
    agent = head + " " + PADDING * 40 + tail
    assert agent.encode()[EDGE - 7:EDGE] == b"htc_bot"
    assert agent.encode()[-EDGE:].startswith(b"botdugls")
    text = judged_text(agent.encode())
    assert all(token in agent.split() for line in text.split("\n") for token in line.split())
    assert not is_crawler(text)
    assert not CrawlerDetect().is_crawler(agent)


def test_the_verdict_memory_is_bounded():
    detector = BotDetector()
    detector.LIMIT = 50
    for number in range(120):
        detector(b"x" * 5000 + str(number).encode())
    assert len(detector._verdicts) <= 50
    assert all(len(text) <= WHOLE + 1 for text in detector._verdicts)


def test_a_thousand_hostile_clients_are_counted_and_judged():
    at = vn("13/11/2022 21:00")
    hits = []
    for number in range(1000):
        shapes = list(hostile_agents(8 * 1024).values())
        agent = shapes[number % len(shapes)][:-6] + f"{number:06d}"
        if number % 10 == 0:
            agent = agent[:-len(BOTS[0]) - 1] + " " + BOTS[0]
        hits.append(Hit(f"198.51.100.{number % 250}", agent, at, f"/bai-{number}.html"))
    huge = Hit("203.0.113.9", "y" * (1 << 20) + " " + GOOGLEBOT_SMARTPHONE, at, "/")
    batch = Batch(bytes(16))
    scan = batch.feed([line.encode() + b"\n" for line in lines_of([*hits, huge])], complete=True)
    assert scan.unreadable == 0 and len(batch) == 1001
    assert len(batch.digests) == 1001  # every distinct User-Agent is its own client
    assert sum(batch.bots) == 100 + 1
    # Long User-Agents are known by a digest: a client costs bytes, not kilobytes.
    assert all(sum(len(part or b"") for part in key) <= LONG_AGENT + 64
               for key in batch._clients)


def test_long_escaped_fields_are_read_whole():
    # Apache writes `\"` and `\\`; a field made of them is read in one pass.
    agent = 'Agent \\"quoted\\" \\\\ ' * 500 + "Googlebot/2.1"
    line = (f'203.0.113.5 - - [13/Nov/2022:14:12:05 +0000] "GET / HTTP/1.1" 200 5 '
            f'"-" "{agent}"').encode()
    assert parse_line(line).user_agent == agent.encode()
    assert parse_line(line[:-1]) is None  # no closing quote: unreadable, not a guess
