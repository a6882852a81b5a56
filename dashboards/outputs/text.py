"""Agency text made safe for a Word document, an HTML preview and a spreadsheet cell.

Narratives are typed or pasted by agencies: they may carry control characters (python-docx refuses
any character XML 1.0 forbids), HTML copied from a web page or an e-mail, and runs of thousands of
characters without a space (a pasted link or table) that Word cannot wrap.
"""

import html
import re

from django.utils.html import strip_tags

# XML 1.0 forbids C0 controls except tab, LF and CR, lone surrogates and U+FFFE/U+FFFF; C1 controls and
# DEL are allowed by XML but are never meant in a narrative.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SCRIPTS = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_LONG_RUN = re.compile(r"\S{60,}")
# Lets Word (and a browser) wrap a long run without showing anything.
ZERO_WIDTH_SPACE = "\u200b"
MAX_LENGTH = 20_000


def _wrap_long_run(match: re.Match) -> str:
    run = match.group(0)
    return ZERO_WIDTH_SPACE.join(run[i:i + 40] for i in range(0, len(run), 40))


def clean_text(text: str | None) -> str:
    """Plain text with its line breaks: HTML reduced to its text, entities decoded, forbidden characters
    removed, blank-line runs collapsed, long unbroken runs made wrappable, at most MAX_LENGTH characters."""
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    if _TAG_HINT.search(text):
        text = strip_tags(_BLOCK_TAGS.sub("\n", _SCRIPTS.sub("", text)))
    text = html.unescape(text)
    text = _FORBIDDEN.sub("", text).replace("\t", " ").replace("\u00a0", " ")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rstrip() + " …"
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _LONG_RUN.sub(_wrap_long_run, text)


def paragraphs(text: str | None) -> list[str]:
    """The non-empty lines of a cleaned text, each one paragraph of the document."""
    return [line for line in clean_text(text).split("\n") if line.strip()]
