"""Plan import (issues 3 and 14): a generated 5,000-row appendix .xlsx (budget ≤ 10 s) and one seed document.

The appendix has sections every 50 rows (numbering restarts per section), agencies from the province's
directory in every row, a baseline and five yearly targets written the way officials write them ("≥ 90",
"5,07", "16.861", "15 - 20%"). Each measurement imports into a fresh plan, so every row is created.
"""

import tempfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.db import transaction

from bench.measure import Measurement, median, timed

ROWS = 5000
REPEAT = 3
SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_ha_tang_so_2026_2030.txt"
TARGET_TEXTS = ["≥ {v}", "{v}", "{v},5", "Tối thiểu {v}%", "{v} - {w}%"]


def _workbook(path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["TT", "Chỉ tiêu", "ĐVT", "Hiện trạng năm 2025", "Năm 2026", "Năm 2027", "Năm 2028", "Năm 2029",
                  "Năm 2030", "Cơ quan chủ trì", "Cơ quan phối hợp", "Ghi chú"])
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    for n in range(ROWS):
        if n % 50 == 0:
            section = n // 50
            sheet.append([f"{roman[section % 10]}.{section // 10 + 1}", f"NHÓM CHỈ TIÊU {section + 1}"])
        v = 10 + n % 80
        sheet.append([str(n % 50 + 1), f"Tỷ lệ thử nghiệm số {n + 1}", "%", f"{v - 5},07",
                      *(TARGET_TEXTS[(n + k) % 5].format(v=v + k, w=v + k + 5) for k in range(5)),
                      "Sở KH&CN", "Các sở, ban, ngành tỉnh; UBND các xã, phường", f"Ghi chú {n}"])
    book.save(path)


def run(bench=None) -> list[Measurement]:
    from agencies.services import agency_directory_load_file
    from indicators.importing.service import PlanOverrides, plan_import, plan_import_table

    province, _loaded = agency_directory_load_file(path=Path(settings.BASE_DIR) / "fixtures" / "dong_thap_agencies.json")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "phu-luc-5000-dong.xlsx"
        _workbook(workbook)
        runs = iter(range(100))

        def import_workbook():
            report = plan_import_table(source=workbook, plan_code=f"bench-xlsx-{next(runs)}", province=province,
                                       overrides=PlanOverrides(title="Kế hoạch đo nhập", start_year=2026,
                                                               end_year=2030))
            assert report.ok and report.counts["indicators"].created == ROWS, report.render(verbose=False)

        samples = timed(import_workbook, repeat=REPEAT)
        results.append(Measurement("import_5000_rows_s", round(median(samples), 3), unit="s", samples=samples,
                                   note=f"each run a new plan: {ROWS:,} indicators, {ROWS * 5:,} yearly targets"))

        def import_seed():
            with transaction.atomic():
                report = plan_import(source=SEED, province=province, plan_code="bench-seed-000")
                assert report.ok, report.render(verbose=False)
                transaction.set_rollback(True)

        samples = timed(import_seed, repeat=REPEAT)
        results.append(Measurement("", round(median(samples), 3), label="import of one plan document (seed 000)",
                                   unit="s", samples=samples, note="10 indicators, 22 tasks; median"))

        def reimport_seed():
            report = plan_import(source=SEED, province=province, plan_code="bench-seed-000b")
            assert report.ok

        reimport_seed()
        samples = timed(reimport_seed, repeat=REPEAT)
        results.append(Measurement("", round(median(samples), 3), label="re-import of that document (no change)",
                                   unit="s", samples=samples, note="matched in place; median"))
    return results
