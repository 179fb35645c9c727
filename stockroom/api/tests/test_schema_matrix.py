"""The cross-tenant matrix of the API, generated from the OpenAPI schema: every path and method,
its `{id}` filled with organization B's row, its body filled from the operation's request schema
with B's ids in every id field, sent with the token of A's member of each role and
`X-Organization: A`. No response may be a server error or show B's data, an operation on B's row
must answer 403/404/405, and B's rows must be unchanged, with none of A's rows pointing at B's.

A new operation is covered without anyone listing it; one whose path parameters the generator
cannot fill fails `test_every_operation_is_generated`."""

import itertools
from typing import Any

import pytest
from rest_framework.test import APIClient

from django.db import models
from django.urls import resolve

from stockroom.accounts.models import Organization
from stockroom.core.tests.conftest import tenant_world  # noqa: F401 (the module's world)
from stockroom.core.tests.tenant_world import (
    ROLES,
    Tenant,
    World,
    references_into,
    snapshot,
    snapshot_diff,
    tenant_models,
)

from .conftest import access_token_for

DENIED = {403, 404, 405}
METHODS = ("get", "post", "put", "patch", "delete")


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


SCHEMA = _schema()
OPERATIONS = [
    (path, method)
    for path, operations in SCHEMA["paths"].items()
    for method in METHODS
    if method in operations
]


def _model_of(path: str) -> type[models.Model] | None:
    """The model of the `{id}` in `path`: the one its viewset serves."""
    view = getattr(resolve(path.replace("{id}", "1")).func, "cls", None)
    queryset = getattr(view, "queryset", None)
    serializer = getattr(view, "serializer_class", None)
    return getattr(queryset, "model", None) or getattr(
        getattr(serializer, "Meta", None), "model", None
    )


def _row_of(tenant: Tenant, model: type[models.Model]) -> models.Model | None:
    if model is Organization:
        return tenant.organization
    return tenant.of_model(model)


def _ids_of(tenant: Tenant) -> dict[str, int]:
    """The tenant's ids under every foreign key name of the tenant models and every row name."""
    ids: dict[str, int] = {"organization": tenant.organization.pk}
    for model in tenant_models():
        for relation in model._meta.concrete_fields:
            if relation.many_to_one and relation.name not in ids:
                row = _row_of(tenant, relation.related_model)
                if row is not None:
                    ids[relation.name] = row.pk
    for name, row in tenant.rows.items():
        ids.setdefault(name, row.pk)
    return ids


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            return _resolve(schema[combinator][0])
    return schema


def _fill(schema: dict, ids: dict[str, int], name: str = "", depth: int = 0) -> Any:
    """A value valid enough to get past shape checks, with B's id wherever an id goes."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {
            key: _fill(value, ids, key, depth + 1)
            for key, value in schema.get("properties", {}).items()
            # Files cannot travel in JSON: the field would refuse the whole body.
            if not _resolve(value).get("readOnly") and _resolve(value).get("format") != "binary"
        }
    if kind == "array":
        item = _fill(schema.get("items", {}), ids, name.rstrip("s"), depth + 1)
        return [item]
    if kind == "integer":
        return ids.get(name, ids.get(name.removesuffix("_id"), 1))
    if kind == "boolean":
        return True  # active rows: an inactive product would be refused before its organization
    if kind == "number":
        return 1
    if schema.get("format") == "date":
        return "2030-01-15"
    if schema.get("format") == "date-time":
        return "2030-01-15T10:00:00Z"
    if schema.get("format") == "email":
        return "probe@example.com"
    if "pattern" in schema and "\\d" in schema["pattern"]:
        return "1"
    return "probe"


def _body(path: str, method: str, ids: dict[str, int]) -> dict | None:
    content = SCHEMA["paths"][path][method].get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return _fill(content["application/json"]["schema"], ids)


def _query(path: str, method: str, ids: dict[str, int]) -> dict:
    """B's id in every query parameter that takes one (the list filters)."""
    parameters = SCHEMA["paths"][path][method].get("parameters", [])
    return {
        p["name"]: ids[p["name"]] for p in parameters if p["in"] == "query" and p["name"] in ids
    }


def _probe(path: str, method: str, world: World) -> list[str]:
    model = _model_of(path) if "{id}" in path else None
    b_row = _row_of(world.b, model) if model else None
    assert "{id}" not in path or b_row is not None, f"{path}: no row of {model} in the world"
    ids = _ids_of(world.b)
    url = path.replace("{id}", str(b_row.pk)) if b_row is not None else path
    body = _body(path, method, ids)
    marker = world.b.marker
    # Only tenant operations document (and check) the header; the auth endpoints ignore it.
    tenant_scoped = "X-Organization" in {
        p["name"]
        for p in SCHEMA["paths"][path][method].get("parameters", [])
        if p["in"] == "header"
    }
    problems = []
    for role, pinned in itertools.product(ROLES, (world.a, world.b)):
        if pinned is world.b and (b_row is not None or not tenant_scoped):
            continue  # B's header with B's row is the header check below, once per path
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {access_token_for(world.a.members[role])}",
            HTTP_X_ORGANIZATION=str(pinned.organization.pk),
        )
        if method == "get":
            response = client.get(url, _query(path, method, ids))
        else:
            response = getattr(client, method)(url, body, format="json")
        where = f"{method.upper()} {url} as A's {role} pinned to {pinned.marker}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
            continue
        if pinned is world.b and response.status_code != 403:
            problems.append(f"{where}: {response.status_code} for B's X-Organization")
        if b_row is not None and response.status_code not in DENIED:
            problems.append(f"{where}: {response.status_code} for B's row")
        if marker in response.content.decode("utf-8", "replace").lower():
            problems.append(f"{where}: shows B's data")
    return problems


def test_every_operation_is_generated(tenant_world):  # noqa: F811
    unfilled = [
        path
        for path, _method in OPERATIONS
        if "{id}" in path
        and (_model_of(path) is None or _row_of(tenant_world.b, _model_of(path)) is None)
    ]

    assert unfilled == [], "give the world a row of these paths' model"
    assert len(OPERATIONS) > 60


def test_every_api_route_is_in_the_schema():
    """The schema is the matrix's source: an API route it leaves out would go untested."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern)

    schema_views = {resolve(path.replace("{id}", "1")).url_name for path in SCHEMA["paths"]}
    api_routes = {
        resolve_name
        for route in walk(get_resolver().url_patterns)
        if route.startswith("api/^(?P<version>v1)/") and "format" not in route
        for resolve_name in [_url_name_of(route)]
        if resolve_name not in (None, "api-root")
    }

    assert api_routes - schema_views == set()


def _url_name_of(route: str) -> str | None:
    from django.urls import Resolver404

    path = "/" + route.replace("api/^(?P<version>v1)/", "api/v1/").replace("^", "").replace(
        "$", ""
    ).replace("(?P<pk>[^/.]+)", "1")
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_never_reaches_another_organization(path, method, tenant_world, db):  # noqa: F811
    before = snapshot(tenant_world.b)

    problems = _probe(path, method, tenant_world)

    assert problems == []
    assert snapshot_diff(before, snapshot(tenant_world.b)) == []
    assert references_into(tenant_world.a, tenant_world.b) == []
