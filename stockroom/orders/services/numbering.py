"""Document numbers per organization: PO-00001, SO-00001, CNT-00001, SHP-00001, without gaps
or repeats."""

from django.db import IntegrityError, transaction
from django.db.models import F

from ..models import DocumentSequence

PURCHASE_ORDER_PREFIX = "PO"
SALES_ORDER_PREFIX = "SO"
STOCK_COUNT_PREFIX = "CNT"
SHIPMENT_PREFIX = "SHP"


def next_document_number(*, organization_id: int, prefix: str) -> str:
    """Take the next number of `prefix` in the organization. Must run inside the transaction that
    stores the document: the sequence row stays locked until it commits, so two concurrent
    callers get consecutive numbers (and a rolled-back document gives its number back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_document_number() must run inside transaction.atomic().")
    sequences = DocumentSequence.objects.filter(organization_id=organization_id, prefix=prefix)
    # UPDATE … SET last_value = last_value + 1 takes the row lock before reading the value. It
    # updates nothing only for the organization's first document of this kind.
    if not sequences.update(last_value=F("last_value") + 1):
        try:
            with transaction.atomic():
                DocumentSequence.objects.create(organization_id=organization_id, prefix=prefix)
        except IntegrityError:
            pass  # a concurrent transaction created it first; its row is used below
        sequences.update(last_value=F("last_value") + 1)
    value = sequences.values_list("last_value", flat=True).get()
    return f"{prefix}-{value:05d}"
