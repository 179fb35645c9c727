"""Every registered ModelAdmin walked as organization A's staff with organization B's ids.

Generated from `admin.site._registry`: a model registered tomorrow is walked without anyone
listing it. For each admin: the change list (no B rows, no B names in filters), the add form (no
organization field, choices only A's), B's change, delete, history, history-form and revert pages
(never a 200 with B's data), every action offered on B's ids (nothing changes), and autocomplete
(no B rows). B's rows carry the marker ZULU, so any leaked name shows up in a page.
"""

import pytest

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import transaction
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from stockroom.accounts.admin_mixins import TenantAdmin, TenantInlineMixin
from stockroom.accounts.models import Membership, Organization, User
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.admin_world import tenant_with_everything
from stockroom.accounts.tests.factories import MembershipFactory, UserFactory

MARKER = b"zulu"
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
TENANT_LABELS = [m._meta.label for m, a in REGISTRY if isinstance(a, TenantAdmin)]
ALL_LABELS = [m._meta.label for m, _a in REGISTRY]
# Refusals: a 302 is the admin's "does not exist" redirect to its index.
REFUSED = {302, 403, 404}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both organizations, built once for the module and rolled back at its end."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("admin-walk-media"))
    with django_db_blocker.unblock(), media:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            alfa = tenant_with_everything("ALFA")
            zulu = tenant_with_everything("ZULU")
            # A's owner is also a member of B: the admin must follow the active organization,
            # not every organization the user may read.
            MembershipFactory(organization=zulu.organization, user=alfa.user, role=Role.VIEWER)
            # Whose name the organization switcher shows them rightly; the filters and selects
            # are checked by id instead.
            Organization.objects.filter(pk=zulu.organization_id).update(name="Bravo Corp")
            superuser = UserFactory(is_staff=True, is_superuser=True, email="root@example.com")
            root = MembershipFactory(
                organization=alfa.organization, user=superuser, role=Role.OWNER
            )
            yield {"staff_owner": alfa, "superuser": root, "zulu": zulu}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _model_admin(label: str):
    return next(a for m, a in REGISTRY if m._meta.label == label)


def _b_rows(model, zulu: Membership):
    """B's rows of `model`: what A's staff must never read, pick or change."""
    if model is Organization:
        return Organization.objects.filter(pk=zulu.organization_id)
    if model is User:
        return User.objects.filter(pk=zulu.user_id)
    if model is Membership:
        return Membership.objects.filter(pk=zulu.pk)
    if hasattr(model, "unscoped"):
        return model.unscoped.filter(organization_id=zulu.organization_id)
    return model._default_manager.none()


def _snapshot(model, pks) -> list[dict]:
    return list(model._base_manager.filter(pk__in=pks).order_by("pk").values())


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _assert_no_b(response) -> None:
    assert response.status_code != 500
    assert MARKER not in response.content.lower(), response.request["PATH_INFO"]


def _choice_fields(form) -> list[forms.ModelChoiceField]:
    # A formset's hidden primary-key field is not a choice: its rows come from the formset's
    # own queryset, which is the parent's.
    pk_name = form._meta.model._meta.pk.name
    return [
        field
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField) and name != pk_name
    ]


@pytest.fixture
def walker(world, client):
    def login(actor: str):
        membership = world[actor]
        client.force_login(membership.user)
        session = client.session
        session["active_organization_id"] = membership.organization_id
        session.save()
        return client

    return login


CASES = [pytest.param(label, "staff_owner", id=f"{label}-staff_owner") for label in ALL_LABELS] + [
    pytest.param(label, "superuser", id=f"{label}-superuser") for label in TENANT_LABELS
]


@pytest.mark.parametrize(("label", "actor"), CASES)
def test_admin_walk_never_crosses_tenants(world, walker, db, label, actor):  # noqa: C901 - one walk, every admin action
    model_admin = _model_admin(label)
    model = model_admin.model
    client = walker(actor)
    zulu = world["zulu"]
    is_tenant = isinstance(model_admin, TenantAdmin)
    b_pks = list(_b_rows(model, zulu).values_list("pk", flat=True))
    if is_tenant:
        assert b_pks, f"add a {label} row to admin_world.tenant_with_everything"
    before = _snapshot(model, b_pks)

    # Change list: A's rows only, filters from A's rows only.
    changelist = client.get(_url(model, "changelist"))
    _assert_no_b(changelist)
    actions: list[str] = []
    if is_tenant:
        assert changelist.status_code == 200
        rows = list(changelist.context["cl"].result_list)
        assert rows, "the walk must see A's own rows to prove anything"
        assert {row.organization_id for row in rows} == {world[actor].organization_id}
        for spec in changelist.context["cl"].filter_specs:
            for pk, _name in getattr(spec, "lookup_choices", []):
                assert pk not in set(
                    _b_rows(spec.field.remote_field.model, zulu).values_list("pk", flat=True)
                )
        action_form = changelist.context["action_form"]
        actions = [name for name, _text in action_form.fields["action"].choices if name]
    elif actor == "staff_owner":
        assert changelist.status_code == 403

    # Add form: no organization field, every choice A's.
    add = client.get(_url(model, "add"))
    _assert_no_b(add)
    if add.status_code == 200 and is_tenant:
        assert "organization" not in add.context["adminform"].form.fields
        forms_to_check = [add.context["adminform"].form]
        for inline in add.context["inline_admin_formsets"]:
            forms_to_check += [inline.formset.empty_form, *inline.formset.forms]
        for form in forms_to_check:
            assert "organization" not in form.fields
            for field in _choice_fields(form):
                leaked = set(field.queryset.values_list("pk", flat=True)) & set(
                    _b_rows(field.queryset.model, zulu).values_list("pk", flat=True)
                )
                assert not leaked, (label, field.label)
    elif actor == "staff_owner" and not is_tenant:
        assert add.status_code == 403

    if actor == "superuser" and not is_tenant:
        return  # platform models are the platform operator's to read
    # B's objects: never a 200 with B's data, nothing changed.
    for pk in b_pks or ["1"]:
        pages = [("get", _url(model, "change", pk), None)]
        pages += [("post", _url(model, "change", pk), {"name": "Hacked", "is_active": "on"})]
        pages += [("get", _url(model, "delete", pk), None)]
        pages += [("post", _url(model, "delete", pk), {"post": "yes"})]
        pages += [("get", _url(model, "history", pk), None)]
        history = getattr(model, "history", None)
        if history is not None and b_pks:
            for version in history.filter(pk=pk):
                try:
                    url = _url(model, "simple_history", pk, version.history_id)
                except NoReverseMatch:
                    break
                pages += [("get", url, None), ("post", url, {"name": "Hacked"})]
        for method, url, data in pages:
            response = getattr(client, method)(url, data or {})
            _assert_no_b(response)
            assert response.status_code in REFUSED, (method, url, response.status_code)

    # Every action the change list offers, on B's ids.
    for action in actions:
        response = client.post(
            _url(model, "changelist"),
            {"action": action, "_selected_action": b_pks, "post": "yes", "index": "0"},
        )
        _assert_no_b(response)

    # Autocomplete of every autocomplete field here and in the inlines.
    sources = [(model, model_admin)] + [
        (inline.model, inline)
        for inline in model_admin.get_inline_instances(changelist.wsgi_request)
    ]
    for source_model, source_admin in sources:
        for field_name in source_admin.autocomplete_fields:
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )
            _assert_no_b(response)
            if response.status_code == 200:
                remote = source_model._meta.get_field(field_name).remote_field.model
                ids = {str(result["id"]) for result in response.json()["results"]}
                b_ids = {str(pk) for pk in _b_rows(remote, zulu).values_list("pk", flat=True)}
                assert not ids & b_ids, (label, field_name)
            else:
                assert response.status_code == 403

    assert _snapshot(model, b_pks) == before
    assert len(before) == len(b_pks)


def test_every_tenant_model_in_the_admin_is_scoped():
    """A tenant model (it has an organization) must use the tenant admin classes."""
    for model, model_admin in REGISTRY:
        field_names = {field.name for field in model._meta.get_fields()}
        if "organization" in field_names and hasattr(model, "unscoped"):
            assert isinstance(model_admin, TenantAdmin), model._meta.label
        for inline in model_admin.inlines:
            if hasattr(inline.model, "unscoped"):
                assert issubclass(inline, TenantInlineMixin), inline
                assert issubclass(inline, InlineModelAdmin)
