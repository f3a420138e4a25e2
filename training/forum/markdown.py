"""Markdown to safe HTML: markdown-it-py (CommonMark, raw HTML off), then nh3.

Raw HTML in a post is shown as text (markdown-it escapes it); whatever the renderer emits is
then cleaned by nh3 with a short list of tags and only http, https and mailto links, so a
``javascript:`` link or a ``<script>`` never reaches a browser. Mentions (``@name``) are
marked after cleaning, in text only (never inside a tag, a link or code).
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable("image")  # no remote images (a tracking pixel names who read a post)

TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# "@" at the start or after a space/punctuation (not inside an address), then a handle.
MENTION = re.compile(r"(?<![\w@.])@([^\W_][\w.\-]*[^\W_]|[^\W_])", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase without accents: how names, handles and search terms are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def handle_of(name: str) -> str:
    """A member's mention handle: their name folded, with spaces and apostrophes as dots
    ("Élise Côté" → "elise.cote")."""
    return re.sub(r"[^\w]+", ".", fold(name)).strip(".")


def mentioned_handles(markdown: str) -> list[str]:
    """The handles mentioned in a text (code spans and blocks excluded), folded."""
    prose = re.sub(r"```.*?```|`[^`\n]*`", " ", markdown, flags=re.S)
    prose = re.sub(r"^(?: {4}|\t).*$", " ", prose, flags=re.M)
    return list(dict.fromkeys(fold(m.group(1)) for m in MENTION.finditer(prose)))


def _mark_mentions(cleaned: str, known: set[str]) -> str:
    parts = re.split(r"(<[^>]+>)", cleaned)
    depth = 0  # inside <a>, <code> or <pre>
    for i, part in enumerate(parts):
        if part.startswith("<"):
            tag = re.match(r"</?(\w+)", part)
            if tag and tag.group(1) in ("a", "code", "pre"):
                depth += -1 if part.startswith("</") else 1
            continue
        if depth == 0 and "@" in part:
            parts[i] = MENTION.sub(
                lambda m: (
                    f'<strong class="mention">{m.group(0)}</strong>'
                    if fold(m.group(1)) in known
                    else m.group(0)
                ),
                part,
            )
    return "".join(parts)


def render(markdown: str, mentions: set[str] | None = None) -> str:
    """Sanitised HTML of a post (``mentions``: the folded handles to mark)."""
    raw = _md.render(markdown)
    cleaned = nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
    return _mark_mentions(cleaned, mentions or set())


def plain_text(body_html: str) -> str:
    """The text of rendered HTML, one space between blocks: for mails, snippets, search."""
    spaced = re.sub(r"</(p|li|h\d|pre|blockquote)>|<br\s*/?>", " ", body_html)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return re.sub(r"\s+", " ", text).strip()
