"""No API write answers an error after it committed (issue 14, finding 2).

Every write route of the v1 router (generated from it, so a new viewset or action is covered
without anyone listing it) renders its response inside the request's transaction; and where the
response fails after the service ran, the write is rolled back with it.
"""

from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from django.db import connection
from django.urls import reverse

from stockroom.api.v1.urls import router
from stockroom.catalog.tests.factories import ProductFactory, SupplierFactory
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders.models import (
    DocumentSequence,
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrderStatus,
)

from .endpoints import make_purchase_order, make_sales_order

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
MISSING_PK = 2_000_000_000


def _write_routes() -> list:
    routes = []
    for pattern in router.urls:
        if "format" in pattern.pattern.regex.groupindex:
            continue  # the `.json` twin of a route already listed
        actions = getattr(pattern.callback, "actions", None) or {}
        for method in WRITE_METHODS:
            if method in actions:
                routes.append(
                    pytest.param(pattern, method, id=f"{pattern.name}-{method}-{actions[method]}")
                )
    return routes


WRITE_ROUTES = _write_routes()


def test_the_router_has_the_write_routes_this_test_walks():
    names = {param.id for param in WRITE_ROUTES}
    assert len(WRITE_ROUTES) >= 40
    assert {
        "purchase-order-list-post-create",
        "purchase-order-send-post-send",
        "sales-order-ship-post-ship",
        "movement-list-post-create",
        "organization-detail-patch-partial_update",
    } <= names


@pytest.fixture
def render_depths(monkeypatch) -> list[int]:
    """The savepoint depth of the connection each time a response is rendered."""
    depths: list[int] = []
    rendered_content = Response.rendered_content

    def spy(response):
        depths.append(len(connection.savepoint_ids))
        return rendered_content.fget(response)

    monkeypatch.setattr(Response, "rendered_content", property(spy))
    return depths


@pytest.mark.parametrize(("pattern", "method"), WRITE_ROUTES)
def test_every_write_route_renders_its_response_inside_the_transaction(
    owner_client, pattern, method, render_depths
):
    kwargs = {"version": "v1"}
    if "pk" in pattern.pattern.regex.groupindex:
        kwargs["pk"] = MISSING_PK
    url = reverse(f"api:{pattern.name}", kwargs=kwargs)
    # The test's own transaction is the base; the request's transaction adds one savepoint.
    base = len(connection.savepoint_ids)

    response = getattr(owner_client, method)(url, {}, format="json")

    assert response.status_code < 500
    assert render_depths == [base + 1]


class RenderingFailed(Exception):
    pass


@pytest.fixture
def failing_renderer(monkeypatch):
    """Rendering a JSON response raises, as an unrenderable response would."""
    render_json = JSONRenderer.render

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if renderer_context is None:  # the test client encoding the request body
            return render_json(self, data, accepted_media_type, renderer_context)
        raise RenderingFailed

    monkeypatch.setattr(JSONRenderer, "render", render)


def test_a_create_whose_response_fails_leaves_no_order(
    owner_client, organization, failing_renderer
):
    body = {
        "supplier": SupplierFactory(organization=organization).pk,
        "lines": [
            {
                "product": ProductFactory(organization=organization).pk,
                "quantity": "3",
                "unit_price": "2.00",
            }
        ],
    }

    with pytest.raises(RenderingFailed):
        owner_client.post("/api/v1/purchase-orders/", body, format="json")

    assert PurchaseOrder.unscoped.count() == 0
    assert DocumentSequence.unscoped.count() == 0


def test_a_send_whose_response_fails_leaves_the_order_a_draft(
    owner_client, organization, failing_renderer
):
    order = make_purchase_order(organization)

    with pytest.raises(RenderingFailed):
        owner_client.post(f"/api/v1/purchase-orders/{order.pk}/send/")

    order.refresh_from_db()
    assert (order.status, order.sent_at) == (PurchaseOrderStatus.DRAFT, None)


def test_a_confirm_whose_response_fails_reserves_nothing(
    owner_client, organization, failing_renderer
):
    order = make_sales_order(organization)
    line = order.lines.get()

    with pytest.raises(RenderingFailed):
        owner_client.post(f"/api/v1/sales-orders/{order.pk}/confirm/", {}, format="json")

    order.refresh_from_db()
    assert order.status == SalesOrderStatus.DRAFT
    assert StockLevel.unscoped.get(product=line.product).reserved == Decimal(0)


def test_a_movement_whose_response_fails_posts_nothing(
    owner_client, organization, failing_renderer
):
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    body = {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": "4"}

    with pytest.raises(RenderingFailed):
        owner_client.post(
            "/api/v1/movements/", body, format="json", HTTP_IDEMPOTENCY_KEY="render-fails"
        )

    assert StockMovement.unscoped.filter(product=product).count() == 0
    assert StockLevel.unscoped.filter(product=product).count() == 0
