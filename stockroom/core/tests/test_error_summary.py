"""The error summary above every form rendered by templates/forms/fields.html."""

import re

import pytest

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from stockroom.catalog.widgets import ProductPicker


class _ShipForm(forms.Form):
    name = forms.CharField(label="Name")
    quantity = forms.DecimalField(label="Quantity")
    urgent = forms.BooleanField(label="Urgent", required=True)
    product = forms.CharField(label="Product", widget=ProductPicker())

    def clean(self):
        raise forms.ValidationError("The order is closed.")


def summary_of(html: str) -> str:
    found = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S)
    assert found, "no error summary"
    return found.group(0)


def test_bound_invalid_form_lists_every_error_linked_to_its_field(db):
    form = _ShipForm(data={"quantity": "many"})
    summary = summary_of(render_to_string("forms/fields.html", {"form": form}))
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    assert '<a class="alert-link" href="#id_name">Name: This field is required.</a>' in summary
    assert 'href="#id_quantity">Quantity: Enter a number.</a>' in summary
    assert 'href="#id_urgent">Urgent: This field is required.</a>' in summary
    # The picker's label names its search box: the link goes where the user types.
    assert 'href="#id_product_search">Product: This field is required.</a>' in summary
    assert "<li>The order is closed.</li>" in summary


def test_unbound_and_valid_forms_have_no_summary(db):
    assert "data-error-summary" not in render_to_string("forms/fields.html", {"form": _ShipForm()})

    class Valid(forms.Form):
        name = forms.CharField()

    form = Valid(data={"name": "x"})
    assert form.is_valid()
    assert "data-error-summary" not in render_to_string("forms/fields.html", {"form": form})


def test_summary_heading_is_translated(db):
    with translation.override("es"):
        html = render_to_string("forms/fields.html", {"form": _ShipForm(data={})})
    assert "Hay un problema" in summary_of(html)


@pytest.mark.django_db
def test_failed_login_opens_on_the_summary(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary
