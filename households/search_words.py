"""The words a household is found by (pure; households/search.py searches them): folded to lower case without
diacritics, so that "nguyen thi dong" finds "Nguyễn Thị Đông"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_MARKS = re.compile("[\u0300-\u036f]")  # combining diacritics, once a text is decomposed (NFD)
_WORDS = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without diacritics, đ → d (pure): "Nguyễn Thị Đông" → "nguyen thi dong"."""
    # "Ð" (U+00D0) stands for Đ in text converted from the old TCVN3 and VNI encodings.
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower().replace("đ", "d").replace("ð", "d")


def words(text: str) -> list[str]:
    """The folded words of a text; punctuation separates words ("BB-ĐÔNG-1" → bb, dong, 1)."""
    return _WORDS.findall(fold(text))


def search_text(code: str, head_name: str, members: Iterable[tuple[str, str]]) -> str:
    """The text a household is found by (pure): its code, its head's name, then each member's name and
    citizen ID — ``members`` as (full name, national ID) — in a fixed order, so that the same household
    always gives the same text. The parts are separated by " | ", which no word holds: a phrase searched for
    never runs from one name into the next ("lo thi anh | nguyen van binh" does not hold "anh nguyen van")."""
    parts = [code, head_name, *sorted({f"{name} {national_id}" for name, national_id in members})]
    return " | ".join(filter(None, (" ".join(filter(None, map(_folded_token, part.split()))) for part in parts)))


def _folded_token(token: str) -> str:
    # Letters and digits of ASCII only (codes, citizen IDs) fold to themselves in lower case; a citizen ID is
    # found once per file, and would push the names out of ``_folded``'s cache (the cache saves about 0.6 s
    # in 100,000 households).
    return token.lower() if token.isascii() and token.isalnum() else _folded(token)


@lru_cache(maxsize=1 << 16)
def _folded(token: str) -> str:
    # Names repeat (a commune has a few family and given names): an import of 100,000 households folds each
    # name once, not once a household (about 0.5 s saved).
    return " ".join(words(token))
