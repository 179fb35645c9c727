"""Every GET route of the URLconf, web and API, with hostile query values: never a 5xx.

The routes come from the URLconf and the parameter names from the OpenAPI schema and from every
form of the project, so a new page, filter or form field is covered without being listed here.
Values of one kind go together in one request (all ids huge, all dates at the calendar's
edges...), so that one invalid parameter of another kind does not hide the one under test.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from django import forms
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.inventory import services as inventory_services
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.reports.definitions import REPORTS

KINDS = ("page", "integer", "date", "datetime", "text")
# Each request sets every parameter of the kinds it names. Dates and instants at the same edge
# of the calendar go together: both are valid input, so neither hides the other.
HOSTILE_QUERIES = [
    {"page": "9223372036854775807"},
    {"integer": "9" * 30},
    {"integer": "²"},
    {"date": "0001-01-01", "datetime": "0001-01-01T00:00:00+14:00"},
    {"date": "9999-12-31", "datetime": "9999-12-31T23:59:59-12:00"},
    {"text": "a\x00b"},
]
# The rest of a route's path: the values its URL parameters take in the product.
PATH_VALUES = {
    "version": ["v1"],
    "slug": list(REPORTS),
    "file_format": ["csv", "xlsx"],
    "sheet": ["products", "locations", "lots"],
    "symbology": ["code128", "qr"],
    "kind": ["product", "location", "lot", "products"],
    "model": ["product"],
}
# The schema is generated anew for each request, the slowest GET there is; it reads only its
# text parameters `format` and `lang`.
ONLY_KINDS = {"/api/schema/": {"text"}}
SKIPPED_PREFIXES = (
    "/admin/",  # walked by the admin's own generated tests
    "/static/",
    "/media/",
)
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _get_routes() -> list[str]:
    """Every route as a pattern such as `/catalog/products/<int:pk>/`, format suffixes aside."""
    patterns = {
        simplify_regex(regex)
        for _view, regex, _namespace, _name in extract_views_from_urlpatterns(
            get_resolver().url_patterns
        )
    }
    return sorted(
        pattern
        for pattern in patterns
        if not pattern.startswith(SKIPPED_PREFIXES)
        and "format>" not in pattern.replace("<str:file_format>", "")
        and "\\" not in pattern
        and pattern != "/api/."
    )


def _kind_of_form_field(field: forms.Field) -> str | None:
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.ModelChoiceField):
        return "integer"
    return None


def _form_classes() -> set[type[forms.BaseForm]]:
    import contextlib
    import importlib
    import pkgutil

    import stockroom

    for module in pkgutil.iter_modules(stockroom.__path__):
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"stockroom.{module.name}.forms")
    found, pending = set(), [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("stockroom."):
                found.add(subclass)
    return found


def _schema_kind(schema: dict) -> str | None:
    if schema.get("type") in ("integer", "number"):
        return "integer"
    return {"date": "date", "date-time": "datetime"}.get(schema.get("format"))


def _parameter_names() -> dict[str, set[str]]:
    """Query parameter names by kind: from the schema's operations and every form's fields."""
    names: dict[str, set[str]] = {kind: set() for kind in KINDS}
    names["page"] = {"page"}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] != "page":
                    kind = _schema_kind(parameter.get("schema", {}))
                    names[kind or "text"].add(parameter["name"])
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            names[_kind_of_form_field(field) or "text"].add(name)
    names["text"] |= {"q", "search", "ordering", "sort", "cursor", "next"}
    return names


def _paths(route: str, ids: list[int]) -> list[str]:
    """The route with its parameters filled in: each value of each parameter once (not every
    combination: the hostile part is the query)."""
    parameters = list(_PARAMETER.finditer(route))
    choices = [
        [str(pk) for pk in ids]
        if match["converter"] == "int" or match["name"].endswith("pk")
        else PATH_VALUES.get(match["name"], ["x"])
        for match in parameters
    ]
    paths = []
    for index in range(max((len(values) for values in choices), default=1)):
        path = route
        for match, values in zip(parameters, choices, strict=True):
            path = path.replace(match[0], values[index % len(values)], 1)
        paths.append(path)
    return paths


ROUTES = _get_routes()


@pytest.fixture(scope="module")
def parameter_names(django_db_blocker):
    with django_db_blocker.unblock():
        return _parameter_names()


@pytest.fixture
def owner_client(organization, member_client):
    client = member_client(MembershipFactory(organization=organization, role=Role.OWNER))
    client.raise_request_exception = False
    return client


@pytest.fixture
def sample_ids(organization) -> list[int]:
    """Rows for the detail routes: one product with stock in a lot, its category and location."""
    product = ProductFactory(
        organization=organization,
        sku="ÉCLAIR-1",
        is_lot_tracked=True,
        category=CategoryFactory(organization=organization),
    )
    inventory_services.stock_receive(
        organization=organization,
        product=product,
        location=LocationFactory(organization=organization),
        lot_number="LÖT-1",
        quantity=Decimal(5),
    )
    return [product.pk]


def test_the_walk_covers_the_routes_and_parameters_that_broke(parameter_names):
    """The walk reaches what the adversarial test found, so it is not silently empty."""
    assert {"/api/<version>/products/", "/catalog/products/", "/reports/<slug:slug>/"} <= set(
        ROUTES
    )
    assert {"category", "product", "products"} <= parameter_names["integer"]
    assert {"date_from", "date_to", "as_of"} <= parameter_names["date"]
    assert {"occurred_after", "created_before"} <= parameter_names["datetime"]
    assert {"q", "search"} <= parameter_names["text"]
    assert {"date": date.min.isoformat(), "datetime": "0001-01-01T00:00:00+14:00"} in (
        HOSTILE_QUERIES
    )


@pytest.mark.parametrize("route", ROUTES)
def test_no_route_answers_5xx_to_hostile_query_values(
    route, owner_client, sample_ids, parameter_names
):
    failures = []
    for path in _paths(route, sample_ids):
        if owner_client.get(path).status_code == 405:
            continue  # a form's POST target: nothing reads its query
        for values in HOSTILE_QUERIES:
            if route in ONLY_KINDS and not ONLY_KINDS[route] & set(values):
                continue
            query = {
                name: value for kind, value in values.items() for name in parameter_names[kind]
            }
            response = owner_client.get(path, query)
            if response.status_code >= 500:
                failures.append(f"{path} {values}: {response.status_code}")
    assert failures == []
