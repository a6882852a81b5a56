"""Issue 11's polish: years never grouped, a one-year plan's period, menu labels that say where they go, the
admin in Vietnamese (tokens too), a favicon, demo users with addresses on a reserved domain, and
documentation links that stay inside the repository."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from agencies.services import demo_user_ensure
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_years_in_the_admin_list_have_no_separator(client, staff_admin, province):
    PlanFactory(province=province, title="Kế hoạch chuyển đổi số", start_year=2026, end_year=2030)
    client.force_login(staff_admin)
    html = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "<td class=\"field-start_year\">2026</td>" in html and "<td class=\"field-end_year\">2030</td>" in html
    assert "2.026" not in html and "2.030" not in html


def test_a_one_year_plan_reads_nam_2026(client, staff, province):
    plan = PlanFactory(province=province, start_year=2026, end_year=2026)
    assert plan.period_label == "năm 2026"
    assert PlanFactory(province=province, start_year=2026, end_year=2030).period_label == "2026 – 2030"
    client.force_login(staff)
    html = client.get(reverse("plans:list")).content.decode()
    assert "năm 2026" in html and "2026 – 2026" not in html


def test_the_staff_menu_says_where_it_goes(client, staff):
    client.force_login(staff)
    html = client.get(reverse("plans:list")).content.decode()
    assert f'<a href="{reverse("reports:compliance")}">Tình hình nộp báo cáo</a>' in html
    assert "onchange=" not in html  # the language picker has no inline script (strict CSP)


def test_the_token_admin_is_vietnamese(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Khóa truy cập API" in html
    assert "Auth Token" not in html and ">Tokens<" not in html


def test_favicon_is_linked_and_answered(client):
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_demo_users_have_addresses_on_a_reserved_domain(province, dost):
    assert demo_user_ensure(province=province, username="canbo.khcn", full_name="Cán Bộ",
                            agency=dost.name, role="staff", password="chitieu-demo-2026")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="canbo.khcn").email == "canbo.khcn@dongthap.example"


def test_readme_and_docs_link_only_files_in_the_repository():
    root = Path(settings.BASE_DIR)
    for document in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)", document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(root.resolve()) and resolved.exists(), (document.name, target)
