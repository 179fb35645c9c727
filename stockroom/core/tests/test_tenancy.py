"""The tenant manager scopes queries to the active organization and fails closed without one."""

import pytest

from stockroom.catalog.models import Category, Product
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.tenancy import (
    ScopeError,
    get_active_organization_id,
    organization_scope,
    scopes_are_disabled,
    scopes_disabled,
)


def test_scoped_manager_sees_only_the_active_organization(organization, other_organization):
    mine = Category.objects.create(organization=organization, name="Tools")
    Category.objects.create(organization=other_organization, name="Tools")
    with organization_scope(organization.pk):
        assert list(Category.objects.all()) == [mine]
        assert Category.objects.filter(name="Tools").count() == 1
    assert Category.objects.count() == 2  # the suite's setup runs with scopes disabled
    assert Category.unscoped.count() == 2


def test_for_organization_is_explicit(organization, other_organization):
    Category.objects.create(organization=organization, name="A")
    theirs = Category.objects.create(organization=other_organization, name="B")
    assert list(Category.objects.for_organization(other_organization)) == [theirs]


def test_scope_is_restored_after_the_block(organization):
    assert get_active_organization_id() is None
    with organization_scope(organization.pk):
        with organization_scope(None):
            assert get_active_organization_id() is None
        assert get_active_organization_id() == organization.pk
    assert get_active_organization_id() is None


@pytest.fixture
def two_categories(organization, other_organization):
    with scopes_disabled():
        return (
            Category.objects.create(organization=organization, name="Mine"),
            Category.objects.create(organization=other_organization, name="Theirs"),
        )


READS = {
    "list": lambda: list(Category.objects.all()),
    "filter-first": lambda: Category.objects.filter(name="Mine").first(),
    "get": lambda: Category.objects.get(name="Mine"),
    "count": lambda: Category.objects.count(),
    "exists": lambda: Category.objects.exists(),
    "values-list": lambda: list(Category.objects.values_list("pk", flat=True)),
    "aggregate": lambda: Category.objects.aggregate(),
    "iterator": lambda: list(Category.objects.iterator()),
    "in-bulk": lambda: Category.objects.in_bulk(),
    "update": lambda: Category.objects.update(name="Renamed"),
    "delete": lambda: Category.objects.filter(name="Mine").delete(),
    "get-or-create": lambda: Category.objects.get_or_create(name="Mine"),
    "subquery": lambda: list(Product.unscoped.filter(category__in=Category.objects.all())),
}


@pytest.mark.fail_closed
@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_tenant_queries_raise_with_no_scope_active(two_categories, read):
    with pytest.raises(ScopeError):
        read()
    with scopes_disabled():
        assert sorted(Category.objects.values_list("name", flat=True)) == ["Mine", "Theirs"]


@pytest.mark.fail_closed
def test_related_managers_fail_closed_too(organization):
    with scopes_disabled():
        category = Category.objects.create(organization=organization, name="Tools")
        product = ProductFactory(organization=organization, category=category)
    with pytest.raises(ScopeError):
        list(category.products.all())
    with organization_scope(organization.pk):
        assert list(category.products.all()) == [product]


@pytest.mark.fail_closed
def test_a_queryset_made_with_no_scope_stays_closed_inside_one(two_categories, organization):
    made_outside = Category.objects.all()
    with organization_scope(organization.pk), pytest.raises(ScopeError):
        list(made_outside)  # it was never filtered, so it must not run


@pytest.mark.fail_closed
def test_each_scope_sees_its_own_organization(two_categories, organization, other_organization):
    mine, theirs = two_categories
    with organization_scope(organization.pk):
        assert list(Category.objects.all()) == [mine]
    with organization_scope(other_organization.pk):
        assert list(Category.objects.all()) == [theirs]
        assert Category.objects.filter(pk=mine.pk).update(name="Stolen") == 0


@pytest.mark.fail_closed
def test_entering_a_scope_ends_scopes_disabled(two_categories):
    with scopes_disabled():
        assert scopes_are_disabled()
        assert Category.objects.count() == 2
        with organization_scope(None):  # e.g. an anonymous request run from a test
            assert not scopes_are_disabled()
            with pytest.raises(ScopeError):
                Category.objects.count()
        assert scopes_are_disabled()
    assert not scopes_are_disabled()


@pytest.mark.fail_closed
def test_none_reads_nothing_and_is_safe_anywhere(two_categories):
    assert list(Category.objects.none()) == []
    assert list(Category.objects.all().none()) == []


def test_requests_run_inside_the_members_scope(clerk, rf):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from stockroom.accounts.middleware import ActiveOrganizationMiddleware

    seen = {}

    def view(request):
        seen["scope"] = get_active_organization_id()
        return HttpResponse()

    request = rf.get("/")
    request.user, request.session = clerk.user, SessionStore()
    ActiveOrganizationMiddleware(view)(request)
    assert seen["scope"] == clerk.organization_id
    assert request.organization == clerk.organization
    assert get_active_organization_id() is None  # reset once the request is done
