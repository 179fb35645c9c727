from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from stockroom.accounts.permissions import MemberRequiredMixin
from stockroom.core.ids import parse_id
from stockroom.core.lists import ListPageView

from . import selectors, services


class NotificationListView(MemberRequiredMixin, ListPageView):
    template_name = "alerts/notification_list.html"
    context_object_name = "notifications"

    def get_queryset(self):
        return selectors.inbox(organization=self.request.organization, user=self.request.user)


class NotificationMarkReadView(MemberRequiredMixin, View):
    """Marks one notification (`id` in the form) or all of them as read."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        raw_ids = request.POST.getlist("id")
        ids = [parse_id(value) for value in raw_ids] if raw_ids else None
        if ids is not None and None in ids:
            raise BadRequest("id must be a notification id")
        changed = services.notifications_mark_read(
            organization=request.organization, user=request.user, notification_ids=ids
        )
        if not request.htmx:
            messages.info(request, _("%(count)s notifications marked read.") % {"count": changed})
        return redirect("alerts:notification_list")
