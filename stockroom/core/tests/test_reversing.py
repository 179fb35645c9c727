import pytest

from django.urls import reverse, set_script_prefix

from stockroom.core.reversing import pk_url, url_for_pk

NAMES = [
    "catalog:product_detail",
    "inventory:location_detail",
    "inventory:warehouse_detail",
    "orders:sales_order_detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 42, 987654321])
def test_pk_url_is_reverse(name, pk):
    assert pk_url(name, pk) == url_for_pk(name)(pk) == reverse(name, kwargs={"pk": pk})


def test_pk_url_follows_the_script_prefix():
    """Served under a path prefix (SCRIPT_NAME), the cached parts are those of that prefix."""
    try:
        set_script_prefix("/stock/")
        prefixed = pk_url("catalog:product_detail", 7)
        expected = reverse("catalog:product_detail", kwargs={"pk": 7})
    finally:
        set_script_prefix("/")

    assert prefixed == expected
    assert prefixed.startswith("/stock/")
    assert pk_url("catalog:product_detail", 7) == reverse(
        "catalog:product_detail", kwargs={"pk": 7}
    )
