"""Movement exports at the calendar's edges: a day past the last one a time zone can turn into
instants is the form's (and the service's) error, not a failed job."""

from datetime import date

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.imports.models import ExportJob, ExportKind, FileFormat
from stockroom.imports.services import export_job_create

EDGES = [
    ("date_to", "9999-12-31", "Pacific/Kiritimati"),
    ("date_from", "0001-01-01", "Pacific/Pago_Pago"),
]


@pytest.mark.parametrize(("name", "day", "zone"), EDGES)
def test_the_export_form_refuses_a_day_at_the_calendars_edge(
    organization, member_client, django_capture_on_commit_callbacks, name, day, zone
):
    organization.time_zone = zone
    organization.save()
    membership = MembershipFactory(organization=organization, role=Role.VIEWER)
    client = member_client(membership)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:export_list"), {"kind": "movements", "format": "csv", name: day}
        )

    assert response.status_code == 200
    assert response.context["form"].errors[name]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(("name", "day", "zone"), EDGES)
def test_the_export_service_refuses_a_day_at_the_calendars_edge(organization, name, day, zone):
    user = MembershipFactory(organization=organization, role=Role.VIEWER).user
    with pytest.raises(ApplicationError) as refused:
        export_job_create(
            organization=organization,
            user=user,
            kind=ExportKind.MOVEMENTS,
            file_format=FileFormat.CSV,
            **{name: date.fromisoformat(day)},
        )
    assert refused.value.field == name
    assert not ExportJob.objects.exists()
