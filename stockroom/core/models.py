"""Base models shared by every app. Core imports no app: tenants are named by string."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import ScopeError, get_active_organization_id, organization_id_of, scopes_are_disabled


class TenantQuerySet(models.QuerySet):
    # Set on querysets made with no organization scope active: they raise when they reach the
    # database, instead of reading (or writing) every organization's rows.
    _scope_missing = False

    def for_organization(self, organization) -> "TenantQuerySet":
        organization_id = organization_id_of(organization)
        return self.filter(organization_id=organization_id)

    def _check_scope(self) -> None:
        if self._scope_missing and not scopes_are_disabled():
            raise ScopeError(
                f"{self.model.__name__} queried with no organization scope active: enter "
                "organization_scope(), or scopes_disabled() where crossing tenants is intended"
            )

    def none(self) -> "TenantQuerySet":
        # Reads nothing, so it is safe anywhere: forms declare `queryset=Model.objects.none()`
        # at import time and set the scoped queryset per request.
        empty = super().none()
        empty._scope_missing = False
        return empty

    def _clone(self):
        clone = super()._clone()
        clone._scope_missing = self._scope_missing
        return clone

    # Every way a queryset reaches the database passes one of these.
    def _fetch_all(self):
        self._check_scope()
        return super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._check_scope()
        return super().count()

    def exists(self):
        self._check_scope()
        return super().exists()

    def contains(self, obj):
        self._check_scope()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def in_bulk(self, *args, **kwargs):
        self._check_scope()
        return super().in_bulk(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def _update(self, values):
        self._check_scope()
        return super()._update(values)

    def delete(self):
        self._check_scope()
        return super().delete()

    def explain(self, **options):
        self._check_scope()
        return super().explain(**options)

    def resolve_expression(self, *args, **kwargs):
        # Used as a subquery (`pk__in=queryset`, Subquery, Exists) it never runs on its own.
        self._check_scope()
        return super().resolve_expression(*args, **kwargs)


_TenantManagerBase = models.Manager.from_queryset(TenantQuerySet)


class TenantManager(_TenantManagerBase):
    """Default manager of tenant data: scoped to the active organization; with none active it
    fails closed (its querysets raise ScopeError) unless scopes are disabled."""

    def get_queryset(self) -> TenantQuerySet:
        queryset: TenantQuerySet = super().get_queryset()  # type: ignore[assignment]
        organization_id = get_active_organization_id()
        if organization_id is not None:
            queryset = queryset.filter(organization_id=organization_id)
        elif not scopes_are_disabled():
            queryset._scope_missing = True
        return queryset


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimeStampedModel):
    """A row that belongs to exactly one organization."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )

    objects = TenantManager()
    # Crosses tenants: only for the modules the source scan allows (test_tenancy_source.py).
    unscoped = models.Manager.from_queryset(TenantQuerySet)()

    class Meta:
        abstract = True
