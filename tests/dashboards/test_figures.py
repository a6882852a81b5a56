"""The figures are built without plotly.py's per-property validation (speed); here they must pass it."""

import re

import plotly.graph_objects as go
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _figures(body: str) -> list[str]:
    return re.findall(r'<script id="(fig-[a-z-]+)" type="application/json">(.*?)</script>', body, re.S)


def test_every_figure_passes_plotly_validation(client, world, leader, agency_a):
    import datetime as dt
    import json

    task = world.tasks["II.1"]
    task.start_date, task.due_date = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    task.save(update_fields=["start_date", "due_date"])
    client.force_login(leader)
    bodies = [client.get(url).content.decode() for url in (
        reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026",
        reverse("dashboards:indicator", args=[world.indicators["I.1"].pk]),
        reverse("dashboards:agency", args=[agency_a.pk]))]
    found = 0
    for body in bodies:
        for fig_id, text in _figures(body):
            figure = json.loads(text)
            go.Figure(data=figure["data"], layout=figure["layout"])  # raises on any invalid property
            assert figure["layout"]["separators"] == ",.", fig_id
            found += 1
    assert found >= 5
