"""The active organization of the current request or task, held in a context variable.

Middleware activates it for each request; tasks, consumers and commands activate it explicitly.
Tenant managers read it so that a query of tenant data is scoped without each caller remembering
to, and a query made with no organization active raises `ScopeError` instead of reading every
organization's rows (fail closed). Code that must cross tenants says so with `scopes_disabled()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class ScopeError(Exception):
    """Tenant data was queried with no organization scope active and scopes not disabled."""


@dataclass(frozen=True)
class _Scope:
    organization_id: int | None = None
    disabled: bool = False


_NO_SCOPE = _Scope()
_scope: ContextVar[_Scope | None] = ContextVar("tenant_scope", default=None)


def organization_id_of(organization: Any) -> int:
    """The id of `organization`, given the Organization or its id: services and selectors take
    either, so a caller holding only the id never loads the row."""
    organization_id: int = getattr(organization, "pk", organization)
    return organization_id


def _current() -> _Scope:
    return _scope.get() or _NO_SCOPE


def get_active_organization_id() -> int | None:
    return _current().organization_id


def scopes_are_disabled() -> bool:
    """True inside `scopes_disabled()` with no organization scope entered since."""
    return _current().disabled


@contextmanager
def organization_scope(organization_id: int | None) -> Iterator[None]:
    """Scope tenant querysets to `organization_id` inside the block.

    None means "no organization" (an anonymous request, a user without a membership): tenant
    queries then raise. Entering a scope also ends an outer `scopes_disabled()`, so a request
    or task run from a cross-tenant block is held to its own organization.
    """
    token = _scope.set(_Scope(organization_id=organization_id))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Let tenant managers read every organization inside the block: for the few callers that
    must cross tenants (beat fan-outs, ledger checks, seeding, the test suite's setup)."""
    token = _scope.set(_Scope(disabled=True))
    try:
        yield
    finally:
        _scope.reset(token)
