"""Products: bulk create/update (all-or-nothing), image upload checked by content, CSV lists."""

import csv
import io

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile

from stockroom.catalog.models import Product
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.inventory.tests.factories import products_in_three_stock_states

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
BULK = "/api/v1/products/bulk/"


def _png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_bulk_creates_and_updates_in_one_call(owner_client, organization):
    existing = ProductFactory(organization=organization, sku="OLD", name="Old")
    items = [
        {"sku": "A-1", "name": "Alpha"},
        {"sku": "B-1", "name": "Beta", "sale_price": "3.50"},
        {"id": existing.pk, "name": "Old, renamed"},
    ]

    response = owner_client.post(BULK, {"items": items}, format="json")

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (2, 1)
    assert sorted(Product.unscoped.values_list("sku", "name")) == [
        ("A-1", "Alpha"),
        ("B-1", "Beta"),
        ("OLD", "Old, renamed"),
    ]


def test_bulk_is_all_or_nothing_with_errors_by_index(
    owner_client, organization, other_organization
):
    foreign = ProductFactory(organization=other_organization)
    items = [
        {"sku": "A-1", "name": "Alpha"},
        {"sku": "B-1", "name": "", "sale_price": "-1"},
        {"sku": "C-1", "name": "Gamma"},
        {"id": foreign.pk, "name": "Not mine"},
    ]

    response = owner_client.post(BULK, {"items": items}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "items.1.name": ["This field may not be blank."],
        "items.1.sale_price": ["Ensure this value is greater than or equal to 0."],
        "items.3.id": ["No product of this organization has this id."],
    }
    assert Product.unscoped.filter(organization=organization).count() == 0


def test_bulk_service_refusal_rolls_back_earlier_items(owner_client, organization):
    items = [
        {"sku": "DUP", "name": "First"},
        {"sku": "ok", "name": "Fine"},
        {"sku": "dup", "name": "Second"},
    ]

    response = owner_client.post(BULK, {"items": items}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "items.2.sku": ["A product with SKU DUP already exists."]
    }
    assert Product.unscoped.filter(organization=organization).count() == 0


def test_bulk_refuses_more_than_1000_items(owner_client):
    items = [{"sku": f"S-{n}", "name": "x"} for n in range(1001)]

    response = owner_client.post(BULK, {"items": items}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "items": ["Ensure this field has no more than 1000 elements."]
    }


def test_bulk_is_for_catalog_managers(client_for, viewer):
    response = client_for(viewer).post(BULK, {"items": [{"sku": "A", "name": "A"}]}, format="json")

    assert response.status_code == 403


def test_bulk_has_its_own_throttle(owner_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "bulk": "1/min",
        },
    }
    body = {"items": [{"sku": "A", "name": "A"}]}

    first = owner_client.post(BULK, body, format="json")
    second = owner_client.post(BULK, body, format="json")
    unthrottled = owner_client.get(URL)

    assert (first.status_code, second.status_code, unthrottled.status_code) == (200, 429, 200)


def test_image_upload_by_multipart(owner_client, organization):
    response = owner_client.post(
        URL, {"sku": "PIC", "name": "Pictured", "image": _png()}, format="multipart"
    )

    assert response.status_code == 201
    product = Product.unscoped.get(sku="PIC")
    assert product.image.name.endswith(".png")
    assert product.thumbnail.name.endswith("-thumb.jpg")
    assert response.json()["image"].endswith(".png")


def test_image_that_is_not_an_image_is_refused(owner_client):
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")

    response = owner_client.post(
        URL, {"sku": "PIC", "name": "x", "image": fake}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "image": ["The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."]
    }
    assert not Product.unscoped.exists()


def test_image_removed_with_null(owner_client, organization):
    created = owner_client.post(
        URL, {"sku": "PIC", "name": "x", "image": _png()}, format="multipart"
    )

    response = owner_client.patch(f"{URL}{created.json()['id']}/", {"image": None}, format="json")

    assert response.status_code == 200
    assert response.json()["image"] is None
    assert Product.unscoped.get().image.name == ""


def test_category_of_another_organization_is_400(owner_client, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    response = owner_client.post(
        URL, {"sku": "A", "name": "A", "category": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "category": [f'Invalid pk "{foreign.pk}" - object does not exist.']
    }


@pytest.mark.parametrize(
    "query",
    [pytest.param("?format=csv", id="format-param"), pytest.param("", id="accept-header")],
)
def test_list_as_csv(owner_client, organization, query):
    ProductFactory(organization=organization, sku="A-1", name="Alpha", sale_price="4.00")
    ProductFactory(organization=organization, sku="B-1", name="=cmd()", sale_price="5.00")

    response = owner_client.get(f"{URL}{query}", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["sku"], row["name"], row["sale_price"]) for row in rows] == [
        ("A-1", "Alpha", "4.00"),
        ("B-1", "'=cmd()", "5.00"),
    ]


def test_csv_is_offered_on_lists_only(owner_client, organization):
    product = ProductFactory(organization=organization)

    response = owner_client.get(f"{URL}{product.pk}/?format=csv")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("?search=alp", ["A-1"], id="search"),
        pytest.param("?ordering=-sku", ["C-1", "B-1", "A-1"], id="ordering"),
        pytest.param("?is_active=false", ["C-1"], id="filter"),
        pytest.param("?min_sale_price=5", ["B-1"], id="range"),
    ],
)
def test_filter_search_and_ordering(owner_client, organization, query, expected):
    ProductFactory(organization=organization, sku="A-1", name="Alpha", sale_price="4.00")
    ProductFactory(organization=organization, sku="B-1", name="Beta", sale_price="9.00")
    ProductFactory(
        organization=organization, sku="C-1", name="Gamma", is_active=False, sale_price="1.00"
    )

    response = owner_client.get(f"{URL}{query}")

    assert [row["sku"] for row in response.json()["results"]] == expected


@pytest.fixture
def stocked_products(organization):
    return products_in_three_stock_states(organization)


def test_products_show_their_stock_totals(owner_client, stocked_products):
    rows = owner_client.get(URL, {"ordering": "sku"}).json()["results"]

    assert [
        (row["sku"], row["stock_on_hand"], row["stock_reserved"], row["stock_available"])
        for row in rows
    ] == [
        ("FINE", "9.000", "0.000", "9.000"),
        ("LOW", "5.000", "3.000", "2.000"),
        ("OUT", "4.000", "4.000", "0.000"),
    ]


@pytest.mark.parametrize(
    ("stock", "expected"),
    [
        pytest.param("low", ["LOW"], id="low"),
        pytest.param("out", ["OUT"], id="out"),
    ],
)
def test_products_filtered_by_stock(owner_client, stocked_products, stock, expected):
    response = owner_client.get(URL, {"stock": stock, "ordering": "sku"})

    assert [row["sku"] for row in response.json()["results"]] == expected


def test_unknown_stock_filter_is_400_naming_it(owner_client):
    response = owner_client.get(URL, {"stock": "plenty"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stock"]


def test_stock_totals_cannot_be_written(owner_client, organization):
    product = ProductFactory(organization=organization)

    response = owner_client.patch(
        f"{URL}{product.pk}/", {"stock_on_hand": "50", "name": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.name, product.stock_on_hand) == ("Renamed", 0)
