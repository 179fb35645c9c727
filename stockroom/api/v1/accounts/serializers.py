"""Serializers of the organizations, members and invitations endpoints."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stockroom.accounts.models import Invitation, Membership, Organization
from stockroom.accounts.roles import Role


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this organization.")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "time_zone",
            "currency",
            "demand_includes_consumption",
            "role",
            "created_at",
        ]
        read_only_fields = ["slug", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, organization) -> str:
        return getattr(organization, "my_role", "")


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "expires_at", "created_at"]
        read_only_fields = ["invited_by", "expires_at", "created_at"]
        extra_kwargs = {"email": {"max_length": 254}}


class InvitationCreatedSerializer(InvitationSerializer):
    """The create response: the only one with the accept link, since the database keeps its hash."""

    accept_url = serializers.URLField(
        read_only=True,
        help_text=(
            "The invitation's accept link, returned once, in this response only: send it yourself "
            "when email is not set up. No later request can read it again."
        ),
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "accept_url"]
