"""The tenant manager scopes queries to the active organization."""

from stockroom.catalog.models import Category
from stockroom.core.tenancy import get_active_organization_id, organization_scope


def test_scoped_manager_sees_only_the_active_organization(organization, other_organization):
    mine = Category.objects.create(organization=organization, name="Tools")
    Category.objects.create(organization=other_organization, name="Tools")
    with organization_scope(organization.pk):
        assert list(Category.objects.all()) == [mine]
        assert Category.objects.filter(name="Tools").count() == 1
    assert Category.objects.count() == 2  # no active organization: commands, tasks, admin
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
