"""Vietnamese text: NFC, folding (marks stripped, đ → d) and slugs."""

import re
import unicodedata

# Folding keeps one output character per input letter, so offsets in folded text
# still point into the original (search highlighting relies on it).
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove tone and vowel marks and fold đ to d; case is kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The matching form of a text: no marks, đ → d, lower case, single spaces."""
    return " ".join(strip_marks(text).casefold().split())


def slugify(text: str, max_length: int | None = 80) -> str:
    """Lowercase ASCII slug: `Đoàn cơ sở “3 chủ động”` → `doan-co-so-3-chu-dong`.

    Slugs made from titles are cut at a word; one an editor wrote (`max_length=None`) is not.
    """
    ascii_text = strip_marks(nfc(text)).lower()
    slug = _SLUG_JUNK.sub("-", ascii_text).strip("-")
    if max_length is not None and len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def marks_of(char: str) -> tuple[str, frozenset[str]]:
    """A letter's base and its set of combining marks (đ counts as d with a stroke)."""
    if char in "đĐ":
        return "d", frozenset({"stroke"})
    decomposed = unicodedata.normalize("NFD", char.casefold())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base, frozenset(c for c in decomposed if unicodedata.combining(c))


def matches_with_marks_omitted(typed: str, reference: str) -> bool:
    """True when `typed` is `reference` with some or all of its marks left out.

    `Tieu de` and `tiêu đề` match `Tiêu đề`; `Tiêu để` does not: a mark may be
    missing, never wrong.
    """
    typed = " ".join(nfc(typed).casefold().split())
    reference = " ".join(nfc(reference).casefold().split())
    if len(typed) != len(reference):
        return False
    for typed_char, reference_char in zip(typed, reference, strict=True):
        if typed_char == reference_char:
            continue
        typed_base, typed_marks = marks_of(typed_char)
        reference_base, reference_marks = marks_of(reference_char)
        if typed_base != reference_base or not typed_marks <= reference_marks:
            return False
    return True
