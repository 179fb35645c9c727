"""A purchase order as a PDF, for the supplier's email and the download link; a shipment's
packing slip, to go in the parcel."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from django.utils.html import escape
from django.utils.translation import gettext as _

from stockroom.core.formatting import format_date, format_money, format_quantity

from .models import PurchaseOrder, Shipment


def _a4(buffer: BytesIO, *, title: str, author: str) -> SimpleDocTemplate:
    margin = 18 * mm
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=author,
    )


def purchase_order_pdf(order: PurchaseOrder) -> bytes:
    """Render the order (supplier, lines, total) on A4; the lines must be prefetchable."""
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    document = _a4(
        buffer,
        title=_("Purchase order %(number)s") % {"number": order.number},
        author=order.organization.name,
    )
    supplier = order.supplier
    currency = order.organization.currency
    story = [
        Paragraph(escape(order.organization.name), styles["Heading2"]),
        Paragraph(
            escape(_("Purchase order %(number)s") % {"number": order.number}), styles["Title"]
        ),
    ]
    facts = [_("Date: %(date)s") % {"date": format_date(order.sent_at or order.created_at)}]
    if order.expected_date:
        facts.append(_("Expected on: %(date)s") % {"date": format_date(order.expected_date)})
    for fact in facts:
        story.append(Paragraph(escape(fact), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    supplier_lines = [supplier.name, supplier.contact_name, supplier.address, supplier.email]
    story.append(Paragraph(f"<b>{escape(_('Supplier'))}</b>", styles["Normal"]))
    for text in filter(None, supplier_lines):
        story.append(Paragraph(escape(text).replace("\n", "<br/>"), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))

    rows = [[_("SKU"), _("Product"), _("Quantity"), _("Unit price"), _("Amount")]]
    for line in order.lines.all():
        rows.append(
            [
                line.product.sku,
                Paragraph(escape(line.product.name), styles["Normal"]),
                format_quantity(line.quantity, line.product),
                format_money(line.unit_price, currency, code=False),
                format_money(line.total, currency, code=False),
            ]
        )
    rows.append(
        [
            "",
            "",
            "",
            _("Total (%(currency)s)") % {"currency": currency},
            format_money(order.total, currency, code=False),
        ]
    )
    table = Table(rows, colWidths=[28 * mm, 66 * mm, 22 * mm, 28 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    story.append(table)
    if order.notes:
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph(escape(order.notes).replace("\n", "<br/>"), styles["Normal"]))
    document.build(story)
    return buffer.getvalue()


def packing_slip_pdf(shipment: Shipment) -> bytes:
    """Render what one shipment holds (ship-to, carrier, tracking number, products, lots and
    quantities; no prices) on A4, from `selectors.shipment_detail`."""
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    order, customer = shipment.order, shipment.order.customer
    title = _("Packing slip %(number)s") % {"number": shipment.number}
    document = _a4(buffer, title=title, author=shipment.organization.name)
    story = [
        Paragraph(escape(shipment.organization.name), styles["Heading2"]),
        Paragraph(escape(title), styles["Title"]),
    ]
    facts = [
        _("Sales order: %(number)s") % {"number": order.number},
        _("Shipped on: %(date)s") % {"date": format_date(shipment.shipped_at)},
    ]
    if shipment.carrier:
        facts.append(_("Carrier: %(carrier)s") % {"carrier": shipment.carrier})
    if shipment.tracking_number:
        facts.append(_("Tracking number: %(number)s") % {"number": shipment.tracking_number})
    for fact in facts:
        story.append(Paragraph(escape(fact), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(f"<b>{escape(_('Ship to'))}</b>", styles["Normal"]))
    for text in filter(None, [customer.name, customer.shipping_address]):
        story.append(Paragraph(escape(text).replace("\n", "<br/>"), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    rows = [[_("SKU"), _("Product"), _("Lot"), _("Quantity")]]
    for line in shipment.lines.all():
        product = line.line.product
        rows.append(
            [
                product.sku,
                Paragraph(escape(product.name), styles["Normal"]),
                line.lot.lot_number if line.lot else "",
                format_quantity(line.quantity, product),
            ]
        )
    table = Table(rows, colWidths=[32 * mm, 86 * mm, 28 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    story.append(table)
    document.build(story)
    return buffer.getvalue()
