r"""Is a User-Agent a crawler? crawlerdetect's verdict, at a bounded cost per User-Agent.

crawlerdetect removes browser tokens with one regular expression, then searches what is left
with an alternation of about 1,460 patterns, ignoring case. Python's engine tries every
alternative at every position (about 15 µs a character), and one of them,
`[a-z0-9\-_]*(bot|crawl|…)`, backtracks over every run of letters: an 8 KB User-Agent took
6 s and 1 MB ran for minutes, so a hostile log could stall every build. Here the same pattern
lists give the same verdict in time linear in a bounded length:

- Only `judged_text` reaches a regular expression: the whole User-Agent up to `WHOLE` bytes,
  else its first and last `EDGE` bytes, cut back to whole space-separated tokens. Crawlers put
  their marker in the product token that opens the string (`Googlebot/2.1`, `curl/8.4.0`) or
  in the comment appended at its end (`… Safari/537.36 (compatible; bingbot/2.0; +http://…)`),
  and real User-Agents are judged whole: the longest in crawlerdetect's own test fixtures has
  392 characters, and web servers refuse header lines past 8 KB.
- The text is folded once to lowercase as the engine's IGNORECASE equates letters (A-Z, and
  the four non-ASCII letters it matches to ASCII ones), so every pattern runs case-sensitively
  (four times faster).
- The exclusions are the library's alternation in its order, so they remove the same text.
- The crawler alternatives that are plain text (nearly all) are searched at once, factored as
  a trie: a step or two per character instead of 1,460. A leading `X*` is dropped (it changes
  where an alternative matches, never whether), `A.*B` is two substring searches, and the
  few other alternatives run one by one, each only when the text it starts with is present.
"""

import re
import string
from dataclasses import dataclass
from functools import cache

from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as EXCLUSION_PATTERNS

# A User-Agent up to this many bytes is judged whole; past it, its two ends of `EDGE` bytes.
WHOLE = 1024
EDGE = 512

# The engine's IGNORECASE matches an ASCII letter to its other case and to these four letters
# only (tests/adversarial/test_counter_useragents.py checks every code point).
_FOLD = {ord(upper): ord(upper.lower()) for upper in string.ascii_uppercase}
_FOLD.update({0x130: ord("i"), 0x131: ord("i"), 0x17F: ord("s"), 0x212A: ord("k")})

_PLAIN = r"(?:[^\\.^$*+?()\[\]{}|]|\\[^0-9A-Za-z_])"  # one literal character of a pattern
_LITERAL = re.compile(_PLAIN + "+")
_LITERAL_PREFIX = re.compile(_PLAIN + "*")
_SEQUENCE = re.compile(f"({_PLAIN}+)\\.\\*({_PLAIN}+)")
# One atom with `*`: a class, an escape, `.` or a plain character.
_LEADING_STAR = re.compile(r"(?:\[(?:\\.|[^\]\\])*\]|\\.|[^\\()\[\]{}|^$*+?])\*\??")


def judged_text(user_agent: bytes) -> str:
    """What of a User-Agent is judged: all of it up to `WHOLE` bytes, else its two ends."""
    if len(user_agent) <= WHOLE:
        return user_agent.decode("utf-8", "replace")
    head, tail = user_agent[:EDGE], user_agent[-EDGE:]
    # Whole tokens only: half of `htc_botdugls` (a phone) would read as a bot.
    cut = head.rfind(b" ")
    if cut > 0:
        head = head[:cut]
    cut = tail.find(b" ")
    if cut >= 0:
        tail = tail[cut + 1:]
    # A newline joins them: no pattern matches across one, and no log line holds one.
    parts = [part.decode("utf-8", "replace") for part in (head, tail) if part]
    return "\n".join(parts)


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def is_crawler(text: str) -> bool:
    """crawlerdetect's `is_crawler(text)`, in time linear in the length of `text`.

    Give it `judged_text(...)`: the time is linear, but a megabyte is still a megabyte.
    """
    return _matcher().is_crawler(text)


@dataclass(frozen=True)
class _Matcher:
    exclusions: re.Pattern[str]
    literals: re.Pattern[str]
    anchored: re.Pattern[str] | None
    sequences: tuple[tuple[str, str], ...]
    guarded: tuple[tuple[str, re.Pattern[str]], ...]

    def is_crawler(self, text: str) -> bool:
        text = text.strip()
        if not text:
            return False
        agent = self.exclusions.sub("", fold(text))
        if not agent:
            return False
        if self.literals.search(agent) or (self.anchored and self.anchored.match(agent)):
            return True
        if any(_in_order(agent, first, then) for first, then in self.sequences):
            return True
        return any(needle in agent and pattern.search(agent) for needle, pattern in self.guarded)


@cache
def _matcher() -> _Matcher:
    literals: set[str] = set()
    anchored: list[str] = []
    sequences: list[tuple[str, str]] = []
    guarded: list[tuple[str, str]] = []

    def plan(alternative: str) -> None:
        if _LITERAL.fullmatch(alternative):
            literals.add(_unescape(alternative))
        elif alternative.startswith("^"):
            anchored.append(alternative)
        elif star := _LEADING_STAR.match(alternative):
            plan(alternative[star.end():])
        elif (inner := _group_body(alternative)) is not None:
            for part in _alternatives(inner):
                plan(part)
        elif sequence := _SEQUENCE.fullmatch(alternative):
            sequences.append((_unescape(sequence[1]), _unescape(sequence[2])))
        else:
            guarded.append((_literal_prefix(alternative), alternative))

    for pattern in CRAWLER_PATTERNS:
        for alternative in _alternatives(_lowercase(pattern)):
            plan(alternative)
    exclusions = "|".join(_lowercase(pattern) for pattern in EXCLUSION_PATTERNS)
    return _Matcher(
        exclusions=re.compile(f"(?:{exclusions})"),
        literals=re.compile(_trie(sorted(literals))),
        anchored=re.compile("(?:" + "|".join(anchored) + ")") if anchored else None,
        sequences=tuple(sequences),
        guarded=tuple((needle, re.compile(source)) for needle, source in guarded),
    )


def _in_order(text: str, first: str, then: str) -> bool:
    """`first.*then` searched: `then` after `first` on the same line."""
    start = text.find(first)
    while start >= 0:
        end = text.find("\n", start)
        found = text.find(then, start + len(first), len(text) if end < 0 else end)
        if found >= 0:
            return True
        if end < 0:
            return False
        start = text.find(first, end + 1)
    return False


# --- Reading the pattern lists -------------------------------------------------------------------

def _lowercase(pattern: str) -> str:
    """The pattern for folded text: letters lowered, escapes (`\\d`) kept."""
    out = []
    position = 0
    while position < len(pattern):
        if pattern[position] == "\\":
            out.append(pattern[position:position + 2])
            position += 2
            continue
        out.append(pattern[position].lower())
        position += 1
    return "".join(out)


def _structure(source: str):
    """(position, character, groups open after it) for each character of a pattern that is
    neither escaped nor inside a `[…]` class: where its top level can be told."""
    depth, position, in_class = 0, 0, False
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield position, char, depth
        position += 1


def _alternatives(source: str) -> list[str]:
    """The top-level `|` alternatives of a pattern."""
    parts, start = [], 0
    for position, char, depth in _structure(source):
        if char == "|" and depth == 0:
            parts.append(source[start:position])
            start = position + 1
    parts.append(source[start:])
    return parts


def _group_body(alternative: str) -> str | None:
    """`(a|b)` or `(?:a|b)` spanning the whole alternative → `a|b`; else None."""
    if not alternative.startswith("(") or not _closes_at_end(alternative):
        return None
    body = alternative[1:-1]
    if body.startswith("?:"):
        return body[2:]
    return None if body.startswith("?") else body  # `(?!…)`, `(?i)`: not a plain group


def _closes_at_end(alternative: str) -> bool:
    """Whether the `(` that opens the alternative closes at its very end."""
    for position, char, depth in _structure(alternative):
        if char == ")" and depth == 0:
            return position == len(alternative) - 1
    return False


def _literal_prefix(alternative: str) -> str:
    """Text that every match of the alternative starts with (empty when there is none)."""
    atoms = re.findall(_PLAIN, _LITERAL_PREFIX.match(alternative)[0])
    if alternative[len("".join(atoms)):][:1] in ("*", "?", "{"):
        atoms.pop()  # the last character is optional or repeated
    return _unescape("".join(atoms))


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def _trie(words: list[str]) -> str:
    """One pattern matching any of `words`, factored by shared prefixes."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A word ends here: any word found is a verdict, so the longer ones need not be tried.
        return "" if "" in node else body

    return emit(root) or "(?!)"  # no words: a pattern that never matches
