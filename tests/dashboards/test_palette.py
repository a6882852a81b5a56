"""One status palette: the same colours in Python and CSS, every text colour readable (WCAG AA 4.5:1)."""

import re
from pathlib import Path

from django.conf import settings

from dashboards import palette

CSS = Path(settings.BASE_DIR) / "static" / "css" / "dashboards.css"


def test_every_status_text_reads_at_4_5_to_1():
    for swatch in palette.ALL.values():
        assert palette.contrast(swatch.color, swatch.text) >= 4.5, swatch.key


def test_css_custom_properties_match_the_python_palette():
    declared = dict(re.findall(r"--st-([a-z_]+):(#[0-9A-Fa-f]{6})", CSS.read_text()))
    for key, swatch in palette.ALL.items():
        assert declared[key].upper() == swatch.color.upper(), key
    # White text exactly where Python says so.
    for key, swatch in palette.ALL.items():
        white = re.search(rf"\.st-{key} {{[^}}]*color:#fff", CSS.read_text()) is not None
        assert white == (swatch.text == palette.WHITE), key
