import pytest

from django.db import transaction

from stockroom.orders.models import DocumentSequence
from stockroom.orders.services import next_document_number


def test_numbers_are_consecutive_per_prefix_and_organization(organization, other_organization):
    with transaction.atomic():
        numbers = [
            next_document_number(organization_id=organization.pk, prefix="PO"),
            next_document_number(organization_id=organization.pk, prefix="PO"),
            next_document_number(organization_id=organization.pk, prefix="CNT"),
            next_document_number(organization_id=other_organization.pk, prefix="PO"),
        ]
    assert numbers == ["PO-00001", "PO-00002", "CNT-00001", "PO-00001"]


def test_a_rolled_back_document_gives_its_number_back(organization):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_document_number(organization_id=organization.pk, prefix="SO")
        raise RuntimeError
    with transaction.atomic():
        assert next_document_number(organization_id=organization.pk, prefix="SO") == "SO-00001"
    assert DocumentSequence.objects.get(prefix="SO").last_value == 1
