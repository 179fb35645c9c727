"""Recompute every stock balance from the ledger and report rows that disagree."""

from django.core.management.base import BaseCommand, CommandError

from stockroom.accounts.models import Organization
from stockroom.inventory.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check that every stock level equals the sum of its movements; exit 1 if any differ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organization", metavar="SLUG", help="Only check this organization (its slug)."
        )

    def handle(self, *args, **options):
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization with slug {options['organization']!r}.")
        mismatches = ledger_mismatches(organization=organization)
        for row in mismatches:
            self.stdout.write(
                f"MISMATCH product={row.product_id} location={row.location_id} "
                f"lot={row.lot_id or '-'} ledger={row.ledger_qty} stock_level={row.level_qty}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} stock level(s) differ from the ledger.")
        scope = organization.slug if organization else "all organizations"
        self.stdout.write(self.style.SUCCESS(f"Ledger verified: balances match ({scope})."))
