"""Celery options and the base task class shared by the apps' tasks."""

import inspect

from celery import Task

from django.db import OperationalError

from .tenancy import organization_scope, scopes_disabled

# For tasks that reload by primary key and are safe to run twice: acknowledged only once done
# (a killed worker's task runs again), retried with jittered backoff while the database or the
# broker is briefly unreachable.
RETRY_ON_TRANSIENT_ERRORS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


class OrganizationTask(Task):
    """Base of every project task: the task runs inside the tenant scope of the organization
    it was given (its `organization_id` argument), so its queries are scoped and fail closed.

    A task that must cross tenants (a beat fan-out over every organization, housekeeping of
    rows that belong to none) sets `crosses_tenants = True` and runs with scopes disabled.
    """

    crosses_tenants = False

    def __call__(self, *args, **kwargs):
        if self.crosses_tenants:
            with scopes_disabled():
                return super().__call__(*args, **kwargs)
        organization_id = self._organization_id(args, kwargs)
        with organization_scope(organization_id):
            return super().__call__(*args, **kwargs)

    def _organization_id(self, args: tuple, kwargs: dict) -> int:
        try:
            bound = inspect.signature(self.run).bind(*args, **kwargs)
            organization_id = bound.arguments["organization_id"]
        except (TypeError, KeyError) as exc:
            raise TypeError(
                f"task {self.name} needs an organization_id argument (or crosses_tenants = True)"
            ) from exc
        return int(organization_id)


class CrossTenantTask(OrganizationTask):
    crosses_tenants = True
