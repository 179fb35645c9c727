"""Open documents in the demo organization, so the order and count pages have something to show.

`seed_demo` loads the catalog, stock and history but no orders; the screenshot and accessibility
tests need a purchase order, a sales order and a stock count. Created through the services, as a
user would through the pages. Run by the e2e server fixture with the server's environment:

    python e2e/demo_documents.py owner@demo.stockroom.dev
"""

import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from stockroom.accounts.models import Membership  # noqa: E402
from stockroom.catalog.models import Customer  # noqa: E402
from stockroom.core.tenancy import organization_scope  # noqa: E402
from stockroom.inventory.models import StockLevel  # noqa: E402
from stockroom.orders import services  # noqa: E402


def main(owner_email: str) -> None:
    membership = Membership.objects.select_related("organization", "user").get(
        user__email=owner_email, role="owner"
    )
    organization, user = membership.organization, membership.user
    with organization_scope(organization.pk):
        orders = services.reorder_create_purchase_orders(organization=organization, user=user)
        services.purchase_order_send(order=orders[0], user=user)

        level = (
            StockLevel.objects.filter(on_hand__gte=5, reserved=0, product__is_active=True)
            .select_related("product", "location__warehouse")
            .order_by("product__sku", "pk")
            .first()
        )
        customer = Customer.objects.filter(is_active=True).order_by("pk").first()
        order = services.sales_order_create(
            organization=organization,
            user=user,
            customer=customer,
            lines=[
                services.LineInput(
                    product=level.product,
                    quantity=Decimal(2),
                    unit_price=level.product.sale_price or Decimal("1.00"),
                )
            ],
        )
        services.sales_order_confirm(order=order, user=user)

        services.stock_count_create(
            organization=organization,
            user=user,
            warehouse=level.location.warehouse,
            location=level.location,
        )


if __name__ == "__main__":
    main(sys.argv[1])
