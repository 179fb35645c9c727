from datetime import date
from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.inventory.models import MovementKind, StockMovement
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.orders import services
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderStatus,
    StockCount,
    StockCountStatus,
)
from stockroom.orders.services import LineInput

from .conftest import level

D = Decimal


@pytest.fixture
def draft_po(organization, user, supplier, product):
    return services.purchase_order_create(
        organization=organization,
        user=user,
        supplier=supplier,
        lines=[LineInput(product=product, quantity=D("10"), unit_price=D("2.0000"))],
    )


@pytest.fixture
def count(organization, user, warehouse, bin_a, product, stock):
    stock(product, bin_a, "3")
    return services.stock_count_create(
        organization=organization, user=user, warehouse=warehouse, location=bin_a
    )


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# --- the whole flow through the web UI -----------------------------------------------------------


def test_low_stock_to_received_purchase_order_through_the_ui(
    member_client, manager, clerk, organization, supplier, bin_a, stock, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    product = ProductFactory(organization=organization, sku="LOW", reorder_point=D("5"),
                             reorder_quantity=D("20"))  # fmt: skip
    supplier.product_links.create(
        organization=organization, product=product, is_preferred=True, price=D("3.0000")
    )
    client = member_client(manager)
    orphan = ProductFactory(organization=organization, sku="ORPHAN", reorder_point=D("1"),
                            reorder_quantity=D("2"))  # fmt: skip
    page = client.get(reverse("orders:reorder"))
    assert page.status_code == 200
    assert [(s.product.sku, url) for s, url in page.context["with_supplier"]] == [
        ("LOW", product.get_absolute_url())
    ]
    assert [(s.product.sku, url) for s, url in page.context["without_supplier"]] == [
        ("ORPHAN", orphan.get_absolute_url())
    ]
    assert f'href="{product.get_absolute_url()}">LOW</a>' in page.content.decode()
    response = client.post(reverse("orders:reorder"))
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    assert order.status == PurchaseOrderStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:purchase_order_send", args=[order.pk]))
    assert response.status_code == 302
    assert len(mailoutbox) == 1

    client = member_client(clerk)
    url = reverse("orders:purchase_order_receive", args=[order.pk])
    assert client.get(url).status_code == 200
    line = order.lines.get()
    data = {"location": bin_a.pk, **formset_data("lines", [{"line_id": line.pk, "quantity": "25"}])}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Cannot receive more than ordered: 20 outstanding." in response.content.decode()
    data["lines-0-quantity"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED
    assert level(product, bin_a).on_hand == D("20")
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


def test_purchase_order_create_with_formset_and_edit(
    member_client, manager, supplier, product, flour
):
    client = member_client(manager)
    data = {
        "supplier": supplier.pk,
        "expected_date": "2030-05-01",
        "notes": "",
        **formset_data(
            "lines",
            [
                {"product": product.pk, "quantity": "4", "unit_price": "1.25"},
                {"product": flour.pk, "quantity": "2.5", "unit_price": "0.8"},
                {"product": "", "quantity": "", "unit_price": ""},
            ],
        ),
    }
    assert client.get(reverse("orders:purchase_order_create")).status_code == 200
    response = client.post(reverse("orders:purchase_order_create"), data)
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    assert (order.number, order.expected_date) == ("PO-00001", date(2030, 5, 1))
    assert [(line.product.sku, line.quantity) for line in order.lines.all()] == [
        ("BOLT", D("4")),
        ("FLOUR", D("2.5")),
    ]
    lines = list(order.lines.order_by("pk"))
    edit = {
        "supplier": supplier.pk,
        "expected_date": "",
        "notes": "",
        **formset_data(
            "lines",
            [
                {"id": lines[0].pk, "product": product.pk, "quantity": "6", "unit_price": "1.25"},
                {
                    "id": lines[1].pk,
                    "product": flour.pk,
                    "quantity": "2.5",
                    "unit_price": "0.8",
                    "DELETE": "on",
                },
            ],
            initial=2,
        ),
    }
    url = reverse("orders:purchase_order_update", args=[order.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, edit).status_code == 302
    assert [(line.product.sku, line.quantity) for line in order.lines.all()] == [("BOLT", D("6"))]


def test_duplicate_product_error_shows_on_the_row(member_client, manager, supplier, product):
    client = member_client(manager)
    row = {"product": product.pk, "quantity": "1", "unit_price": "1"}
    data = {"supplier": supplier.pk, **formset_data("lines", [row, row])}
    response = client.post(reverse("orders:purchase_order_create"), data)
    assert response.status_code == 200
    assert "Each product may appear only once on an order." in response.content.decode()
    assert PurchaseOrder.objects.count() == 0


def test_editing_a_sent_purchase_order_is_refused(member_client, manager, draft_po, user):
    services.purchase_order_send(order=draft_po, user=user)
    client = member_client(manager)
    url = reverse("orders:purchase_order_update", args=[draft_po.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == draft_po.get_absolute_url()


def test_line_form_row_bumps_the_total(member_client, manager):
    response = member_client(manager).get(
        reverse("orders:purchase_order_line_form"), {"lines-TOTAL_FORMS": "3"}
    )
    body = response.content.decode()
    assert 'name="lines-3-product"' in body
    assert 'id="id_lines-TOTAL_FORMS" value="4" hx-swap-oob="true"' in body


def test_sales_order_confirm_ship_through_the_ui(
    member_client, manager, clerk, draft_so, product, bin_a, stock, organization
):
    stock(product, bin_a, "1")
    client = member_client(manager)
    confirm = reverse("orders:sales_order_confirm", args=[draft_so.pk])
    response = client.post(confirm, {"on_shortage": "refuse"}, follow=True)
    assert "Not enough stock to reserve BOLT in full: 1 short." in response.content.decode()
    assert SalesOrder.objects.get().status == SalesOrderStatus.DRAFT
    client.post(confirm, {"on_shortage": "backorder"})
    draft_so.refresh_from_db()
    assert draft_so.status == SalesOrderStatus.CONFIRMED
    stock(product, bin_a, "5")
    client.post(reverse("orders:sales_order_reserve_backorders", args=[draft_so.pk]))
    client = member_client(clerk)
    assert client.get(reverse("orders:sales_order_print", args=[draft_so.pk])).status_code == 200
    response = client.post(reverse("orders:sales_order_ship", args=[draft_so.pk]))
    assert response.status_code == 302
    draft_so.refresh_from_db()
    assert draft_so.status == SalesOrderStatus.SHIPPED
    assert (level(product, bin_a).on_hand, level(product, bin_a).reserved) == (D("4"), D("0"))
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


def test_count_through_the_ui(member_client, manager, clerk, count, product, bin_a, organization):
    client = member_client(clerk)
    url = reverse("orders:stock_count_enter", args=[count.pk])
    assert client.get(url).status_code == 200
    line = count.lines.get()
    data = formset_data("lines", [{"line_id": line.pk, "counted_quantity": "1.5"}])
    response = client.post(url, {**data, "submit": ""})
    assert response.status_code == 200
    assert "counted in whole units" in response.content.decode()
    data["lines-0-counted_quantity"] = "2"
    assert client.post(url, {**data, "submit": ""}).status_code == 302
    count.refresh_from_db()
    assert count.status == StockCountStatus.SUBMITTED

    client = member_client(manager)
    detail = client.get(count.get_absolute_url())
    assert detail.status_code == 200
    client.post(reverse("orders:stock_count_approve", args=[count.pk]))
    count.refresh_from_db()
    assert count.status == StockCountStatus.APPROVED
    assert level(product, bin_a).on_hand == D("2")
    assert StockMovement.objects.filter(kind=MovementKind.COUNT).count() == 1
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


def test_found_item_through_the_ui(member_client, manager, clerk, count, organization, bin_a):
    found = ProductFactory(organization=organization, sku="FOUND")
    client = member_client(clerk)
    url = reverse("orders:stock_count_add_line", args=[count.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"data-product-picker" in page.content
    bad = client.post(url, {"product": found.pk, "location": bin_a.pk, "counted_quantity": "-1"})
    assert bad.status_code == 200
    assert count.lines.count() == 1
    response = client.post(
        url, {"product": found.pk, "location": bin_a.pk, "counted_quantity": "3"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:stock_count_enter", args=[count.pk])
    line = count.lines.get(product=found)
    assert (line.expected_quantity, line.counted_quantity) == (D("0"), D("3"))
    enter = client.get(response["Location"])
    assert "FOUND" in enter.content.decode()


def test_found_item_with_an_unknown_lot_names_the_lot(
    member_client, clerk, count, organization, bin_a
):
    milk = ProductFactory(organization=organization, sku="MILK-9", is_lot_tracked=True)
    client = member_client(clerk)
    response = client.post(
        reverse("orders:stock_count_add_line", args=[count.pk]),
        {"product": milk.pk, "location": bin_a.pk, "lot": "NOPE", "counted_quantity": "1"},
    )
    assert response.status_code == 200
    assert "MILK-9 has no lot NOPE." in response.content.decode()
    assert not count.lines.filter(product=milk).exists()


def test_found_item_page_of_a_submitted_count_redirects(member_client, manager, count):
    line = count.lines.get()
    services.stock_count_record(count=count, user=manager.user, quantities={line.pk: D("1")})
    services.stock_count_submit(count=count, user=manager.user)
    client = member_client(manager)
    response = client.get(reverse("orders:stock_count_add_line", args=[count.pk]))
    assert response.status_code == 302
    assert response["Location"] == count.get_absolute_url()


def test_stock_count_create_view(member_client, manager, warehouse, bin_a, product, stock):
    stock(product, bin_a, "3")
    response = member_client(manager).post(
        reverse("orders:stock_count_create"), {"warehouse": warehouse.pk, "location": ""}
    )
    assert response.status_code == 302
    assert StockCount.objects.get().lines.count() == 1


def test_purchase_order_pdf_download(member_client, viewer, draft_po):
    response = member_client(viewer).get(reverse("orders:purchase_order_pdf", args=[draft_po.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_print_views_link_the_print_stylesheet_and_have_no_inline_code(
    member_client, viewer, draft_po, draft_so, count
):
    client = member_client(viewer)
    for name, pk in [
        ("orders:purchase_order_print", draft_po.pk),
        ("orders:sales_order_print", draft_so.pk),
        ("orders:stock_count_print", count.pk),
    ]:
        body = client.get(reverse(name, args=[pk])).content.decode()
        assert "css/print.css" in body
        assert "<script" not in body and "style=" not in body and "<style" not in body


# --- roles ---------------------------------------------------------------------------------------

ROLES = [Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER]


def _pages(po, so, count):
    """(name, method, url, roles allowed)."""
    managers = {Role.OWNER, Role.MANAGER}
    floor = {Role.OWNER, Role.MANAGER, Role.CLERK}
    everyone = set(ROLES)
    return [
        ("po-list", "get", reverse("orders:purchase_order_list"), everyone),
        ("po-detail", "get", reverse("orders:purchase_order_detail", args=[po.pk]), everyone),
        ("po-print", "get", reverse("orders:purchase_order_print", args=[po.pk]), everyone),
        ("po-create", "get", reverse("orders:purchase_order_create"), managers),
        ("po-edit", "get", reverse("orders:purchase_order_update", args=[po.pk]), managers),
        ("po-send", "post", reverse("orders:purchase_order_send", args=[po.pk]), managers),
        ("po-receive", "get", reverse("orders:purchase_order_receive", args=[po.pk]), floor),
        ("po-cancel", "post", reverse("orders:purchase_order_cancel", args=[po.pk]), managers),
        ("so-list", "get", reverse("orders:sales_order_list"), everyone),
        ("so-detail", "get", reverse("orders:sales_order_detail", args=[so.pk]), everyone),
        ("so-create", "get", reverse("orders:sales_order_create"), managers),
        ("so-confirm", "post", reverse("orders:sales_order_confirm", args=[so.pk]), managers),
        ("so-ship", "post", reverse("orders:sales_order_ship", args=[so.pk]), floor),
        ("so-ship-page", "get", reverse("orders:sales_order_shipment_create", args=[so.pk]), floor),
        ("so-cancel", "post", reverse("orders:sales_order_cancel", args=[so.pk]), managers),
        ("count-list", "get", reverse("orders:stock_count_list"), everyone),
        ("count-detail", "get", reverse("orders:stock_count_detail", args=[count.pk]), everyone),
        ("count-create", "get", reverse("orders:stock_count_create"), managers),
        ("count-enter", "get", reverse("orders:stock_count_enter", args=[count.pk]), floor),
        ("count-add-line", "get", reverse("orders:stock_count_add_line", args=[count.pk]), floor),
        ("count-submit", "post", reverse("orders:stock_count_submit", args=[count.pk]), floor),
        ("count-approve", "post", reverse("orders:stock_count_approve", args=[count.pk]), managers),
        ("reorder", "get", reverse("orders:reorder"), everyone),
        ("reorder-create", "post", reverse("orders:reorder"), managers),
    ]


@pytest.mark.parametrize("role", ROLES, ids=[str(role) for role in ROLES])
def test_role_matrix(member_client, organization, draft_po, draft_so, count, role):
    client = member_client(MembershipFactory(organization=organization, role=role))
    outcomes = {}
    for name, method, url, _allowed in _pages(draft_po, draft_so, count):
        status = getattr(client, method)(url).status_code
        outcomes[name] = status != 403
        assert status != 500
    expected = {
        name: role in allowed for name, _m, _u, allowed in _pages(draft_po, draft_so, count)
    }
    assert outcomes == expected


def test_anonymous_is_sent_to_login(client, draft_po):
    response = client.get(reverse("orders:purchase_order_detail", args=[draft_po.pk]))
    assert response.status_code == 302
    assert "login" in response.url


def test_another_organizations_documents_are_404(member_client, draft_po, draft_so, count):
    stranger = MembershipFactory(organization=OrganizationFactory(), role=Role.OWNER)
    client = member_client(stranger)
    for name, method, url, _allowed in _pages(draft_po, draft_so, count):
        if "<" in url or not any(str(pk) in url for pk in (draft_po.pk, draft_so.pk, count.pk)):
            continue
        if name.endswith("list") or name in ("reorder", "reorder-create") or "create" in name:
            continue
        assert getattr(client, method)(url).status_code == 404, name
    assert PurchaseOrder.objects.get(pk=draft_po.pk).status == PurchaseOrderStatus.DRAFT


def test_lists_show_only_this_organizations_documents(member_client, viewer, draft_po):
    other = OrganizationFactory()
    services.purchase_order_create(
        organization=other, user=None, supplier=SupplierFactory(organization=other), lines=[]
    )
    response = member_client(viewer).get(reverse("orders:purchase_order_list"))
    assert [order.pk for order in response.context["page_obj"]] == [draft_po.pk]


# --- lists: filters, htmx, query counts ----------------------------------------------------------


def test_list_filters_by_state_and_search(member_client, viewer, draft_po, user, supplier):
    sent = services.purchase_order_create(
        organization=draft_po.organization, user=user, supplier=supplier, lines=[]
    )
    services.purchase_order_cancel(order=sent, user=user)
    client = member_client(viewer)
    url = reverse("orders:purchase_order_list")
    response = client.get(url, {"status": "cancelled"})
    assert [o.number for o in response.context["page_obj"]] == ["PO-00002"]
    response = client.get(url, {"q": "BOLT"})
    assert [o.number for o in response.context["page_obj"]] == ["PO-00001"]
    response = client.get(url, {"status": "nonsense"})
    assert [o.number for o in response.context["page_obj"]] == ["PO-00002", "PO-00001"]
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="orders-results"')


def _make_documents(organization, user, n):
    supplier = SupplierFactory(organization=organization)
    customer = CustomerFactory(organization=organization)
    from stockroom.inventory.services import stock_receive
    from stockroom.inventory.tests.factories import LocationFactory

    location = LocationFactory(organization=organization)
    for index in range(n):
        product = ProductFactory(organization=organization)
        stock_receive(organization=organization, product=product, location=location, quantity=D(5))
        line = [LineInput(product=product, quantity=D("1"), unit_price=D("1"))]
        services.purchase_order_create(
            organization=organization, user=user, supplier=supplier, lines=line
        )
        order = services.sales_order_create(
            organization=organization, user=user, customer=customer, lines=line
        )
        services.sales_order_confirm(order=order, user=user)
        if index % 2:
            services.stock_count_create(
                organization=organization, user=user, warehouse=location.warehouse,
                location=location,
            )  # fmt: skip
        else:
            services.stock_count_create(
                organization=organization, user=user, warehouse=location.warehouse
            )


@pytest.mark.parametrize(
    "name", ["purchase_order_list", "sales_order_list", "stock_count_list", "reorder"]
)
def test_list_query_count_is_constant(
    member_client, viewer, organization, user, django_assert_max_num_queries, name
):
    client = member_client(viewer)
    url = reverse(f"orders:{name}")
    _make_documents(organization, user, 3)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _make_documents(organization, user, 27)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_closing_short_from_the_page_says_what_came_and_what_will_not(
    member_client, manager, viewer, draft_po, user, bin_a
):
    services.purchase_order_send(order=draft_po, user=user)
    line = draft_po.lines.get()
    services.purchase_order_receive(
        order=draft_po, user=user, location=bin_a,
        receipts=[services.ReceiptInput(line=line, quantity=D("4"))],
    )  # fmt: skip
    detail = reverse("orders:purchase_order_detail", args=[draft_po.pk])
    before = member_client(manager).get(detail).content.decode()
    close_url = reverse("orders:purchase_order_close", args=[draft_po.pk])
    assert f'action="{close_url}" data-confirm="Close this order short?' in before

    response = member_client(manager).post(close_url, follow=True)

    assert response.redirect_chain == [(detail, 302)]
    assert "PO-00001 was closed short; what was received stays in stock." in (
        response.content.decode()
    )
    stored = PurchaseOrder.objects.get(pk=draft_po.pk)
    assert (stored.status, stored.closed_by) == (PurchaseOrderStatus.CLOSED, manager.user)
    page = member_client(viewer).get(detail)
    html = page.content.decode()
    summary = html.split('id="closed-short"')[1].split("</section>")[0]
    assert f"{line.product.sku}</span> · {line.product.name}: 4 received of 10 ordered" in summary
    assert "6 will not arrive" in summary
    assert "Received value 8.00 USD of 20.00 USD ordered." in summary
    assert page.context["order"].total == D("8.00")
    assert page.context["order"].ordered_total == D("20.00")
    assert 'id="received-value">8.00 USD' in html
    assert "Ordered value" in html
    listed = member_client(viewer).get(reverse("orders:purchase_order_list")).content.decode()
    assert "8.00 USD" in listed and "20.00 USD" not in listed


def test_cancelling_a_partly_received_po_from_the_page_points_to_close(
    member_client, manager, draft_po, user, bin_a
):
    services.purchase_order_send(order=draft_po, user=user)
    services.purchase_order_receive(
        order=draft_po, user=user, location=bin_a,
        receipts=[services.ReceiptInput(line=draft_po.lines.get(), quantity=D("4"))],
    )  # fmt: skip
    response = member_client(manager).post(
        reverse("orders:purchase_order_cancel", args=[draft_po.pk]), follow=True
    )
    assert "so it cannot be cancelled. Close it short instead." in response.content.decode()
    stored = PurchaseOrder.objects.get(pk=draft_po.pk)
    assert stored.status == PurchaseOrderStatus.PARTIALLY_RECEIVED


def test_cancelled_po_without_receipts_has_no_receipt_summary(
    member_client, viewer, draft_po, user
):
    services.purchase_order_cancel(order=draft_po, user=user)
    page = member_client(viewer).get(reverse("orders:purchase_order_detail", args=[draft_po.pk]))
    assert 'id="closed-short"' not in page.content.decode()


def test_purchase_order_form_leaves_price_to_the_supplier_and_names_a_receiving_location(
    member_client, manager, supplier, product, bin_b
):
    from stockroom.catalog.tests.factories import ProductSupplierFactory

    ProductSupplierFactory(
        organization=product.organization, product=product, supplier=supplier,
        price=D("1.7000"), lead_time_days=2, is_preferred=True,
    )  # fmt: skip
    data = {
        "supplier": supplier.pk,
        "expected_date": "",
        "notes": "",
        **formset_data(
            "lines",
            [{"product": product.pk, "quantity": "3", "unit_price": "",
              "receiving_location": bin_b.pk}],
        ),
    }  # fmt: skip
    form_page = member_client(manager).get(reverse("orders:purchase_order_create"))
    assert 'placeholder="Supplier&#x27;s price"' in form_page.content.decode()

    response = member_client(manager).post(reverse("orders:purchase_order_create"), data)

    assert response.status_code == 302
    line = PurchaseOrder.objects.get().lines.get()
    assert (line.unit_price, line.receiving_location) == (D("1.7000"), bin_b)
    assert PurchaseOrder.objects.get().expected_date is not None


def test_receive_page_starts_each_line_at_its_receiving_location(
    member_client, manager, user, supplier, product, flour, bin_a, bin_b
):
    order = services.purchase_order_create(
        organization=product.organization, user=user, supplier=supplier,
        lines=[
            services.PurchaseLineInput(product=product, quantity=D("2"), unit_price=D("1"),
                                       receiving_location=bin_b),
            services.PurchaseLineInput(product=flour, quantity=D("1"), unit_price=D("1")),
        ],
    )  # fmt: skip
    services.purchase_order_send(order=order, user=user)
    url = reverse("orders:purchase_order_receive", args=[order.pk])
    client = member_client(manager)
    page = client.get(url)
    initial = {
        form.initial["line_id"]: form.initial["location"] for form in page.context["formset"]
    }
    lines = {line.product.sku: line.pk for line in order.lines.select_related("product")}
    assert initial == {lines["BOLT"]: bin_b.pk, lines["FLOUR"]: None}

    data = {
        "location": bin_a.pk,
        **formset_data(
            "lines",
            [{"line_id": lines["BOLT"], "quantity": "2", "location": bin_b.pk},
             {"line_id": lines["FLOUR"], "quantity": "1", "location": ""}],
        ),
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert (level(product, bin_b).on_hand, level(flour, bin_a).on_hand) == (D("2"), D("1"))
