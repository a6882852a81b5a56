"""Plan import (issue 3): a generated 5,000-row appendix .xlsx (target < 10 s) and one seed document (< 2 s).

The appendix has sections every 50 rows (numbering restarts per section), agencies from the province's
directory in every row, a baseline and five yearly targets written the way officials write them ("≥ 90",
"5,07", "16.861", "15 - 20%"). Each measurement imports into a fresh plan, so every row is created.
"""

import tempfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.db import transaction

from bench.measure import Measurement, best_of

ROWS = 5000
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


def run() -> list[Measurement]:
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

        seconds = best_of(import_workbook, repeat=2)
        results.append(Measurement("nhập phụ lục .xlsx 5.000 dòng (tạo mới)", seconds, 10.0,
                                   f"{ROWS} chỉ tiêu, {ROWS * 5} mục tiêu năm"))

        def import_seed():
            with transaction.atomic():
                report = plan_import(source=SEED, province=province, plan_code="bench-seed-000")
                assert report.ok, report.render(verbose=False)
                transaction.set_rollback(True)

        results.append(Measurement("nhập một văn bản kế hoạch (seed 000)", best_of(import_seed, repeat=3), 2.0,
                                   "10 chỉ tiêu, 22 nhiệm vụ"))

        def reimport_seed():
            report = plan_import(source=SEED, province=province, plan_code="bench-seed-000b")
            assert report.ok

        reimport_seed()
        results.append(Measurement("nhập lại văn bản (không đổi gì)", best_of(reimport_seed, repeat=3), 2.0,
                                   "so khớp tại chỗ"))
    return results
