"""The one-pass <select>: the markup of Django's Select, without a template per option."""

import pytest

from django import forms
from django.test.html import parse_html

from stockroom.inventory.widgets import OnePassSelect

CHOICES = [
    ("", "---------"),
    ("North & co", [(1, "N/A-01 · Aisle <1>"), (2, "N/A-02")]),
    ("South", [(3, "S/B-01")]),
    (4, "Loose bin"),
]


def test_renders_groups_options_and_attributes_exactly():
    html = OnePassSelect(choices=CHOICES).render(
        "location", "2", attrs={"id": "id_location", "class": "form-select", "required": True}
    )

    assert html == (
        '<select name="location" class="form-select" id="id_location" required>'
        '<option value="">---------</option>'
        '<optgroup label="North &amp; co">'
        '<option value="1">N/A-01 · Aisle &lt;1&gt;</option>'
        '<option value="2" selected>N/A-02</option>'
        "</optgroup>"
        '<optgroup label="South"><option value="3">S/B-01</option></optgroup>'
        '<option value="4">Loose bin</option>'
        "</select>"
    )


@pytest.mark.parametrize(
    "value",
    [None, "", "1", 3, "4", "99"],
    ids=["none", "empty", "grouped-string", "grouped-int", "flat", "unknown"],
)
def test_markup_matches_djangos_select(value):
    attrs = {"id": "id_location", "aria-invalid": "true", "disabled": False}

    ours = OnePassSelect(choices=CHOICES).render("location", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("location", value, attrs=attrs)

    assert parse_html(ours) == parse_html(django)


def test_only_the_first_option_of_a_repeated_value_is_selected():
    html = OnePassSelect(choices=[("a", "First"), ("a", "Again")]).render("pick", "a")

    assert html == (
        '<select name="pick"><option value="a" selected>First</option>'
        '<option value="a">Again</option></select>'
    )
