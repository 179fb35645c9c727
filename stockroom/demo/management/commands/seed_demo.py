"""Load the demo organization: one user per role (printed with their passwords), a realistic
catalog, two warehouses with bins, and stock posted through the inventory services. Idempotent.

With --products/--movements it generates a large data set instead (benchmarks): see
`stockroom.demo.bulk`. The data lives in `stockroom.demo.data`, the writing in
`stockroom.demo.seeding`.
"""

import logging
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
from stockroom.demo import seeding
from stockroom.demo.bulk import BulkGenerator
from stockroom.demo.data import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS
from stockroom.reports.services import stock_value_snapshots_backfill


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo organization with a user for each role, a catalog, "
        "warehouses and stock. --products/--movements generate a large data set in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, help="Generate this many products (bulk).")
        parser.add_argument(
            "--movements", type=int, help="Generate this many stock movements (bulk)."
        )
        parser.add_argument("--warehouses", type=int, default=2, help="Warehouses (default 2).")
        parser.add_argument(
            "--organization-slug", default=DEMO_SLUG, help="Organization to seed (its slug)."
        )
        parser.add_argument("--seed", type=int, default=2024, help="Random seed of bulk data.")

    def handle(self, *args, **options):
        # The seeded history is not news: its low-stock alerts become notifications, but nobody
        # is mailed and each task's log line stays quiet, so the logins printed last stay in view.
        trace_logger = logging.getLogger("celery.app.trace")
        level = trace_logger.level
        trace_logger.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                organization = self.seed(options)
        finally:
            trace_logger.setLevel(level)
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        self.stdout.write(f"Log in at {settings.SITE_URL}{reverse('accounts:login')} with:")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role:<8} {email:<32} password: {DEMO_PASSWORD}")

    def seed(self, options) -> Organization:
        for name in ("products", "movements"):
            if options[name] is not None and options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if options["warehouses"] < 1:
            raise CommandError("--warehouses must be at least 1.")
        organization = seeding.organization_get_or_create(slug=options["organization_slug"])
        # Everything the demo writes and reads belongs to this one organization.
        with organization_scope(organization.pk):
            self._seed(organization, options)
        return organization

    def _seed(self, organization: Organization, options: dict) -> None:
        bulk = options["products"] is not None or options["movements"] is not None

        with transaction.atomic():
            clerk = seeding.users_seed(organization=organization)
            categories = seeding.categories_seed(organization=organization)
            suppliers = seeding.suppliers_seed(organization=organization)
            seeding.customers_seed(organization=organization)
            bins = seeding.places_seed(organization=organization, count=options["warehouses"])

        if bulk:
            products = options["products"] if options["products"] is not None else 100
            movements = options["movements"] if options["movements"] is not None else products * 10
            generator = BulkGenerator(
                organization=organization,
                clerk=clerk,
                categories=list(categories.values()),
                bins=bins,
                rng=random.Random(options["seed"]),
                stdout=self.stdout,
            )
            generator.products(products)
            generator.movements(movements)
        else:
            with transaction.atomic():
                demo_products = seeding.demo_products_seed(
                    organization=organization, categories=categories, suppliers=suppliers
                )
                seeding.demo_stock_seed(
                    organization=organization, products=demo_products, bins=bins, clerk=clerk
                )

        # The dashboard charts read daily snapshots and never replay the ledger themselves: value
        # the seeded history now (one pass over the ledger), as the hourly beat task would.
        snapshots = stock_value_snapshots_backfill(organization=organization)
        self.stdout.write(f"stock value snapshots {len(snapshots)}")
