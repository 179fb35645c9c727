"""Bad input to the report, label and code pages: a form error or a 404, never a 500."""

import pytest

from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.tests.factories import LocationFactory, LotFactory, WarehouseFactory

from .test_labels_and_scan import _decoded

pytestmark = pytest.mark.django_db


@pytest.fixture
def non_ascii_codes(organization):
    """A product, a bin and a lot whose codes Code128 cannot carry."""
    product = ProductFactory(organization=organization, sku="ÉCLAIR-1", is_lot_tracked=True)
    warehouse = WarehouseFactory(organization=organization, code="MAIN")
    return {
        "product": product,
        "location": LocationFactory(organization=organization, warehouse=warehouse, code="Größe"),
        "lot": LotFactory(organization=organization, product=product, lot_number="L-ß"),
    }


@pytest.mark.parametrize("kind", ["product", "location", "lot"])
def test_code128_of_a_non_ascii_code_is_not_found_and_its_qr_code_is_served(
    kind, non_ascii_codes, viewer, member_client
):
    client = member_client(viewer)
    pk = non_ascii_codes[kind].pk

    code128 = client.get(reverse("reports:barcode", args=[kind, pk, "code128"]))
    qr = client.get(reverse("reports:barcode", args=[kind, pk, "qr"]))

    assert code128.status_code == 404
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"


def test_a_label_of_a_non_ascii_sku_has_its_qr_code_only(
    organization, non_ascii_codes, viewer, member_client
):
    ascii_product = ProductFactory(organization=organization, sku="BOLT")
    client = member_client(viewer)

    response = client.get(
        reverse("reports:label_sheet", args=["products"]),
        {"products": [non_ascii_codes["product"].pk, ascii_product.pk]},
    )

    assert response.status_code == 200
    # Code128 would have printed bars that scan as another code (the letters dropped).
    assert _decoded(response.content) == {"Code128": {"BOLT"}, "QRCode": {"ÉCLAIR-1", "BOLT"}}


@pytest.mark.parametrize("value", [str(2**63), "9" * 30, "²"], ids=["2**63", "30-digits", "²"])
def test_a_product_id_no_row_can_have_is_a_form_error(value, organization, viewer, member_client):
    client = member_client(viewer)

    response = client.get(reverse("reports:label_sheet", args=["products"]), {"products": value})

    assert response.status_code == 302
    assert response.url == reverse("reports:labels")
    assert [str(message) for message in response.wsgi_request._messages] == [
        f"“{value}” is not a valid value."
    ]


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"])
@pytest.mark.parametrize(
    ("slug", "query", "field", "message"),
    [
        pytest.param(
            "valuation",
            {"as_of": "9999-12-31"},
            "as_of",
            "Ensure this value is less than or equal to 9999-12-30.",
            id="valuation-last-day",
        ),
        pytest.param(
            "movements",
            {"date_from": "0001-01-01"},
            "date_from",
            "Ensure this value is greater than or equal to 0001-01-02.",
            id="movements-first-day",
        ),
        pytest.param(
            "movements",
            {"date_to": "9999-12-31"},
            "date_to",
            "Ensure this value is less than or equal to 9999-12-30.",
            id="movements-last-day",
        ),
    ],
)
@pytest.mark.parametrize("page", ["report", "report_print", "report_export"])
def test_report_dates_at_the_calendars_edges_are_form_errors(
    page, slug, query, field, message, time_zone, organization, manager, member_client
):
    organization.time_zone = time_zone
    organization.save(update_fields=["time_zone"])
    client = member_client(manager)
    args = [slug, "csv"] if page == "report_export" else [slug]

    response = client.get(reverse(f"reports:{page}", args=args), query)

    assert response.status_code == 200
    if page == "report":
        assert response.context["form"].errors == {field: [message]}


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_report_dates_one_day_inside_the_edges_are_a_result(
    time_zone, organization, manager, member_client
):
    organization.time_zone = time_zone
    organization.save(update_fields=["time_zone"])
    client = member_client(manager)

    movements = client.get(
        reverse("reports:report", args=["movements"]),
        {"date_from": "0001-01-02", "date_to": "9999-12-30"},
    )
    valuation = client.get(reverse("reports:report", args=["valuation"]), {"as_of": "9999-12-30"})

    assert (movements.status_code, valuation.status_code) == (200, 200)
    assert movements.context["form"].errors == valuation.context["form"].errors == {}
