"""The OpenAPI schema: valid without warnings, complete, served with self-hosted viewers; and a
bounded schemathesis run over every operation against the in-process WSGI app."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from django.core.management import call_command

from stockroom.api.v1.urls import router
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.inventory.tests.factories import LocationFactory

from .conftest import access_token_for
from .endpoints import make_purchase_order, make_sales_order, make_stock_count


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def test_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any generator warning or error into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.0.3")


def test_schema_documents_every_route(openapi):
    documented = set(openapi["paths"])

    for prefix, viewset, _basename in router.registry:
        assert f"/api/v1/{prefix}/" in documented
        if hasattr(viewset, "retrieve"):
            assert f"/api/v1/{prefix}/{{id}}/" in documented
    assert {
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/auth/token/verify/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/drf-token/",
        "/api/v1/products/bulk/",
        "/api/v1/members/{id}/role/",
        "/api/v1/purchase-orders/{id}/send/",
        "/api/v1/purchase-orders/{id}/receive/",
        "/api/v1/purchase-orders/{id}/cancel/",
        "/api/v1/sales-orders/{id}/confirm/",
        "/api/v1/sales-orders/{id}/reserve-backorders/",
        "/api/v1/sales-orders/{id}/ship/",
        "/api/v1/sales-orders/{id}/cancel/",
        "/api/v1/stock-counts/{id}/counts/",
        "/api/v1/stock-counts/{id}/submit/",
        "/api/v1/stock-counts/{id}/reopen/",
        "/api/v1/stock-counts/{id}/approve/",
        "/api/v1/stock-counts/{id}/cancel/",
        "/api/v1/reorder-suggestions/create-purchase-orders/",
    } <= documented


@pytest.mark.parametrize(
    ("path", "method", "idempotent"),
    [
        pytest.param("/api/v1/purchase-orders/", "post", True, id="po-create"),
        pytest.param("/api/v1/sales-orders/", "post", True, id="so-create"),
        pytest.param("/api/v1/stock-counts/", "post", True, id="count-create"),
        pytest.param("/api/v1/purchase-orders/{id}/receive/", "post", True, id="receive"),
        pytest.param("/api/v1/sales-orders/{id}/ship/", "post", True, id="ship"),
        pytest.param("/api/v1/stock-counts/{id}/approve/", "post", True, id="approve"),
        pytest.param("/api/v1/purchase-orders/{id}/send/", "post", False, id="send"),
        pytest.param("/api/v1/sales-orders/{id}/confirm/", "post", False, id="confirm"),
        pytest.param("/api/v1/purchase-orders/{id}/", "patch", False, id="po-update"),
    ],
)
def test_schema_documents_idempotency_key_where_honoured(openapi, path, method, idempotent):
    operation = openapi["paths"][path][method]

    headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    assert ("Idempotency-Key" in headers) is idempotent
    assert "409" in operation["responses"]


def test_schema_documents_order_list_filters(openapi):
    names = {p["name"] for p in openapi["paths"]["/api/v1/purchase-orders/"]["get"]["parameters"]}

    assert {"status", "supplier", "product", "search", "ordering", "page_size"} <= names


def test_schema_documents_auth_header_and_error_shape(openapi):
    products = openapi["paths"]["/api/v1/products/"]["get"]

    assert set(openapi["components"]["securitySchemes"]) == {"jwtAuth", "tokenAuth", "cookieAuth"}
    assert "X-Organization" in {p["name"] for p in products["parameters"]}
    assert products["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert set(openapi["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "code",
        "message",
        "fields",
    }


@pytest.mark.parametrize(
    ("url", "asset"),
    [
        pytest.param("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist", id="swagger"),
        pytest.param("/api/redoc/", "drf_spectacular_sidecar/redoc", id="redoc"),
    ],
)
def test_docs_are_served_with_self_hosted_assets(client, url, asset):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert asset in html
    # Every script is a file, so the site's CSP (script-src 'self') lets the viewer run.
    assert re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) == [""] * html.count("<script")


def test_schema_is_public_json(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Stockroom API"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- schemathesis ----------------------------------------------------------------------------


def _load_schema():
    from config.wsgi import application

    # Loading asks the in-process app for /api/schema/, which reads no database rows.
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _load_schema()


@pytest.fixture
def unthrottled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "auth", "bulk"), "100000/min"),
    }


@pytest.fixture
def keep_test_connection():
    """The WSGI app fires request_finished, whose handler closes the database connection; in a
    test that connection holds the test transaction (Django's test client mutes it the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_owner(owner):
    organization = owner.organization
    CategoryFactory(organization=organization)
    ProductFactory.create_batch(2, organization=organization)
    LocationFactory.create_batch(2, organization=organization)
    # Documents in several states, so generated ids can meet real rows (on a fresh SQLite DB).
    make_purchase_order(organization)
    make_purchase_order(organization, sent=True)
    make_sales_order(organization)
    make_sales_order(organization, confirmed=True)
    make_stock_count(organization)
    make_stock_count(organization, state="submitted")
    return owner


# The sweep is the slowest test (minutes): CI runs it once, against PostgreSQL, the production
# engine (it found a PostgreSQL-only 500 there); the embedded run skips it.
@pytest.mark.postgres
@schema.parametrize()
@hypothesis_settings(
    max_examples=6,  # per operation: the whole run stays under two minutes
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(case, seeded_owner, unthrottled, keep_test_connection):
    # Pinned to the owner's organization: a generated X-Organization names nobody, and every
    # call would stop at the membership check instead of reaching the seeded rows.
    headers = {
        "Authorization": f"Bearer {access_token_for(seeded_owner)}",
        "X-Organization": str(seeded_owner.organization_id),
    }
    case.headers = {**(case.headers or {}), **headers}
    case.call_and_validate(
        headers=headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


# --- the schema says what the API does (issue 14, finding 7) --------------------------------------


def test_reorder_purchase_order_creation_documents_the_bare_list_it_answers(openapi):
    path = openapi["paths"]["/api/v1/reorder-suggestions/create-purchase-orders/"]["post"]

    # test_orders.test_reorder_suggestions_become_purchase_orders: the answer is a list, no page.
    assert path["responses"]["201"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/PurchaseOrder"},
    }


def _idempotency_schema(openapi, path: str) -> dict:
    (parameter,) = [
        p for p in openapi["paths"][path]["post"]["parameters"] if p["name"] == "Idempotency-Key"
    ]
    return parameter["schema"]


def test_idempotency_key_pattern_is_documented(openapi):
    schemas = [
        _idempotency_schema(openapi, path)
        for path in ("/api/v1/movements/", "/api/v1/purchase-orders/")
    ]

    assert (
        schemas
        == [
            {
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "pattern": r"^[!-~](?:[ -~]{0,98}[!-~])?$",
            }
        ]
        * 2
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        pytest.param("k", id="one-character"),
        pytest.param("0f8fad5b-d9cb-469f-a165-70867728950e", id="uuid"),
        pytest.param("retry #2: po/7", id="inner-spaces-and-punctuation"),
        pytest.param("x" * 100, id="100-characters"),
        pytest.param("x" * 101, id="101-characters"),
        pytest.param("clé", id="non-ascii"),
        pytest.param("a\x7fb", id="control-character"),
    ],
)
def test_api_accepts_exactly_the_documented_idempotency_keys(
    openapi, organization, owner_client, key
):
    pattern = _idempotency_schema(openapi, "/api/v1/movements/")["pattern"]
    location = LocationFactory(organization=organization)
    product = ProductFactory(organization=organization)
    body = {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": "1"}

    response = owner_client.post(
        "/api/v1/movements/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == (201 if re.fullmatch(pattern, key) else 400)


def _decimal_patterns(openapi) -> dict[str, str]:
    return {
        f"{name}.{field}": spec["pattern"]
        for name, component in openapi["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if spec.get("format") == "decimal" and "pattern" in spec
    }


def test_decimal_patterns_refuse_what_the_api_refuses(openapi):
    patterns = _decimal_patterns(openapi)

    assert patterns["Product.cost_price"] == r"^-?(?:\d{1,10}(?:\.\d{0,4})?|\.\d{1,4})$"
    for name, pattern in patterns.items():
        for refused in ("", "-", ".", "-."):
            assert not re.search(pattern, refused), (name, refused)
        for written in ("0", "-5", "7.", ".5", "-0.5"):
            assert re.search(pattern, written), (name, written)
