"""The `liaison` console command: Django's manage.py under the product's name.

Subcommands may be spelled with hyphens (`liaison demo-data`), as people type them.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "liaison"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
