"""A management command base whose errors are one Vietnamese line on stderr and exit code 1.

Django prefixes errors with "CommandError: "; officials running these commands should see only the
message. Called through `call_command` (tests, other code), CommandError still propagates.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation


class VietnameseCommand(BaseCommand):
    _from_command_line = False

    def run_from_argv(self, argv):
        self._from_command_line = True
        super().run_from_argv(argv)

    def execute(self, *args, **options):
        with translation.override("vi"):
            try:
                return super().execute(*args, **options)
            except CommandError as error:
                if not self._from_command_line or options.get("traceback"):
                    raise
                self.stderr.write(str(error))
                sys.exit(error.returncode)
