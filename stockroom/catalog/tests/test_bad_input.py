"""Bad input to the catalog pages: a form error, a 400 or a 404, never a 500."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.models import Product

from .factories import CategoryFactory, ProductFactory, image_upload
from .test_views import VALID_POST

pytestmark = pytest.mark.django_db

INVALID_IMAGE = "The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."


@pytest.fixture
def manager_client(organization, member_client):
    return member_client(MembershipFactory(organization=organization, role=Role.MANAGER))


def test_a_truncated_jpeg_is_a_form_error(manager_client):
    whole = image_upload("photo.jpg", image_format="JPEG").read()
    truncated = SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    response = manager_client.post(
        reverse("catalog:product_create"), {**VALID_POST["product"], "image": truncated}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"image": [INVALID_IMAGE]}
    assert not Product.unscoped.exists()


@pytest.mark.parametrize(
    ("page", "name"),
    [("catalog:product_create", "category"), ("catalog:category_create", "parent")],
)
@pytest.mark.parametrize("value", ["²", "٣", "9" * 30], ids=["superscript", "arabic", "30-digits"])
def test_an_initial_id_that_no_row_can_have_is_ignored(page, name, value, manager_client):
    response = manager_client.get(reverse(page), {name: value})

    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_an_initial_id_still_preselects(organization, manager_client):
    category = CategoryFactory(organization=organization)

    response = manager_client.get(reverse("catalog:product_create"), {"category": category.pk})

    assert response.context["form"].initial == {"category": category.pk}


@pytest.mark.parametrize("page", ["catalog:product_list", "catalog:product_search"])
def test_a_nul_in_the_product_search_is_a_400(page, organization, manager_client):
    ProductFactory(organization=organization, sku="A-1")

    response = manager_client.get(reverse(page), {"q": "A\x00"})

    assert response.status_code == 400


def test_a_page_past_the_end_of_the_product_list_shows_the_last_one(organization, manager_client):
    ProductFactory(organization=organization, sku="A-1")

    response = manager_client.get(reverse("catalog:product_list"), {"page": str(2**63 - 1)})

    assert response.status_code == 200
    assert [product.sku for product in response.context["page_obj"]] == ["A-1"]
