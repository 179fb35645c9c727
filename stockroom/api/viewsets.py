"""Base viewsets of the API: tenant scope, role permission, CSV on lists, service hooks, and
writes that commit only with the response that reports them."""

from rest_framework import mixins, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from django.db import transaction

from stockroom.accounts.roles import Action

from .permissions import HasOrganizationRole
from .renderers import CSVRenderer
from .tenancy import ActiveOrganizationMixin


class AtomicWriteMixin:
    """Runs every write request (POST, PUT, PATCH, DELETE, custom actions included) and the
    rendering of its response in one transaction.

    A service commits its own transaction; if building or rendering the response failed after
    that, the client got a 500 for a write that had happened, and a retry did it twice. Here the
    write commits only once its response is rendered, and an error response (a refusal, or an
    exception DRF turned into one) rolls back whatever ran before it. Post-commit work
    (`on_commit`) runs when this outer transaction commits.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            response.render()
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response


class TenantViewSet(AtomicWriteMixin, ActiveOrganizationMixin, viewsets.GenericViewSet):
    """A viewset over the active organization's rows of `queryset.model`.

    Subclasses set `queryset` (for the schema; the real one is scoped per request in
    `get_tenant_queryset`), `read_action` / `write_action` / `action_permissions`, and
    (with ServiceWriteMixin) override `create_object` / `update_object` / `delete_object` to
    call their services.
    """

    permission_classes = [HasOrganizationRole]
    read_action: Action = Action.VIEW
    write_action: Action | None = None
    action_permissions: dict[str, Action] = {}
    # Set per action (`@action(throttle_scope="bulk")`) for the scoped rate limit.
    throttle_scope: str | None = None

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers.append(CSVRenderer())
        return renderers

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or self.request.organization is None:
            return self.queryset.none()
        return self.get_tenant_queryset(self.request.organization)

    def get_tenant_queryset(self, organization):
        return self.queryset.model.objects.for_organization(organization)


class ServiceWriteMixin:
    """Routes DRF's save hooks to services. List it before DRF's Create/Update/Destroy mixins,
    whose own hooks would otherwise save through the serializer and bypass the services."""

    def create_object(self, data: dict):
        raise NotImplementedError

    def update_object(self, instance, data: dict):
        raise NotImplementedError

    def delete_object(self, instance) -> None:
        raise NotImplementedError

    def perform_create(self, serializer):
        serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        self.delete_object(instance)


class ReadOnlyTenantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    pass


class CrudTenantViewSet(
    ServiceWriteMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ReadOnlyTenantViewSet,
):
    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
