"""Label sheets decode back to the codes; the scan page resolves them."""

import pypdfium2
import pytest
import zxingcpp

from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.models import Lot
from stockroom.inventory.tests.factories import LocationFactory, LotFactory


def _decoded(pdf: bytes) -> dict[str, set[str]]:
    """Texts of the Code128 and QR codes on every page of the PDF, by symbology."""
    document = pypdfium2.PdfDocument(pdf)
    found: dict[str, set[str]] = {"Code128": set(), "QRCode": set()}
    try:
        for page in document:
            image = page.render(scale=4).to_pil()
            for result in zxingcpp.read_barcodes(image):
                found.setdefault(result.format.name, set()).add(result.text)
    finally:
        document.close()
    return found


def _sheet_codes(client, kind, params):
    """Both symbologies of a label sheet, decoded; each must carry the same codes."""
    response = client.get(reverse("reports:label_sheet", args=[kind]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    decoded = _decoded(response.content)
    assert decoded.keys() == {"Code128", "QRCode"}
    assert decoded["Code128"] == decoded["QRCode"]
    return decoded["Code128"]


def test_product_label_sheet_decodes_to_barcode_or_sku(client, stocked_org, viewer, member_client):
    member_client(viewer)
    bolt, nut = stocked_org["bolt"], stocked_org["nut"]
    codes = _sheet_codes(client, "products", {"products": [bolt.pk, nut.pk]})
    assert codes == {"BOLT", "4006381333931"}


def _second_location(stocked_org) -> dict:
    """Adds a second bin to the north warehouse; the sheet's query of that warehouse."""
    north = stocked_org["north"]
    LocationFactory(organization=stocked_org["organization"], warehouse=north, code="A-02")
    return {"warehouse": north.pk}


def _second_lot(stocked_org) -> dict:
    """Adds a second lot of milk; the sheet's query of that product."""
    milk = stocked_org["milk"]
    LotFactory(organization=stocked_org["organization"], product=milk, lot_number="L2")
    return {"product": milk.pk}


@pytest.mark.parametrize(
    ("kind", "add_second", "expected"),
    [
        pytest.param(
            "locations", _second_location, {"LOC:NORTH/A-01", "LOC:NORTH/A-02"}, id="locations"
        ),
        pytest.param("lots", _second_lot, {"LOT:MILK/L1", "LOT:MILK/L2"}, id="lots"),
    ],
)
def test_location_and_lot_label_sheets_decode_to_their_codes(
    client, stocked_org, viewer, member_client, kind, add_second, expected
):
    member_client(viewer)
    params = add_second(stocked_org)
    assert _sheet_codes(client, kind, params) == expected


def test_label_sheet_spills_onto_a_second_page(client, organization, viewer, member_client):
    member_client(viewer)
    products = [ProductFactory(organization=organization, sku=f"S{n:02d}") for n in range(16)]
    response = client.get(
        reverse("reports:label_sheet", args=["products"]),
        {"products": [product.pk for product in products]},
    )
    assert len(pypdfium2.PdfDocument(response.content)) == 2
    assert _decoded(response.content)["Code128"] == {f"S{n:02d}" for n in range(16)}


def test_label_sheet_refuses_another_organizations_warehouse(
    client, stocked_org, other_organization, viewer, member_client
):
    member_client(viewer)
    foreign = LocationFactory(organization=other_organization).warehouse
    response = client.get(
        reverse("reports:label_sheet", args=["locations"]), {"warehouse": foreign.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:labels")


@pytest.mark.parametrize(
    ("symbology", "content_type"),
    [
        pytest.param("code128", "image/svg+xml", id="code128"),
        pytest.param("qr", "image/svg+xml", id="qr"),
    ],
)
def test_barcode_images(client, stocked_org, viewer, member_client, symbology, content_type):
    member_client(viewer)
    location = stocked_org["bin_n"]
    response = client.get(reverse("reports:barcode", args=["location", location.pk, symbology]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.lstrip().startswith(b"<?xml")


def test_barcode_image_of_another_organization_is_404(
    client, stocked_org, other_organization, viewer, member_client
):
    member_client(viewer)
    foreign = ProductFactory(organization=other_organization)
    response = client.get(reverse("reports:barcode", args=["product", foreign.pk, "qr"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("code", "target"),
    [
        pytest.param("4006381333931", "nut", id="product-barcode"),
        pytest.param("bolt", "bolt", id="sku-any-case"),
        pytest.param("LOC:NORTH/A-01", "bin_n", id="location-code"),
        pytest.param("LOT:MILK/L1", "lot", id="lot-code"),
        pytest.param("L1", "lot", id="bare-lot-number"),
    ],
)
def test_scan_jumps_to_the_item(client, stocked_org, clerk, member_client, code, target):
    member_client(clerk)
    expected = {
        "nut": stocked_org["nut"].get_absolute_url(),
        "bolt": stocked_org["bolt"].get_absolute_url(),
        "bin_n": stocked_org["bin_n"].get_absolute_url(),
        "lot": reverse("inventory:product_stock", args=[stocked_org["milk"].pk]),
    }[target]
    response = client.get(reverse("reports:scan"), {"code": f"  {code}  "})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_scan_reports_an_unknown_code(client, stocked_org, clerk, member_client):
    member_client(clerk)
    response = client.get(reverse("reports:scan"), {"code": "NOPE-42"})
    assert response.status_code == 200
    assert "No product, location or lot matches “NOPE-42”." in response.content.decode()


def test_scan_does_not_find_another_organizations_product(
    client, stocked_org, other_organization, clerk, member_client
):
    ProductFactory(organization=other_organization, sku="FOREIGN")
    member_client(clerk)
    response = client.get(reverse("reports:scan"), {"code": "FOREIGN"})
    assert response.status_code == 200
    assert "No product, location or lot matches" in response.content.decode()


def test_scan_location_then_product_prefills_the_movement_form(
    client, stocked_org, clerk, member_client
):
    member_client(clerk)
    location, bolt = stocked_org["bin_n"], stocked_org["bolt"]
    first = client.get(reverse("reports:scan"), {"code": "LOC:NORTH/A-01", "then": "issue"})
    assert first.status_code == 200
    assert first.context["next_form"].initial == {"then": "issue", "location": location.pk}
    second = client.get(
        reverse("reports:scan"), {"code": "BOLT", "then": "issue", "location": location.pk}
    )
    assert second.status_code == 302
    assert second["Location"] == (
        reverse("inventory:movement_issue") + f"?product={bolt.pk}&location={location.pk}"
    )
    form_page = client.get(second["Location"])
    assert form_page.status_code == 200
    assert str(form_page.context["form"].initial["product"]) == str(bolt.pk)


def test_scan_lot_prefills_product_and_lot(client, stocked_org, clerk, member_client):
    member_client(clerk)
    lot = Lot.unscoped.get(lot_number="L1")
    response = client.get(reverse("reports:scan"), {"code": "LOT:MILK/L1", "then": "receive"})
    assert response["Location"] == (
        reverse("inventory:movement_receive") + f"?product={lot.product_id}&lot={lot.pk}"
    )
