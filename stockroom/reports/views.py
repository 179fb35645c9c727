from django.views.generic import TemplateView

from stockroom.accounts.permissions import MemberRequiredMixin

from . import selectors


class DashboardView(MemberRequiredMixin, TemplateView):
    """The organization's home page; its figures refresh live when stock moves."""

    template_name = "reports/dashboard.html"

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("fragment") == "kpis":
            return ["reports/partials/dashboard_live.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        return super().get_context_data(
            overview=selectors.organization_overview(organization),
            movements=selectors.recent_movements(organization),
            **kwargs,
        )
