"""Report and label forms choose products without listing the organization's catalog."""

import pytest

from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.reports.forms import (
    LotLabelForm,
    MovementFilterForm,
    ProductLabelForm,
)

pytestmark = pytest.mark.django_db


def test_labels_page_renders_no_product_options(client, organization, viewer, member_client):
    ProductFactory(organization=organization, sku="HIDDEN-1", name="Never listed")
    member_client(viewer)
    response = client.get(reverse("reports:labels"))
    assert response.status_code == 200
    assert b"Never listed" not in response.content
    assert b"data-product-picker" in response.content  # the lot sheet's picker


def test_product_labels_by_sku_are_case_insensitive_and_deduplicated(organization):
    bolt = ProductFactory(organization=organization, sku="Bolt-M6")
    nut = ProductFactory(organization=organization, sku="NUT-M6")
    form = ProductLabelForm({"skus": "bolt-m6, NUT-M6\nBOLT-M6"}, organization=organization)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["products"]) == {bolt, nut}


def test_product_labels_by_id_and_sku_together(organization):
    bolt = ProductFactory(organization=organization, sku="BOLT")
    nut = ProductFactory(organization=organization, sku="NUT")
    form = ProductLabelForm({"skus": "NUT", "products": [bolt.pk]}, organization=organization)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["products"]) == {bolt, nut}


def test_unknown_skus_are_named(organization, other_organization):
    ProductFactory(organization=organization, sku="KNOWN")
    ProductFactory(organization=other_organization, sku="FOREIGN")
    ProductFactory(organization=organization, sku="RETIRED", is_active=False)
    form = ProductLabelForm({"skus": "KNOWN FOREIGN retired nope"}, organization=organization)
    assert not form.is_valid()
    assert form.errors["skus"] == ["No active product has the SKU FOREIGN, RETIRED, NOPE."]


def test_product_labels_need_at_least_one_product(organization):
    form = ProductLabelForm({"skus": " , \n"}, organization=organization)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Enter at least one SKU."]


def test_another_organizations_product_id_is_refused(organization, other_organization):
    foreign = ProductFactory(organization=other_organization)
    form = ProductLabelForm({"products": [foreign.pk]}, organization=organization)
    assert not form.is_valid()
    assert "products" in form.errors


def test_a_sheet_holds_at_most_the_label_limit(organization, monkeypatch):
    monkeypatch.setattr("stockroom.reports.forms.MAX_PRODUCT_LABELS", 2)
    skus = [ProductFactory(organization=organization).sku for _ in range(3)]
    form = ProductLabelForm({"skus": " ".join(skus)}, organization=organization)
    assert not form.is_valid()
    assert form.non_field_errors() == ["At most 2 labels per sheet."]


def test_product_label_sheet_by_sku_is_a_pdf(client, organization, viewer, member_client):
    ProductFactory(organization=organization, sku="SHEET-1")
    member_client(viewer)
    response = client.get(reverse("reports:label_sheet", args=["products"]), {"skus": "sheet-1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_unknown_sku_on_the_sheet_redirects_with_the_error(
    client, organization, viewer, member_client
):
    member_client(viewer)
    response = client.get(
        reverse("reports:label_sheet", args=["products"]), {"skus": "GHOST"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reports:labels")
    assert "No active product has the SKU GHOST." in response.content.decode()


def test_lot_labels_refuse_a_product_that_is_not_lot_tracked(organization):
    plain = ProductFactory(organization=organization, is_lot_tracked=False)
    form = LotLabelForm({"product": plain.pk}, organization=organization)
    assert not form.is_valid()
    assert form.errors["product"] == ["Choose a lot-tracked product."]


def test_movement_report_filters_by_a_picked_product(organization):
    product = ProductFactory(organization=organization)
    form = MovementFilterForm({"product": product.pk}, organization=organization)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["product"] == product
    assert "data-product-picker" in str(form["product"])


def test_movement_report_refuses_another_organizations_product(organization, other_organization):
    foreign = ProductFactory(organization=other_organization)
    form = MovementFilterForm({"product": foreign.pk}, organization=organization)
    assert not form.is_valid()
    assert "product" in form.errors
