"""Text folding for Vietnamese names: diacritics off, case off, spacing normalised.

"Sở Khoa học và Công nghệ" and "so khoa hoc va cong nghe" fold to the same key. Used by the admin
search (as the SQL function `unaccent`) and by agency-name matching.
"""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    if not text:
        return ""
    return _fold(text if type(text) is str else str(text))


# Pure, and an import folds every cell of a 5,000-row appendix, most of them repeated (issue 14). Bounded.
@functools.lru_cache(maxsize=1 << 14)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()
