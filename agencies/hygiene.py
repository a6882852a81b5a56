"""Control characters in text input: refused with a Vietnamese field error, never stored, never a 500.

A NUL byte cannot be stored by PostgreSQL (the database raises, the page answered 500); the other C0
control characters and DEL are never typed on purpose and break exports and XML. Tab, line feed and
carriage return are ordinary text. `config.security.ControlCharactersMiddleware` applies this to every
query string, form post and JSON body; `validate_no_control_characters` is the same rule for a form field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(text: str) -> str | None:
    """The first control character in `text` as "U+0000", or None."""
    match = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def message(code: str) -> str:
    return _("Có ký tự điều khiển không hợp lệ (%(code)s), thường do dán từ tệp khác. Hãy xóa ký tự đó rồi gửi "
             "lại.") % {"code": code}


def validate_no_control_characters(value: Any) -> None:
    if isinstance(value, str) and (code := control_character(value)):
        raise ValidationError(message(code), code="control_character")


def find_control_characters(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, "U+XXXX") for each string holding a control character, in keys or values, nested."""
    if isinstance(data, str):
        if code := control_character(data):
            yield path, code
    elif isinstance(data, dict):
        for key, value in data.items():
            key_path = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (code := control_character(key)):
                yield key_path, code
            yield from find_control_characters(value, key_path)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from find_control_characters(value, f"{path}[{index}]" if path else str(index))


def query_dict_control_characters(query) -> list[tuple[str, str]]:
    """The same for a Django QueryDict (GET or POST), every value of every key."""
    found = []
    for key, values in query.lists():
        if code := control_character(key):
            found.append((key, code))
            continue
        for value in values:
            if code := control_character(value):
                found.append((key, code))
                break
    return found
