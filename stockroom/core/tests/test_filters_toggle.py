"""The "Filters" button of the list pages (templates/includes/filters_toggle.html): folded on a
phone unless a filter in the URL narrows the list."""

import pytest

from django.template import Context, Template
from django.test import RequestFactory

TEMPLATE = Template(
    "{% load ui %}{% filters_in_use as open %}"
    '{% include "includes/filters_toggle.html" with target="list-filters" open=open %}'
)


def render(query: str) -> str:
    request = RequestFactory().get(f"/catalog/products/{query}")
    return TEMPLATE.render(Context({"request": request}))


@pytest.mark.parametrize("query", ["", "?page=2", "?sort=-name&q=", "?per_page=50"])
def test_folded_when_nothing_narrows_the_list(query: str) -> None:
    html = render(query)
    assert 'aria-expanded="false"' in html
    assert 'aria-controls="list-filters"' in html
    assert 'data-bs-target="#list-filters"' in html


@pytest.mark.parametrize("query", ["?q=TL-", "?status=sent&page=2", "?warehouse=3"])
def test_open_when_a_filter_is_in_use(query: str) -> None:
    assert 'aria-expanded="true"' in render(query)


def test_no_request_means_folded() -> None:
    html = Template("{% load ui %}{% filters_in_use as open %}{{ open }}").render(Context({}))
    assert html == "False"
