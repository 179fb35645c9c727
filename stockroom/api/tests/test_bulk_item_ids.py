"""A bulk item's `id` of the wrong JSON type is refused as an unknown id (found by the
schemathesis sweep pinned to a real organization: `{"id": {}}` answered 500)."""

import pytest

from stockroom.catalog.models import Product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "item_id",
    [
        pytest.param({}, id="object"),
        pytest.param([1], id="list"),
        pytest.param("1", id="string"),
        pytest.param(True, id="boolean"),
    ],
)
def test_bulk_item_id_of_the_wrong_type_is_a_400_naming_it(owner_client, organization, item_id):
    response = owner_client.post(
        "/api/v1/products/bulk/",
        {"items": [{"id": item_id, "sku": "NEW-1", "name": "New"}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["items.0.id"]
    assert Product.unscoped.filter(organization=organization).count() == 0
