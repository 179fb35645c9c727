"""Load the demo organization: one user per role, printed with their passwords. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from stockroom.accounts.models import Membership, Organization, User
from stockroom.accounts.roles import Role

DEMO_ORGANIZATION = "Demo Trading Co."
DEMO_SLUG = "demo-trading"
DEMO_PASSWORD = "stockroom-demo"  # noqa: S105 - documented demo credential, printed on purpose
DEMO_USERS = [
    ("owner@demo.stockroom.dev", "Olivia Owner", Role.OWNER),
    ("manager@demo.stockroom.dev", "Manuel Manager", Role.MANAGER),
    ("clerk@demo.stockroom.dev", "Clara Clerk", Role.CLERK),
    ("viewer@demo.stockroom.dev", "Victor Viewer", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo organization with a user for each role."

    @transaction.atomic
    def handle(self, *args, **options):
        organization, _ = Organization.objects.get_or_create(
            slug=DEMO_SLUG, defaults={"name": DEMO_ORGANIZATION}
        )
        for email, full_name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=full_name
                )
            Membership.objects.update_or_create(
                user=user, organization=organization, defaults={"role": role}
            )
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/ with:")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role:<8} {email:<32} password: {DEMO_PASSWORD}")
