"""FilterSets of the members and invitations endpoints."""

import django_filters as filters

from stockroom.accounts.models import Invitation, Membership


class MembershipFilter(filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["role"]


class InvitationFilter(filters.FilterSet):
    class Meta:
        model = Invitation
        fields = ["role"]
