"""python manage.py import_cards --municipality SLUG FILE [--encoding cp932|utf-8] [--dry-run]

The same import as the staff console (booking.services.card_import), for operations: prints the
counts and every bad line with its column; exits 1 when nothing landed (the file was refused).
A dry run checks every line and writes nothing but the import's record.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from booking.models import CardImport
from booking.services.audit import Actor
from booking.services.card_import import card_import_start
from tenants.selectors import dangerously_municipality


class Command(BaseCommand):
    help = "Import card production data (CSV, UTF-8 or Shift_JIS) into one municipality, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="the city's identifier (schema name)")
        parser.add_argument("file", type=Path)
        parser.add_argument("--encoding", choices=["cp932", "utf-8"], default=None,
                            help="the file's encoding; detected when omitted (UTF-8, else CP932)")
        parser.add_argument("--dry-run", action="store_true", help="check every line, write nothing")

    def handle(self, *args, **options):
        city = dangerously_municipality(options["municipality"])
        if city is None or city.kind != city.Kind.CITY:
            raise CommandError(f"no municipality {options['municipality']!r}")
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        with tenant_context(city):
            record = card_import_start(content=content, file_name=path.name, encoding=options["encoding"],
                                       dry_run=options["dry_run"], in_background=False,
                                       actor=Actor.system("command import_cards"))
        self._report(record)
        if record.status != CardImport.Status.DONE:
            raise CommandError(f"nothing was imported ({record.error_count} error(s))")

    def _report(self, record: CardImport) -> None:
        verb = "would be" if record.dry_run else "were"
        self.stdout.write(f"import #{record.pk} of {record.file_name} ({record.encoding or '?'}, "
                          f"sha256 {record.file_sha256[:12]}…): {record.get_status_display()}")
        self.stdout.write(f"  lines: {record.total_lines}")
        if record.status == CardImport.Status.DONE:
            self.stdout.write(f"  cards created: {record.cards_created}, updated: {record.cards_updated}, "
                              f"unchanged: {record.cards_unchanged}, skipped (closed): {record.cards_skipped} "
                              f"— {verb} written")
            self.stdout.write(f"  notices created: {record.notices_created}")
        for error in record.errors:
            where = f"line {error['line']}" if error.get("line") else "file"
            if error.get("column"):
                where += f", column {error['column']}"
                if error.get("header"):
                    where += f" ({error['header']})"
            self.stderr.write(f"  {where}: {error['message']}")
        if record.error_count > len(record.errors):
            self.stderr.write(f"  … and {record.error_count - len(record.errors)} more")
