"""Find what could identify a company or a person in an article before it is published.

Pure: no database. :func:`find_identifying_details` takes the text and the program's names
(members, their e-mail addresses, companies) and returns every finding with its place in the
text. Matching ignores accents and case and treats hyphens, apostrophes, spaces and other
punctuation alike, on word boundaries: "Ébénisterie Gagnon-Côté" is found in
"ebenisterie gagnon cote", and "Côté" is not found inside "Côtés".

A finding's id depends on its kind, its normalised text and which occurrence it is, not on
where it stands: an edit elsewhere in the article keeps the ids an expert acknowledged.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# North American numbers in their usual spellings, and international ones (+33 1 23 45 67 89).
PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?:\s*(?:x|ext\.?|poste)\s*\d{1,6})?(?!\w)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.-]?\d{1,4}){2,6}(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    id: str
    kind: str  # "member" | "company" | "email" | "phone"
    text: str  # as written in the article
    start: int  # character offsets in the article, end exclusive
    end: int

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


def fold(text: str) -> str:
    """Lower case, no accents, every run of non-alphanumerics one space, trimmed."""
    return " ".join(_words(text))


def _folded_chars(text: str) -> list[tuple[str, int]]:
    """Each character of ``text`` folded (accents off, case folded), with its original index."""
    out = []
    for i, ch in enumerate(text):
        if ch.isascii():  # most of any text: no decomposition needed
            out.append((ch.lower() if ch.isalnum() else " ", i))
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for low in part.casefold():
                out.append((low if low.isalnum() else " ", i))
    return out


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` folded, each with its original start and end offsets."""
    tokens: list[tuple[str, int, int]] = []
    word: list[str] = []
    start = end = 0
    for ch, i in _folded_chars(text):
        if ch == " ":
            if word:
                tokens.append(("".join(word), start, end))
                word = []
            continue
        if not word:
            start = i
        word.append(ch)
        end = i + 1
    if word:
        tokens.append(("".join(word), start, end))
    return tokens


def _words(text: str) -> list[str]:
    return [t for t, _, _ in _tokens(text)]


class NameIndex:
    """Names to look for, indexed by their first folded word (build once per program)."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, ...], str] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] | None = None

    def add(self, kind: str, name: str) -> None:
        words = tuple(_words(name))
        if not words or (len(words) == 1 and len(words[0]) < 3):
            return  # an initial alone would flag every article
        self._names.setdefault(words, kind)
        self._by_first = None

    def _lookup(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        if self._by_first is None:
            by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for words, kind in self._names.items():
                by_first.setdefault(words[0], []).append((words, kind))
            for entries in by_first.values():
                entries.sort(key=lambda e: -len(e[0]))  # the longest name wins where two start
            self._by_first = by_first
        return self._by_first

    def scan(self, tokens: list[tuple[str, int, int]]) -> Iterable[tuple[str, int, int]]:
        """``(kind, start token, end token)`` of each name found, left to right, no overlap."""
        lookup = self._lookup()
        i = 0
        while i < len(tokens):
            for words, kind in lookup.get(tokens[i][0], ()):
                n = len(words)
                if tuple(t for t, _, _ in tokens[i : i + n]) == words:
                    yield kind, i, i + n
                    i += n
                    break
            else:
                i += 1


def build_index(
    members: Iterable[tuple[str, str]], companies: Iterable[str]
) -> tuple[NameIndex, set[str]]:
    """The program's names: ``members`` as (name, e-mail), ``companies`` as names."""
    index = NameIndex()
    emails = set()
    for name, email in members:
        index.add("member", name)
        if email:
            emails.add(email.casefold())
    for company in companies:
        index.add("company", company)
    return index, emails


def find_identifying_details(
    text: str, index: NameIndex, member_emails: set[str] | None = None
) -> list[Finding]:
    """Every identifying detail in ``text``, in reading order."""
    raw: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in ((EMAIL, "email"), (PHONE, "phone")):
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            raw.append((kind, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    tokens = _tokens(text)
    for kind, first, last in index.scan(tokens):
        start, end = tokens[first][1], tokens[last - 1][2]
        if any(start < b and a < end for a, b in taken):
            continue  # a name inside an e-mail address is already found as the address
        raw.append((kind, start, end))
    raw.sort(key=lambda r: (r[1], r[2]))
    seen: dict[tuple[str, str], int] = {}
    findings = []
    for kind, start, end in raw:
        written = text[start:end]
        if kind == "email" and member_emails and written.casefold() in member_emails:
            kind = "member"  # a member's own address says who wrote it
        key = (kind, fold(written) if kind != "phone" else re.sub(r"\D", "", written))
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256(f"{key[0]}\0{key[1]}\0{seen[key]}".encode()).hexdigest()[:16]
        findings.append(Finding(digest, kind, written, start, end))
    return findings
