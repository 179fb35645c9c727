"""Order tasks: take primary keys, reload, act once."""

from celery import shared_task

from django.db.models import Prefetch
from django.utils import translation

from stockroom.core.task_options import RETRY_ON_TRANSIENT_ERRORS_OR_MAIL, OrganizationTask

from .emails import send_purchase_order
from .models import PurchaseOrder, PurchaseOrderLine
from .services import purchase_order_mark_emailed


@shared_task(base=OrganizationTask, **RETRY_ON_TRANSIENT_ERRORS_OR_MAIL)
def send_purchase_order_email(organization_id: int, order_id: int) -> bool:
    """Email a sent purchase order to its supplier. Safe to run twice: once recorded as
    emailed it is not sent again."""
    order = (
        PurchaseOrder.objects.select_related("organization", "supplier", "sent_by")
        .prefetch_related(
            Prefetch("lines", PurchaseOrderLine.objects.select_related("product").order_by("pk"))
        )
        .filter(pk=order_id, emailed_at__isnull=True)
        .first()
    )
    if order is None or not order.supplier.email:
        return False
    # In the language of whoever sent it: a worker has no request to take a language from.
    with translation.override(order.sent_by.language if order.sent_by else None):
        email = send_purchase_order(order)
    purchase_order_mark_emailed(order=order, email=email)
    return True
