"""The bar: posting a stock movement costs at most 10 SQL queries, whatever the history.

Counted outside a test transaction (transactional_db), as in production: otherwise the service's
own transaction would show up as an extra SAVEPOINT/RELEASE pair.
"""

from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services
from stockroom.inventory.tests.factories import LocationFactory

MOVEMENT_QUERY_BUDGET = 10
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stocked(organization):
    product = ProductFactory(organization=organization, reorder_point=Decimal("1"))
    bin_a = LocationFactory(organization=organization)
    bin_b = LocationFactory(organization=organization, warehouse=bin_a.warehouse)
    for _ in range(5):  # some history: the cost must not grow with it
        services.stock_receive(
            organization=organization,
            product=product,
            location=bin_a,
            quantity=Decimal("20"),
            unit_cost=Decimal("2"),
        )
    return organization, product, bin_a, bin_b


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "idempotency-key"])
@pytest.mark.parametrize("kind", ["receive", "issue", "transfer", "adjust"])
def test_a_movement_fits_the_query_budget(stocked, kind, with_key, django_assert_max_num_queries):
    organization, product, bin_a, bin_b = stocked
    common = {"organization": organization, "product": product}
    if with_key:
        common["idempotency_key"] = f"budget-{kind}"
    three = Decimal("3")
    calls = {
        "receive": lambda: services.stock_receive(
            location=bin_a, quantity=three, unit_cost=Decimal("2.5"), **common
        ),
        "issue": lambda: services.stock_issue(
            reason_code="other", location=bin_a, quantity=three, **common
        ),
        "transfer": lambda: services.stock_transfer(
            from_location=bin_a, to_location=bin_b, quantity=three, **common
        ),
        "adjust": lambda: services.stock_adjust(
            location=bin_a, quantity_delta=-three, reason="damaged", **common
        ),
    }
    with django_assert_max_num_queries(MOVEMENT_QUERY_BUDGET):
        calls[kind]()
