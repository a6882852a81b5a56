"""A management command base whose errors are one Vietnamese line on stderr and exit code 1.

Django prefixes errors with "CommandError: "; officials running these commands should see only the
message. Called through `call_command` (tests, other code), CommandError still propagates.
"""

import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

# argparse speaks English (it has no Vietnamese catalogue); its usual complaints, said in Vietnamese.
ARGPARSE_MESSAGES = [
    (re.compile(r"^the following arguments are required: (.*)$"), lambda: _("Thiếu tham số: %s.")),
    (re.compile(r"^unrecognized arguments: (.*)$"), lambda: _("Không hiểu tham số: %s.")),
    (re.compile(r"^argument (.*): expected one argument$"), lambda: _("Tham số %s cần một giá trị.")),
]


def argparse_message_in_vietnamese(message: str) -> str:
    for pattern, vietnamese in ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match:
            return vietnamese() % match.group(1)
    return message


class VietnameseCommand(BaseCommand):
    _from_command_line = False

    def run_from_argv(self, argv):
        self._from_command_line = True
        super().run_from_argv(argv)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        argparse_error = parser.error

        def error(message):
            if not self._from_command_line:
                return argparse_error(message)
            with translation.override("vi"):
                self.stderr.write(_("%(message)s Xem: manage.py %(command)s --help")
                                  % {"message": argparse_message_in_vietnamese(message), "command": subcommand})
            sys.exit(1)

        parser.error = error
        return parser

    def execute(self, *args, **options):
        with translation.override("vi"):
            try:
                return super().execute(*args, **options)
            except CommandError as error:
                if not self._from_command_line or options.get("traceback"):
                    raise
                self.stderr.write(str(error))
                sys.exit(error.returncode)
