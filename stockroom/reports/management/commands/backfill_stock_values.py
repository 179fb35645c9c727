"""Write the missing daily stock-value snapshots of one organization or all of them."""

import time

from django.core.management.base import BaseCommand, CommandError

from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
from stockroom.reports.selectors.dashboard import FINISHED_DAYS
from stockroom.reports.services import stock_value_snapshots_backfill


class Command(BaseCommand):
    help = (
        "Value the finished days that have no stock-value snapshot yet (one ledger replay per "
        "organization). Safe to run again: days already snapshotted are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organization", metavar="SLUG", help="Only this organization (its slug)."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=FINISHED_DAYS,
            help=f"How many finished days back (default {FINISHED_DAYS}, the dashboard's).",
        )

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        organizations = Organization.objects.order_by("pk")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization with slug {options['organization']!r}.")
        for organization in organizations:
            started = time.monotonic()
            with organization_scope(organization.pk):
                written = stock_value_snapshots_backfill(
                    organization=organization, days=options["days"]
                )
            self.stdout.write(
                f"{organization.slug}: {len(written)} day(s) snapshotted "
                f"in {time.monotonic() - started:.1f} s"
            )
