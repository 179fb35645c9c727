"""Every HTML list page answers a bad `page` parameter the same way (core/lists.py): junk or a
number below 1 shows the first page, a number past the end the last; never a 404 or a 500. The
lists are read from the URLconf, so a new list page is covered without being listed here."""

import pytest

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stockroom.accounts.roles import Role
from stockroom.alerts.models import Notification, NotificationKind
from stockroom.catalog.tests.factories import CategoryFactory, CustomerFactory, SupplierFactory
from stockroom.core.lists import ListPageView, requested_page
from stockroom.core.tenancy import scopes_disabled
from stockroom.imports.tests.factories import ImportJobFactory
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

from .tenant_world import build_tenant


def _list_routes(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _list_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class and issubclass(view_class, ListPageView):
                names.append(f"{namespace}{pattern.name}")
    return sorted(names)


LIST_ROUTES = _list_routes(get_resolver().url_patterns)

# The requested page → the page shown, given the number of the last page.
BAD_PAGES = {
    "junk": ("abc", lambda last: 1),
    "zero": ("0", lambda last: 1),
    "negative": ("-1", lambda last: 1),
    "past-the-end": ("99999", lambda last: last),
    "exponent": ("1e9", lambda last: 1),
}


def test_every_list_page_is_found() -> None:
    assert len(LIST_ROUTES) >= 13, LIST_ROUTES


def _second_rows(tenant) -> None:
    """A second row for the lists where the world has one, so that every list has two pages."""
    org = {"organization": tenant.organization}
    owner = tenant.members[Role.OWNER]
    CategoryFactory(**org)
    CustomerFactory(**org)
    SupplierFactory(**org)
    LocationFactory(**org, warehouse=WarehouseFactory(**org))
    ImportJobFactory(created_by=owner.user, **org)
    Notification.unscoped.create(
        recipient=owner.user, kind=NotificationKind.LOW_STOCK, title="low", dedupe_key="2", **org
    )


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_a_bad_page_shows_the_policys_page(route: str, db, client, monkeypatch) -> None:
    # One row a page: the lists of a world with a row of every model then run to several pages
    # (the ledger, the notifications), so "the last page" is not always "the first".
    monkeypatch.setattr(ListPageView, "paginate_by", 1)
    with scopes_disabled():
        tenant = build_tenant("lists")
        _second_rows(tenant)
    owner = tenant.members[Role.OWNER]
    client.force_login(owner.user)

    shown = {}
    for case, (raw, _expected) in BAD_PAGES.items():
        for kind, headers in (("page", {}), ("htmx", {"HX-Request": "true"})):
            response = client.get(reverse(route), {"page": raw}, headers=headers)
            assert response.status_code == 200, (case, kind)
            page = response.context["page_obj"]
            shown[case, kind] = (page.number, page.paginator.num_pages)

    expected = {
        (case, kind): (expected(last), last)
        for (case, kind), (_number, last) in shown.items()
        for expected in [BAD_PAGES[case][1]]
    }
    assert shown == expected
    assert min(last for _number, last in shown.values()) >= 2, "the list has a single page"


@pytest.mark.parametrize(
    ("raw", "last", "expected"),
    [
        (None, 5, 1),
        ("", 5, 1),
        ("3", 5, 3),
        ("abc", 5, 1),
        ("1e9", 5, 1),
        ("2.0", 5, 1),
        ("0", 5, 1),
        ("-1", 5, 1),
        ("6", 5, 5),
        ("9223372036854775808", 5, 5),
        ("last", 5, 5),
        ("3", 0, 1),
    ],
    ids=lambda value: repr(value),
)
def test_requested_page(raw: str | None, last: int, expected: int) -> None:
    assert requested_page(raw, last) == expected
