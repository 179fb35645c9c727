"""View mixins that apply the role policy. Every page of tenant data starts from these."""

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect

from .roles import Action

if TYPE_CHECKING:
    from stockroom.core.models import TenantModel

    from .models import Membership, Organization


class MemberRequest(HttpRequest):
    """The request every member page gets: the middleware (accounts/middleware.py) sets the
    active membership and its organization on it."""

    membership: "Membership | None"
    organization: "Organization"


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class MemberRequiredMixin(LoginRequiredMixin):
    """Requires a logged-in member of an organization whose role allows the view's action.

    `read_action` guards safe methods and `write_action` guards the rest, so a page that shows
    a form can be readable by viewers and writable only by the roles that may write.
    """

    request: HttpRequest
    read_action: Action = Action.VIEW
    write_action: Action | None = None

    def required_action(self) -> Action:
        if self.request.method in SAFE_METHODS or self.write_action is None:
            return self.read_action
        return self.write_action

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.membership is None:
            return redirect("accounts:no_organization")
        if not request.membership.can(self.required_action()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TenantObjectMixin(MemberRequiredMixin):
    """Generic views over a tenant model: querysets from the scoped manager; new rows get the
    active organization. Another organization's object is therefore a 404."""

    # Declared, not assigned: the generic view behind the mixin holds the default (None), and a
    # subclass names a tenant model, which `get_queryset` relies on.
    model: "type[TenantModel]"

    def get_queryset(self):
        return self.model.objects.for_organization(self.request.organization)

    def form_valid(self, form):
        if form.instance.pk is None:
            form.instance.organization = self.request.organization
        return super().form_valid(form)
