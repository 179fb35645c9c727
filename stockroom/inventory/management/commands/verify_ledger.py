"""Recompute every stock balance from the ledger, and every product's stock totals from its
stock rows, and report what disagrees."""

from django.core.management.base import BaseCommand, CommandError

from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope, scopes_disabled
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches


class Command(BaseCommand):
    help = (
        "Check that every stock level equals the sum of its movements and every product's "
        "totals the sum of its stock levels; exit 1 if any differ."
    )

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
        # Without --organization the check crosses tenants on purpose: every ledger at once.
        scope = organization_scope(organization.pk) if organization else scopes_disabled()
        with scope:
            mismatches = ledger_mismatches(organization=organization)
            totals = product_total_mismatches(organization=organization)
        for row in mismatches:
            self.stdout.write(
                f"MISMATCH product={row.product_id} location={row.location_id} "
                f"lot={row.lot_id or '-'} ledger={row.ledger_qty} stock_level={row.level_qty}"
            )
        for row in totals:
            self.stdout.write(
                f"MISMATCH product={row.product_id} totals: "
                f"on_hand={row.product_on_hand} (stock levels {row.levels_on_hand}) "
                f"reserved={row.product_reserved} (stock levels {row.levels_reserved})"
            )
        problems = []
        if mismatches:
            problems.append(f"{len(mismatches)} stock level(s) differ from the ledger")
        if totals:
            problems.append(f"{len(totals)} product total(s) differ from their stock levels")
        if problems:
            raise CommandError("; ".join(problems) + ".")
        scope = organization.slug if organization else "all organizations"
        self.stdout.write(
            self.style.SUCCESS(f"Ledger verified: balances and product totals match ({scope}).")
        )
