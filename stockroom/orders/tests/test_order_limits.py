"""Order limits (issue 14, finding 2): a line or an order too large to be real is refused by the
services, the models' clean(), reorder and the web forms, naming the row; an oversized order
already stored still shows on every page."""

from decimal import Decimal

import pytest

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory, ProductSupplierFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.orders import services
from stockroom.orders.models import (
    DocumentSequence,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
)
from stockroom.orders.services import LineInput

from .test_views import formset_data

D = Decimal
BILLION = D("1000000000")  # 10^9: the quantity and the unit price limits
LINE_TOTAL = "The line total (quantity × unit price) is over the limit of 1,000,000,000,000."
ORDER_TOTAL = "The order total is over the limit of 1,000,000,000,000."


@pytest.fixture
def create_order(organization, user, supplier, customer):
    """`create_order(kind, lines)`: the purchase ("po") or sales ("so") order service."""

    def create(kind, lines):
        if kind == "po":
            return services.purchase_order_create(
                organization=organization, user=user, supplier=supplier, lines=lines
            )
        return services.sales_order_create(
            organization=organization, user=user, customer=customer, lines=lines
        )

    return create


KINDS = [
    pytest.param("po", PurchaseOrder, id="purchase-order"),
    pytest.param("so", SalesOrder, id="sales-order"),
]


# --- services ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "model"), KINDS)
@pytest.mark.parametrize(
    ("quantity", "unit_price", "code", "field", "message"),
    [
        pytest.param(BILLION, BILLION, "line_total_large", None, LINE_TOTAL, id="1e9-x-1e9"),
        pytest.param(
            BILLION + 1,
            D(0),
            "quantity_large",
            "quantity",
            "Enter a quantity of at most 1,000,000,000.",
            id="quantity",
        ),
        pytest.param(
            D(1),
            BILLION + D("0.01"),
            "price_large",
            "unit_price",
            "Enter a unit price of at most 1,000,000,000.",
            id="unit-price",
        ),
    ],
)
def test_the_services_refuse_an_oversized_line_naming_its_row(
    create_order,
    organization,
    product,
    flour,
    kind,
    model,
    quantity,
    unit_price,
    code,
    field,
    message,
):
    lines = [
        LineInput(product=flour, quantity=D(1), unit_price=D(1)),
        LineInput(product=product, quantity=quantity, unit_price=unit_price),
    ]

    with pytest.raises(ApplicationError) as refused:
        create_order(kind, lines)

    error = refused.value
    assert (error.code, error.field, error.message, error.extra) == (
        code,
        field,
        message,
        {"index": 1},
    )
    assert model.unscoped.count() == 0
    assert DocumentSequence.unscoped.count() == 0


@pytest.mark.parametrize(("kind", "model"), KINDS)
def test_the_services_refuse_an_order_whose_total_is_over_the_limit(
    create_order, product, flour, kind, model
):
    # Each line is 6 × 10^11, within the limit; the order is 1.2 × 10^12.
    lines = [LineInput(p, D(600_000), D(1_000_000)) for p in (product, flour)]

    with pytest.raises(ApplicationError) as refused:
        create_order(kind, lines)

    error = refused.value
    assert (error.code, error.field, error.message) == ("order_total_large", "lines", ORDER_TOTAL)
    assert model.unscoped.count() == 0


@pytest.mark.parametrize(("kind", "model"), KINDS)
def test_a_line_at_the_limits_is_accepted(create_order, product, kind, model):
    order = create_order(kind, [LineInput(product, D(1000), BILLION)])

    assert order.total == D("1000000000000.00")


@pytest.mark.parametrize("kind", ["po", "so"])
def test_an_update_to_an_oversized_line_changes_nothing(
    create_order, product, supplier, customer, kind
):
    order = create_order(kind, [LineInput(product, D(2), D(3))])
    huge = [LineInput(product, BILLION, BILLION)]

    with pytest.raises(ApplicationError) as refused:
        if kind == "po":
            services.purchase_order_update(order=order, supplier=supplier, lines=huge)
        else:
            services.sales_order_update(order=order, customer=customer, lines=huge)

    assert refused.value.code == "line_total_large"
    assert list(order.lines.values_list("quantity", "unit_price")) == [(D(2), D(3))]


def test_reorder_refuses_a_suggestion_over_the_limits_naming_its_product(
    organization, user, supplier
):
    # Nothing on hand and a reorder quantity of 2 × 10^9: more than one line may order.
    product = ProductFactory(
        organization=organization,
        sku="RIVET",
        reorder_point=D(10),
        reorder_quantity=2 * BILLION,
    )
    ProductSupplierFactory(
        organization=organization, product=product, supplier=supplier, price=D("0.01"),
        is_preferred=True,
    )  # fmt: skip

    with pytest.raises(ApplicationError) as refused:
        services.reorder_create_purchase_orders(organization=organization, user=user)

    error = refused.value
    assert (error.code, error.message) == (
        "quantity_large",
        "RIVET: Enter a quantity of at most 1,000,000,000.",
    )
    assert PurchaseOrder.unscoped.count() == 0


# --- models --------------------------------------------------------------------------------------


@pytest.mark.parametrize("line_model", [PurchaseOrderLine, SalesOrderLine])
@pytest.mark.parametrize(
    ("quantity", "unit_price", "errors"),
    [
        pytest.param(BILLION, BILLION, {NON_FIELD_ERRORS: [LINE_TOTAL]}, id="1e9-x-1e9"),
        pytest.param(
            BILLION + 1,
            BILLION + 1,
            {
                "quantity": ["Enter a quantity of at most 1,000,000,000."],
                "unit_price": ["Enter a unit price of at most 1,000,000,000."],
            },
            id="both-factors",
        ),
        pytest.param(BILLION, None, {}, id="price-not-given"),
        pytest.param(BILLION, D(1000), {}, id="at-the-limits"),
    ],
)
def test_line_clean_applies_the_order_limits(line_model, quantity, unit_price, errors):
    line = line_model(quantity=quantity, unit_price=unit_price)

    if errors:
        with pytest.raises(ValidationError) as refused:
            line.clean()
        assert refused.value.message_dict == errors
    else:
        line.clean()


# --- web forms -----------------------------------------------------------------------------------


FORMS = [
    pytest.param("orders:purchase_order_create", "supplier", PurchaseOrder, id="purchase-order"),
    pytest.param("orders:sales_order_create", "customer", SalesOrder, id="sales-order"),
]


@pytest.fixture
def header(supplier, customer):
    return {"supplier": supplier.pk, "customer": customer.pk, "notes": ""}


@pytest.mark.parametrize(("url_name", "party", "model"), FORMS)
def test_the_order_form_shows_an_oversized_line_on_its_row_and_saves_nothing(
    member_client, manager, header, product, url_name, party, model
):
    row = {"product": product.pk, "quantity": "1000000000", "unit_price": "1000000000"}
    data = {party: header[party], "notes": "", **formset_data("lines", [row])}

    response = member_client(manager).post(reverse(url_name), data)

    assert response.status_code == 200
    assert response.context["formset"].forms[0].non_field_errors() == [LINE_TOTAL]
    assert model.unscoped.count() == 0


@pytest.mark.parametrize(("url_name", "party", "model"), FORMS)
def test_the_order_form_refuses_an_order_total_over_the_limit(
    member_client, manager, header, product, flour, url_name, party, model
):
    rows = [
        {"product": p.pk, "quantity": "600000", "unit_price": "1000000"} for p in (product, flour)
    ]
    data = {party: header[party], "notes": "", **formset_data("lines", rows)}

    response = member_client(manager).post(reverse(url_name), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ORDER_TOTAL]
    assert model.unscoped.count() == 0


def test_the_edit_form_refuses_an_oversized_line(
    member_client, manager, create_order, supplier, product
):
    order = create_order("po", [LineInput(product, D(2), D(3))])
    line = order.lines.get()
    row = {
        "id": line.pk,
        "product": product.pk,
        "quantity": "1000000000",
        "unit_price": "1000000000",
    }
    data = {"supplier": supplier.pk, "notes": "", **formset_data("lines", [row], initial=1)}

    response = member_client(manager).post(
        reverse("orders:purchase_order_update", args=[order.pk]), data
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].non_field_errors() == [LINE_TOTAL]
    assert list(order.lines.values_list("quantity", "unit_price")) == [(D(2), D(3))]


def test_an_oversized_stored_order_shows_on_every_page_and_can_be_sent(
    member_client, manager, create_order, product
):
    """A row written before the limits existed (planted past every check) breaks no page."""
    purchase = create_order("po", [LineInput(product, D(2), D(3))])
    sale = create_order("so", [LineInput(product, D(2), D(3))])
    PurchaseOrderLine.unscoped.update(
        quantity=D("99999999999.999"), unit_price=D("9999999999.9999")
    )
    SalesOrderLine.unscoped.update(quantity=D("99999999999.999"), unit_price=D("9999999999.99"))
    client = member_client(manager)

    pages = [
        reverse("orders:purchase_order_list"),
        purchase.get_absolute_url(),
        reverse("orders:sales_order_list"),
        sale.get_absolute_url(),
    ]
    sent = client.post(reverse("orders:purchase_order_send", args=[purchase.pk]))

    assert [client.get(page).status_code for page in pages] == [200] * 4
    assert sent.status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == PurchaseOrderStatus.SENT
