"""`manage.py health`: the /healthz JSON on stdout, exit code 0 when healthy and 1 otherwise (cron, monitoring)."""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from config.health import health_report


class Command(BaseCommand):
    help = _("In trạng thái hệ thống (CSDL, Redis, worker, tính tiến độ) dạng JSON; mã thoát 1 khi có thành phần hỏng.")

    def handle(self, *args, **options):
        healthy, body = health_report()
        self.stdout.write(json.dumps(body, ensure_ascii=False))
        if not healthy:
            sys.exit(1)
