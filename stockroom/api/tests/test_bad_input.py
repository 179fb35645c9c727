"""Bad input to the API is a 4xx in the error shape naming what is wrong, never a 500."""

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from django.core.files.uploadedfile import SimpleUploadedFile

from stockroom.api.parsers import MAX_JSON_DEPTH, json_depth
from stockroom.catalog.models import Product
from stockroom.catalog.tests.factories import ProductFactory, image_upload
from stockroom.inventory import services as inventory_services
from stockroom.inventory.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PRODUCTS = "/api/v1/products/"
LARGEST_BIGINT = 2**63 - 1


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        pytest.param("1", 0, id="scalar"),
        pytest.param('{"a": [1, {"b": []}]}', 4, id="object-array-object"),
        pytest.param('["[[[[", "\\"]]]]"]', 1, id="brackets-in-strings"),
        pytest.param(_nested(2000), 2000, id="deep"),
    ],
)
def test_json_depth(text, depth):
    assert json_depth(text) == depth


@pytest.mark.parametrize("path", [TOKEN, PRODUCTS], ids=["token-anonymous", "products"])
def test_deeply_nested_json_is_a_400(path, owner_client):
    client = APIClient() if path == TOKEN else owner_client
    response = client.post(path, _nested(2000), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "parse_error",
        "message": f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.",
        "fields": {},
    }


def test_json_at_the_depth_limit_is_read(owner_client):
    body = {"sku": "DEEP", "name": "Deep"}
    inner = body
    for _ in range(MAX_JSON_DEPTH - 1):
        inner["x"] = {}
        inner = inner["x"]
    assert json_depth(json.dumps(body)) == MAX_JSON_DEPTH

    response = owner_client.post(PRODUCTS, json.dumps(body), content_type="application/json")

    assert response.status_code == 201
    assert Product.unscoped.filter(sku="DEEP").exists()


@pytest.mark.parametrize("path", [TOKEN, PRODUCTS], ids=["token-anonymous", "products"])
def test_json_over_the_upload_limit_is_a_413(path, owner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient() if path == TOKEN else owner_client
    body = json.dumps({"sku": "BIG", "name": "x" * 2000, "email": "a@example.com"})

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "request_too_large",
        "message": "The request body is too large.",
        "fields": {},
    }
    assert not Product.unscoped.exists()


@pytest.mark.parametrize(
    "page", [str(LARGEST_BIGINT), str(LARGEST_BIGINT // 25), "9" * 30], ids=["max", "offset", "30"]
)
@pytest.mark.parametrize("path", [PRODUCTS, "/api/v1/stock-levels/"], ids=["products", "stock"])
def test_a_page_past_any_offset_is_not_found(path, page, owner_client, organization):
    inventory_services.stock_receive(
        organization=organization,
        product=ProductFactory(organization=organization),
        location=LocationFactory(organization=organization),
        quantity=Decimal(1),
    )

    response = owner_client.get(path, {"page": page})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        pytest.param(PRODUCTS, "category", id="products-category"),
        pytest.param("/api/v1/stock-levels/", "product", id="stock-levels-product"),
        pytest.param("/api/v1/movements/", "location", id="movements-location"),
        pytest.param("/api/v1/purchase-orders/", "product", id="purchase-orders-product"),
    ],
)
@pytest.mark.parametrize("value", [str(LARGEST_BIGINT + 1), "9" * 30], ids=["2**63", "30-digits"])
def test_an_id_filter_past_64_bits_is_a_400_naming_it(path, name, value, owner_client):
    response = owner_client.get(path, {name: value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [name]


def test_the_largest_id_filters_to_nothing(owner_client, organization):
    ProductFactory(organization=organization)

    response = owner_client.get(PRODUCTS, {"category": str(LARGEST_BIGINT)})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("name", ["search", "sku"])
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(name, owner_client):
    response = owner_client.get(PRODUCTS, {name: "a\x00b"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {name: ["Null characters are not allowed."]}


def test_a_truncated_jpeg_is_a_field_error(owner_client):
    whole = image_upload("photo.jpg", image_format="JPEG").read()
    truncated = SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    response = owner_client.post(
        PRODUCTS, {"sku": "PIC", "name": "x", "image": truncated}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "image": ["The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."]
    }
    assert not Product.unscoped.exists()
