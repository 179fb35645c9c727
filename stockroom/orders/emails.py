"""The purchase order email to a supplier: text, HTML alternative and the PDF attached."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from stockroom.core.mail import render_text

from .models import PurchaseOrder
from .pdf import purchase_order_pdf


def send_purchase_order(order: PurchaseOrder) -> str:
    """Email the order to its supplier; returns the address it went to."""
    context = {"order": order, "organization": order.organization, "supplier": order.supplier}
    subject = " ".join(render_text("orders/email/purchase_order_subject.txt", context).split())
    text_body = render_text("orders/email/purchase_order_body.txt", context)
    html_body = render_to_string("orders/email/purchase_order_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text_body,
        settings.DEFAULT_FROM_EMAIL,
        [order.supplier.email],
        reply_to=[order.sent_by.email] if order.sent_by and order.sent_by.email else None,
    )
    message.attach_alternative(html_body, "text/html")
    message.attach(f"{order.number}.pdf", purchase_order_pdf(order), "application/pdf")
    message.send()
    return order.supplier.email
