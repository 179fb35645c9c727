from django.views.generic import TemplateView

from stockroom.accounts.permissions import MemberRequiredMixin

from . import selectors


class DashboardView(MemberRequiredMixin, TemplateView):
    """The organization's home page."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            overview=selectors.organization_overview(self.request.organization), **kwargs
        )
