"""The active organization of the current request or task, held in a context variable.

Middleware activates it for each request; tasks and commands activate it explicitly. Tenant
managers read it so that a query of tenant data is scoped without each caller remembering to.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_active_organization_id: ContextVar[int | None] = ContextVar("active_organization_id", default=None)


def get_active_organization_id() -> int | None:
    return _active_organization_id.get()


@contextmanager
def organization_scope(organization_id: int | None) -> Iterator[None]:
    """Scope tenant querysets to `organization_id` inside the block (None lifts the scope)."""
    token = _active_organization_id.set(organization_id)
    try:
        yield
    finally:
        _active_organization_id.reset(token)
