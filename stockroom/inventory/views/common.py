"""What the inventory pages share: the list base with the role buttons and capped counts,
and the link to a product's page."""

from django.urls import NoReverseMatch, reverse

from stockroom.accounts.permissions import MemberRequiredMixin, TenantObjectMixin
from stockroom.accounts.roles import Action
from stockroom.core.lists import ListPageView
from stockroom.core.pagination import CappedCountPaginator
from stockroom.core.views import ServiceFormMixin

# --- Shared plumbing ------------------------------------------------------------------------


class InventoryListView(MemberRequiredMixin, ListPageView):
    """The inventory lists: capped counts (the ledger and stock levels run long), and the
    buttons their role allows."""

    paginator_class = CappedCountPaginator

    @property
    def filters(self) -> dict:
        return self.filter_form.cleaned_data

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=self.request.membership.can(Action.MANAGE_WAREHOUSES),
            can_post=self.request.membership.can(Action.POST_MOVEMENTS),
            **kwargs,
        )


def product_page_url(product) -> str:
    """Where to go after posting a movement: the product's page, else the ledger."""
    try:
        return reverse("catalog:product_detail", kwargs={"pk": product.pk})
    except NoReverseMatch:
        return reverse("inventory:movement_list")


class PlaceFormMixin(ServiceFormMixin, TenantObjectMixin):
    """Create and edit pages of warehouses and locations: managers only, even to look.

    ServiceFormMixin comes first so that its `form_valid` (the service call) replaces
    TenantObjectMixin's."""

    read_action = Action.MANAGE_WAREHOUSES
    write_action = Action.MANAGE_WAREHOUSES

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_success_url(self):
        return self.object.get_absolute_url()


class PlaceDeleteMixin(ServiceFormMixin, TenantObjectMixin):
    """A confirm page whose POST asks the service; a refusal is shown on the same page."""

    read_action = Action.MANAGE_WAREHOUSES
    write_action = Action.MANAGE_WAREHOUSES

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=409)
