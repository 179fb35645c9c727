"""Accounts endpoints of API v1: the organizations you belong to, their members and pending
invitations. Reads go through a selector, writes through one accounts service."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import F
from django.utils.translation import gettext as _

from stockroom.accounts import selectors as account_selectors
from stockroom.accounts import services as account_services
from stockroom.accounts.models import Invitation, Membership, Organization
from stockroom.accounts.roles import Action
from stockroom.api.permissions import HasOrganizationRole
from stockroom.api.tenancy import ActiveOrganizationMixin
from stockroom.api.viewsets import AtomicWriteMixin, ReadOnlyTenantViewSet, ServiceWriteMixin
from stockroom.core.exceptions import PermissionRefused

from . import filters as api_filters
from . import serializers as s


class OrganizationViewSet(
    AtomicWriteMixin,
    ActiveOrganizationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organizations you belong to, with your role in each. Owners change the active one."""

    queryset = Organization.objects.none()
    serializer_class = s.OrganizationSerializer
    permission_classes = [HasOrganizationRole]
    write_action = Action.MANAGE_ORGANIZATION
    filterset_fields = ["currency"]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return (
            Organization.objects.filter(memberships__user=self.request.user)
            .annotate(my_role=F("memberships__role"))
            .order_by("name", "pk")
        )

    def perform_update(self, serializer):
        organization = serializer.instance
        if organization.pk != self.request.organization.pk:
            raise PermissionRefused(
                _("Select this organization (X-Organization header) to change it."),
                code="permission_denied",
            )
        data = serializer.validated_data
        updated = account_services.organization_update(
            actor=self.request.membership,
            organization=organization,
            name=data.get("name", organization.name),
            time_zone=data.get("time_zone", organization.time_zone),
            currency=data.get("currency", organization.currency),
            demand_includes_consumption=data.get("demand_includes_consumption"),
        )
        updated.my_role = self.request.membership.role
        serializer.instance = updated


class MemberViewSet(ServiceWriteMixin, mixins.DestroyModelMixin, ReadOnlyTenantViewSet):
    """Members of the active organization. Owners change roles; a member may leave (delete
    their own membership); owners remove others. The last owner always stays."""

    queryset = Membership.objects.none()
    serializer_class = s.MembershipSerializer
    filterset_class = api_filters.MembershipFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["user__email", "role", "created_at"]
    # Leaving is open to every member; the service decides who may remove whom.
    action_permissions = {"destroy": Action.VIEW, "role": Action.MANAGE_MEMBERS}

    def get_tenant_queryset(self, organization):
        return account_selectors.organization_members(organization)

    def delete_object(self, instance) -> None:
        account_services.membership_remove(actor=self.request.membership, membership=instance)

    @extend_schema(request=s.MembershipRoleSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def role(self, request, *args, **kwargs):
        """Change a member's role."""
        membership = self.get_object()
        serializer = s.MembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = account_services.membership_change_role(
            actor=request.membership, membership=membership, role=serializer.validated_data["role"]
        )
        return Response(s.MembershipSerializer(membership).data)


class InvitationViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ReadOnlyTenantViewSet
):
    """Pending invitations. Creating one emails the invitee; deleting one revokes it."""

    queryset = Invitation.objects.none()
    serializer_class = s.InvitationSerializer
    filterset_class = api_filters.InvitationFilter
    search_fields = ["email"]
    ordering_fields = ["email", "created_at", "expires_at"]
    write_action = Action.INVITE_MEMBERS

    def get_serializer_class(self):
        if self.action == "create":
            return s.InvitationCreatedSerializer
        return super().get_serializer_class()

    def get_tenant_queryset(self, organization):
        return account_selectors.pending_invitations(organization)

    def create_object(self, data):
        return account_services.invitation_create(
            actor=self.request.membership,
            email=data["email"],
            role=data["role"],
        )

    def delete_object(self, instance) -> None:
        account_services.invitation_revoke(actor=self.request.membership, invitation=instance)
