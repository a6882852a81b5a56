"""The UI speaks Vietnamese first, English second: the committed catalogs are complete and compiled.

CI has no GNU gettext, so the .mo files are committed; these tests read the .po files with a small parser
and compare them with what `gettext.GNUTranslations` loads from the .mo files.
"""

import ast
import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = [LOCALE / "en" / "LC_MESSAGES" / "django.po", LOCALE / "vi" / "LC_MESSAGES" / "django.po",
            LOCALE / "vi" / "LC_MESSAGES" / "djangojs.po"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdrf]|\{[a-z_]*\}|%[sdr]")


def _po_entries(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags (obsolete #~ skipped)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry = {"flags": [], "ctxt": None, "plural": None, "str": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if isinstance(field, int):
                    entry["str"][field] += value
                else:
                    entry[field] += value
            else:
                keyword, _, literal = line.partition(" ")
                value = ast.literal_eval(literal)
                if keyword.startswith("msgstr"):
                    field = int(keyword[7:-1]) if "[" in keyword else 0
                    entry["str"][field] = value
                else:
                    field = {"msgctxt": "ctxt", "msgid": "id", "msgid_plural": "plural"}[keyword]
                    entry[field] = value
        if "id" in entry:
            entries.append(entry)
    return entries


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: f"{path.parts[-3]}-{path.stem}")
def test_catalog_is_complete_and_keeps_placeholders(po_path):
    entries = _po_entries(po_path)[1:]  # the first entry is the header
    assert len(entries) > 20
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["id"]
        assert all(entry["str"].values()), f"untranslated: {entry['id']!r}"
        for msgstr in entry["str"].values():
            expected = sorted(PLACEHOLDER.findall(entry["id"]))
            if entry["plural"] is not None and "%(" not in entry["id"]:
                expected = sorted(PLACEHOLDER.findall(entry["plural"]))
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, (entry["id"], msgstr)


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: f"{path.parts[-3]}-{path.stem}")
def test_compiled_mo_matches_po(po_path):
    """A .po edited without `make messages` (compilemessages) leaves a stale .mo: the UI would not change."""
    with open(po_path.with_suffix(".mo"), "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)._catalog
    expected = {}
    for entry in _po_entries(po_path)[1:]:
        key = entry["id"] if entry["ctxt"] is None else f"{entry['ctxt']}\x04{entry['id']}"
        if entry["plural"] is None:
            expected[key] = entry["str"][0]
        else:
            for index, msgstr in entry["str"].items():
                expected[(key, index)] = msgstr
    compiled.pop("", None)  # the header
    assert compiled == expected


def test_english_plural_forms():
    with translation.override("en"):
        assert translation.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 1) % {"n": 1} == "1 day left"
        assert translation.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 3) % {"n": 3} == "3 days left"


def _get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [("en", ["Log in", "Password", "Username"], ["Đăng nhập", "Mật khẩu"]),
     ("vi", ["Đăng nhập", "Mật khẩu", "Tên đăng nhập"], ["Log in", "Password"])],
)
def test_login_page_speaks_the_chosen_language(client, language, present, absent):
    page = _get(client, reverse("login"), language)
    for text in present:
        assert text in page
    for text in absent:
        assert text not in page


def test_the_browsers_language_does_not_choose_english(client, db):
    """Officials' browsers are often set to English: the interface stays Vietnamese until they pick English."""
    page = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page


def test_english_when_picked_and_remembered(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")},
                           headers={"accept-language": "vi"})
    assert response.status_code == 302
    page = client.get(reverse("login"), headers={"accept-language": "vi"}).content.decode()
    assert "Log in" in page and 'lang="en"' in page


@pytest.mark.parametrize(
    ("language", "headings"),
    [("en", ["Agency reports", "To submit", "Submitted", "Log out"]),
     ("vi", ["Báo cáo của đơn vị", "Cần gửi", "Đã gửi", "Đăng xuất"])],
)
def test_reporter_inbox_headings(client, reporter_a, language, headings):
    client.force_login(reporter_a)
    page = _get(client, reverse("reports:inbox"), language)
    for heading in headings:
        assert heading in page


@pytest.mark.parametrize(
    ("language", "headings"),
    [("en", ["<h1>Plan</h1>", "There are no plans yet."]),
     ("vi", ["<h1>Kế hoạch</h1>", "Chưa có kế hoạch nào."])],
)
def test_plan_list_headings(client, staff, language, headings):
    client.force_login(staff)
    page = _get(client, reverse("plans:list"), language)
    for heading in headings:
        assert heading in page


def test_admin_form_error_is_vietnamese(client, staff_admin):
    """Django 5.2's vi catalog lacks the pluralised "Please correct the error(s) below."; ours fills it."""
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.post(reverse("admin:plans_plan_add"), {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vui lòng sửa các lỗi dưới đây." in page
    assert "Please correct" not in page


def test_import_export_strings_are_vietnamese():
    with translation.override("vi"):
        assert translation.gettext("Select all") == "Chọn tất cả"
        assert translation.gettext("This exporter will export the following fields: ") == (
            "Tệp xuất sẽ gồm các trường sau: ")
        assert translation.gettext("Confirm import") == "Xác nhận nhập"


def test_admin_javascript_catalog_is_vietnamese(client, staff_admin):
    """The admin's calendar and filter widgets read Django's vi djangojs catalog plus ours (LOCALE_PATHS)."""
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    script = client.get(reverse("admin:jsi18n")).content.decode()
    # the catalog is embedded with json.dumps, which escapes non-ASCII characters
    assert f'"Sunday": {json.dumps("Chủ nhật")}' in script
    assert f'"Choose all %s": {json.dumps("Chọn tất cả %s")}' in script
