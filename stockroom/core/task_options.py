"""Celery options and the base task class shared by the apps' tasks: every task takes its
options from here, so retries, backoff and acknowledgement follow one convention.

- `RETRY_ON_TRANSIENT_ERRORS`: tasks that reload by primary key and are safe to run twice.
- `RETRY_ON_TRANSIENT_ERRORS_OR_MAIL`: the same, for tasks that send mail.
- `BEAT_FAN_OUT`: beat entry points that cross tenants to queue per-organization tasks.
- `retry_countdown(retries)`: the same backoff for a task that retries by hand.
"""

import inspect

from celery import Task
from celery.utils.time import get_exponential_backoff_interval

from django.db import OperationalError

from .tenancy import organization_scope, scopes_disabled

# For tasks that reload by primary key and are safe to run twice: acknowledged only once done
# (a killed worker's task runs again), retried with jittered backoff while the database or the
# broker is briefly unreachable.
RETRY_BACKOFF_MAX = 300
RETRY_ON_TRANSIENT_ERRORS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 5,
}
# SMTP failures (smtplib's errors, a refused or dropped socket) are OSErrors.
RETRY_ON_TRANSIENT_ERRORS_OR_MAIL = {
    **RETRY_ON_TRANSIENT_ERRORS,
    "autoretry_for": (OperationalError, OSError),
}


def retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries + 1`: the backoff Celery applies for the options
    above (exponential from 1 s, jittered, at most RETRY_BACKOFF_MAX)."""
    return get_exponential_backoff_interval(
        factor=1, retries=retries, maximum=RETRY_BACKOFF_MAX, full_jitter=True
    )


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


# Beat entry points: they cross tenants only to queue each organization its own scoped tasks,
# and are safe to run twice (acknowledged once done, so a killed worker's run happens again).
BEAT_FAN_OUT = {"base": CrossTenantTask, "acks_late": True}
