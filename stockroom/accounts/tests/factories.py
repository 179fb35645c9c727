import factory

from stockroom.accounts.models import Membership, Organization, User
from stockroom.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


class TenantFactory(factory.django.DjangoModelFactory):
    """A row of one organization: a new one unless the test gives it."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)


def of_same_organization(factory_class, **kwargs) -> factory.SubFactory:
    """A related row built in the organization of the row that holds it."""
    return factory.SubFactory(
        factory_class, organization=factory.SelfAttribute("..organization"), **kwargs
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CLERK
