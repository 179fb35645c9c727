"""Base models shared by every app. Core imports no app: tenants are named by string."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import get_active_organization_id


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "TenantQuerySet":
        organization_id = getattr(organization, "pk", organization)
        return self.filter(organization_id=organization_id)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant data: scoped to the active organization when one is active."""

    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        organization_id = get_active_organization_id()
        if organization_id is not None:
            queryset = queryset.filter(organization_id=organization_id)
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
    unscoped = models.Manager.from_queryset(TenantQuerySet)()

    class Meta:
        abstract = True
