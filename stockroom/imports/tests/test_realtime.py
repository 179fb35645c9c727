"""Import progress reaches the job owner's sockets and nobody else's."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.imports import services
from stockroom.imports.tests.factories import ImportJobFactory, csv_bytes
from stockroom.realtime.tests.sockets import open_events_socket

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_events_go_only_to_the_job_owner():
    owner = MembershipFactory(role=Role.MANAGER)
    colleague = MembershipFactory(role=Role.OWNER, organization=owner.organization)
    stranger = MembershipFactory(role=Role.OWNER)
    rows = [["sku", "name"]] + [[f"S-{n}", f"Product {n}"] for n in range(3)]
    job = ImportJobFactory(
        organization=owner.organization, created_by=owner.user, content=csv_bytes(rows)
    )

    async def scenario():
        sockets = [await open_events_socket(member) for member in (owner, colleague, stranger)]
        await database_sync_to_async(services.import_job_run)(job_id=job.pk)
        received = []
        while not await sockets[0].receive_nothing(timeout=0.2):
            received.append(await sockets[0].receive_json_from())
        silent = [await socket.receive_nothing(timeout=0.3) for socket in sockets[1:]]
        for socket in sockets:
            await socket.disconnect()
        return received, silent

    received, silent = async_to_sync(scenario)()

    progress = {"type": "job.progress", "job_id": job.pk, "total": 3}
    assert received == [
        {**progress, "status": "running", "processed": 1},
        {**progress, "status": "running", "processed": 2},
        {**progress, "status": "running", "processed": 3},
        {**progress, "status": "running", "processed": 0},
        {**progress, "status": "running", "processed": 1},
        {**progress, "status": "running", "processed": 2},
        {**progress, "status": "running", "processed": 3},
        {**progress, "status": "succeeded", "processed": 3},
    ]
    assert silent == [True, True]
