"""Create the first owner and organization of a fresh installation, without a browser."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stockroom.accounts import services
from stockroom.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Create a user who owns a new organization. The password comes from --password or the "
        "OWNER_PASSWORD environment variable (so it stays out of shell history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--organization", required=True, help="Organization name")
        parser.add_argument("--name", default="", help="The owner's full name")
        parser.add_argument("--password", default=None)
        parser.add_argument("--staff", action="store_true", help="Also allow the admin site")

    def handle(self, *args, email, organization, name, password, staff, **options):
        password = password or os.environ.get("OWNER_PASSWORD")
        if not password:
            raise CommandError("Give --password or set OWNER_PASSWORD.")
        try:
            membership = services.organization_signup(
                email=email, password=password, organization_name=organization, full_name=name
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.field or 'error'}: {exc.message}") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if staff:
            membership.user.is_staff = True
            membership.user.save(update_fields=["is_staff"])
        self.stdout.write(
            self.style.SUCCESS(f"{membership.user.email} owns {membership.organization.name}")
        )
