"""A static files finder for the one file of the plotly package the pages need: plotly.min.js.

The plotly Python package ships the plotly.js bundle its figures are written for
(plotly/package_data/plotly.min.js); serving that copy keeps the two in step, needs no CDN (government
networks are often closed) and no vendored 4 MB file in the repository. Only this file is found and
collected, not the rest of package_data (templates, data sets)."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "vendor/plotly/plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PACKAGE_DATA))
        self.storage.prefix = "vendor/plotly"

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path != PLOTLY_JS:
            return [] if (find_all or kwargs.get("all")) else None
        found = str(PACKAGE_DATA / "plotly.min.js")
        return [found] if (find_all or kwargs.get("all")) else found

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
