"""The cross-tenant matrix of the web pages, generated from the URLconf: every route and every
method it answers, with each URL keyword filled with organization B's rows (alone and beside A's),
and B's ids in the query string and the form body, as A's member of each role. No response may
be a server error or show B's data, a route that names B's row must answer 403/404/405, and B's
rows must be unchanged afterwards, with none of A's rows pointing at one of B's.

A new route is covered without anyone listing it; one whose keywords the generator cannot fill
fails `test_every_route_is_generated` until a rule (or a justified skip) is added here."""

import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2
import pytest

from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.models import Invitation, Membership
from stockroom.catalog.models import Product, ProductSupplier
from stockroom.imports.models import ImportKind
from stockroom.inventory.models import Location, Lot
from stockroom.reports.definitions import REPORTS
from stockroom.reports.selectors.history import HISTORY_MODELS
from stockroom.reports.views import LabelSheetView, ReportExportView

from .tenant_world import (
    ROLES,
    Tenant,
    World,
    references_into,
    snapshot,
    snapshot_diff,
    tenant_models,
)

# Covered elsewhere: the admin by its own registry walk, the API by the OpenAPI matrix.
OTHER_MATRICES = ("admin/", "api/")

# Routes whose keywords are not rows of an organization, so there is nothing of B's to name.
SKIPPED = {
    # The token is the credential: whoever holds B's invitation link may join B, by design.
    "accounts:invitation_accept": "keyed by a secret invitation token, not a row id",
    # A signed uid/token pair of a user, not of an organization; invalid pairs render a notice.
    "accounts:password_reset_confirm": "keyed by a signed user token, not a row id",
}

# Keywords whose row is not the view's `model`: (route name, keyword) -> model.
KEYWORD_MODELS: dict[tuple[str, str], type[models.Model]] = {
    ("accounts:member_role", "pk"): Membership,
    ("accounts:member_remove", "pk"): Membership,
    ("accounts:invitation_revoke", "pk"): Invitation,
    ("inventory:product_stock", "pk"): Product,
    ("catalog:product_supplier_create", "pk"): Product,
    ("catalog:product_supplier_update", "pk"): Product,
    ("catalog:product_supplier_update", "link_pk"): ProductSupplier,
    ("catalog:product_supplier_delete", "pk"): Product,
    ("catalog:product_supplier_delete", "link_pk"): ProductSupplier,
}

# Keywords that pick a kind of page, not a row: every value the code knows.
BARCODE_KINDS = {"product": Product, "location": Location, "lot": Lot}
CHOICES: dict[tuple[str, str], list[str]] = {
    ("imports:import_template", "kind"): list(ImportKind.values),
    ("reports:report", "slug"): list(REPORTS),
    ("reports:report_print", "slug"): list(REPORTS),
    ("reports:report_export", "slug"): list(REPORTS),
    ("reports:report_export", "file_format"): list(ReportExportView.CONTENT_TYPES),
    ("reports:label_sheet", "sheet"): list(LabelSheetView.FORMS),
    ("reports:barcode", "symbology"): ["code128", "qr"],
}

DENIED = {403, 404, 405}
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: URLPattern
    prefix: str

    @property
    def keywords(self) -> list[str]:
        return list(self.pattern.pattern.converters)

    @property
    def methods(self) -> list[str]:
        view_class = getattr(self.pattern.callback, "view_class", None)
        if view_class is None:
            return ["get", "post"]
        return [method for method in METHODS if hasattr(view_class, method)]

    def model_of(self, keyword: str) -> type[models.Model] | None:
        if (self.name, keyword) in KEYWORD_MODELS:
            return KEYWORD_MODELS[(self.name, keyword)]
        view_class = getattr(self.pattern.callback, "view_class", None)
        if keyword == "pk" and getattr(view_class, "model", None) is not None:
            return view_class.model
        return None

    def __str__(self) -> str:
        return self.name


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from _walk(entry.url_patterns, route, inner)
        elif not route.startswith(OTHER_MATRICES):
            name = ":".join(filter(None, [namespace, entry.name])) if entry.name else route
            yield Route(name=name, pattern=entry, prefix=prefix)


ROUTES = [route for route in _walk(get_resolver().url_patterns) if route.name not in SKIPPED]


def _variants(route: Route, world: World) -> list[tuple[dict, bool]] | None:
    """Every keyword filling of `route`: (kwargs, names one of B's rows). Rows come as A's and
    B's, in every mix but all of A's (a nested id of B's under a parent of A's is the classic
    leak). None when a keyword has no rule."""
    options: list[list[tuple[str, object, bool]]] = []
    for keyword in route.keywords:
        if (route.name, keyword) in CHOICES:
            options.append([(keyword, value, False) for value in CHOICES[(route.name, keyword)]])
        elif route.name == "reports:history" and keyword == "model":
            options.append([(keyword, label, False) for label in HISTORY_MODELS])
        elif route.name in ("reports:history", "reports:barcode") and keyword == "pk":
            options.append([(keyword, None, True)])  # resolved with the other keyword below
        elif route.name == "reports:barcode" and keyword == "kind":
            options.append([(keyword, kind, False) for kind in BARCODE_KINDS])
        elif (model := route.model_of(keyword)) is not None:
            rows = [
                (tenant.of_model(model), is_b)
                for tenant, is_b in ((world.a, False), (world.b, True))
            ]
            if any(row is None for row, _ in rows):
                return None
            options.append([(keyword, row.pk, is_b) for row, is_b in rows])
        else:
            return None
    variants = []
    for combination in itertools.product(*options):
        kwargs = {keyword: value for keyword, value, _ in combination}
        names_b = any(is_b for _, _, is_b in combination)
        if "pk" in kwargs and kwargs["pk"] is None:
            model = (
                BARCODE_KINDS[kwargs["kind"]]
                if route.name == "reports:barcode"
                else _model_of_label(kwargs["model"])
            )
            row = world.b.of_model(model)
            if row is None:
                return None
            kwargs["pk"] = row.pk
        if names_b or not route.keywords:
            variants.append((kwargs, names_b))
    return variants


def _model_of_label(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def _probe_data(tenant: Tenant) -> dict[str, object]:
    """B's ids under every foreign key name of the tenant models, and the organization itself:
    what a hostile form post or query string would send."""
    data: dict[str, object] = {"organization": tenant.organization.pk, "id": tenant["product"].pk}
    for model in tenant_models():
        for relation in model._meta.concrete_fields:
            if relation.many_to_one and relation.name not in data:
                row = tenant.of_model(relation.related_model)
                if row is not None:
                    data[relation.name] = row.pk
    for name, row in tenant.rows.items():
        data.setdefault(name, row.pk)
        data.setdefault(f"{name}s", row.pk)
    data["ids"] = data["products"] = tenant["product"].pk
    return data


def _text_of(response) -> str:
    """The response as text, opening the formats a marker can hide in (XLSX, PDF)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    if "pdf" in content_type:
        document = pypdfium2.PdfDocument(body)
        return " ".join(page.get_textpage().get_text_range() for page in document)
    return body.decode("utf-8", "replace")


def _client_for(membership: Membership) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
    session.save()
    return client


def _probe(route: Route, world: World) -> list[str]:
    """Every request of the route as every role of A; the problems found."""
    variants = _variants(route, world)
    assert variants is not None, f"{route.name}: add a rule for its keywords {route.keywords}"
    data = _probe_data(world.b)
    marker = world.b.marker
    problems = []
    for role, kwargs_and_flag, method, query in itertools.product(
        ROLES, variants, route.methods, (False, True)
    ):
        kwargs, names_b = kwargs_and_flag
        # The query string probe is for pages that take B's ids there; a page keyed by B's row
        # is already refused whole.
        if query and (method != "get" or names_b):
            continue
        url = _reverse(route, kwargs)
        payload = data if (method != "get" or query) else {}
        # A fresh session each time: a logout, switch or password change must not blind the rest.
        client = _client_for(world.a.members[role])
        if method == "get":
            response = client.get(url, payload)
        else:
            response = getattr(client, method)(url, payload)
        where = f"{method.upper()} {url}{' ?B-ids' if query else ''} as {role}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
            continue
        if names_b and response.status_code not in DENIED:
            problems.append(f"{where}: {response.status_code} for B's row")
        if marker in _text_of(response).lower():
            problems.append(f"{where}: shows B's data")
    return problems


def _reverse(route: Route, kwargs: dict) -> str:
    from django.urls import reverse

    if route.pattern.name is None:
        # An unnamed route (e.g. /favicon.ico) cannot be reversed: its keywordless path is its URL.
        assert not kwargs, f"{route.name}: name the route so the matrix can fill its keywords"
        return "/" + route.name
    return reverse(route.name, kwargs=kwargs)


def test_every_route_is_generated(tenant_world):
    unfilled = [route.name for route in ROUTES if _variants(route, tenant_world) is None]

    assert unfilled == [], "add a keyword rule (or a justified skip) for these routes"
    assert len(ROUTES) > 100


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_never_reaches_another_organization(route, tenant_world, db):
    before = snapshot(tenant_world.b)

    problems = _probe(route, tenant_world)

    assert problems == []
    assert snapshot_diff(before, snapshot(tenant_world.b)) == []
    assert references_into(tenant_world.a, tenant_world.b) == []
