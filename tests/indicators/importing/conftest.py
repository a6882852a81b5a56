"""The four seed plans, imported into the province with its real agency directory (`directory`, tests/conftest.py)."""

from pathlib import Path

import pytest
from django.conf import settings

from indicators.importing.service import plan_import

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED_000 = SEEDS / "000_ha_tang_so_2026_2030.txt"
SEED_001 = SEEDS / "001_hop_tac_vnpt_2026_2030.txt"
SEED_002 = SEEDS / "002_chuyen_doi_so_2026.txt"
SEED_003 = SEEDS / "003_tien_giang_ha_tang_so_2023_2025.txt"


@pytest.fixture
def import_seed(directory):
    def run(path: Path, **options):
        report = plan_import(source=path, province=directory, **options)
        assert report.ok, report.render()
        return report

    return run
