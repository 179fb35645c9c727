import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.api.tenancy import ORGANIZATION_CLAIM
from stockroom.catalog.tests.factories import ProductFactory


def access_token_for(membership) -> str:
    refresh = RefreshToken.for_user(membership.user)
    refresh[ORGANIZATION_CLAIM] = membership.organization_id
    return str(refresh.access_token)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """`client_for(membership)`: an API client signed in with a JWT for that membership."""

    def build(membership) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(membership)}")
        return client

    return build


@pytest.fixture
def owner_client(owner, client_for):
    return client_for(owner)


@pytest.fixture
def other_owner(other_organization):
    return MembershipFactory(organization=other_organization, role=Role.OWNER)


@pytest.fixture
def product(organization):
    """The product the stock and order tests of the API move and sell."""
    return ProductFactory(organization=organization, sku="BOLT")
