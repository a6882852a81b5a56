"""Issue 12 item 7: WhiteNoise serves /static/ from the application itself: hashed names, compressed, cached."""

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path_factory):
    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_collected_static_files_are_served_hashed_and_compressed(collected, settings):
    settings.DEBUG = False
    url = Template("{% load static %}{% static 'js/report-form.js' %}").render(Context())
    assert url.startswith("/static/js/report-form.") and url != "/static/js/report-form.js"  # a hashed name
    assert (collected / url.removeprefix("/static/")).with_suffix(".js.gz").exists()
    client = Client()  # a new handler: WhiteNoise reads the new STATIC_ROOT
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    plain = client.get("/static/js/report-form.js")
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]


def test_an_uncollected_tree_still_renders_plain_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "never-collected"
    assert Template("{% load static %}{% static 'js/report-form.js' %}").render(Context()) == "/static/js/report-form.js"
