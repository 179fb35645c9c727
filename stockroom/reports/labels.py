"""Codes of products, locations and lots; their Code128 / QR images and A4 label sheets (PDF).

The code text is what a scanner types back into the scan page:
product → its barcode, or its SKU when it has none; location → "LOC:<warehouse>/<location>";
lot → "LOT:<SKU>/<lot number>" (lot numbers are unique per product only).
"""

import io
from dataclasses import dataclass

import barcode
import qrcode
import qrcode.image.svg
from barcode.writer import SVGWriter
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

LOCATION_PREFIX = "LOC:"
LOT_PREFIX = "LOT:"

# A4 in 2 × 7 labels of 105 × 42.4 mm (the common 14-up sheet).
COLUMNS, ROWS = 2, 7
LABEL_WIDTH, LABEL_HEIGHT = A4[0] / COLUMNS, A4[1] / ROWS
PADDING = 4 * mm
QR_SIZE = LABEL_HEIGHT - 2 * PADDING
BAR_HEIGHT = 14 * mm
MAX_BAR_WIDTH = 0.4 * mm


def product_code(product) -> str:
    return product.barcode or product.sku


def location_code(location) -> str:
    return f"{LOCATION_PREFIX}{location.label}"


def lot_code(lot) -> str:
    return f"{LOT_PREFIX}{lot.product.sku}/{lot.lot_number}"


@dataclass(frozen=True)
class Label:
    title: str
    code: str
    subtitle: str = ""


# --- images --------------------------------------------------------------------------------------


def code128_encodes(text: str) -> bool:
    """Whether Code128 carries `text` as it is: ASCII only. An SKU, bin or lot may hold any
    letter; those codes are printed and served as QR codes alone."""
    return text.isascii()


def code128_svg(text: str) -> bytes:
    """Raises ValueError when Code128 cannot carry `text` (see code128_encodes)."""
    if not code128_encodes(text):
        raise ValueError("Code128 carries ASCII only")
    buffer = io.BytesIO()
    barcode.get("code128", text, writer=SVGWriter()).write(
        buffer, options={"module_height": 12.0, "font_size": 8, "text_distance": 4}
    )
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return buffer.getvalue()


# --- PDF sheets ----------------------------------------------------------------------------------


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_label(pdf: canvas.Canvas, label: Label, x: float, y: float) -> None:
    text_width = LABEL_WIDTH - QR_SIZE - 3 * PADDING
    top = y + LABEL_HEIGHT - PADDING
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(x + PADDING, top - 10, _fit(label.title, "Helvetica-Bold", 10, text_width))
    pdf.setFont("Helvetica", 8)
    if label.subtitle:
        pdf.drawString(x + PADDING, top - 20, _fit(label.subtitle, "Helvetica", 8, text_width))
    pdf.setFont("Courier", 9)
    pdf.drawString(x + PADDING, y + PADDING, _fit(label.code, "Courier", 9, text_width))

    if code128_encodes(label.code):
        _draw_bars(pdf, label.code, x + PADDING, y + PADDING + 12, text_width)

    widget = qr.QrCodeWidget(label.code, barBorder=2)
    left, bottom, right, top_edge = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top_edge - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x + LABEL_WIDTH - PADDING - QR_SIZE, y + PADDING)


def _draw_bars(pdf: canvas.Canvas, code: str, x: float, y: float, width: float) -> None:
    # Widest bars that fit beside the QR code, so short codes scan from further away.
    bars = code128.Code128(code, barHeight=BAR_HEIGHT, barWidth=MAX_BAR_WIDTH, quiet=False)
    if bars.width > width:
        bars = code128.Code128(
            code, barHeight=BAR_HEIGHT, barWidth=MAX_BAR_WIDTH * width / bars.width, quiet=False
        )
    bars.drawOn(pdf, x, y)


def label_sheet_pdf(labels: list[Label], *, title: str = "") -> bytes:
    """The labels on A4 sheets, 14 to a page, left to right and top to bottom."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title or "Labels")
    per_page = COLUMNS * ROWS
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        _draw_label(pdf, label, column * LABEL_WIDTH, A4[1] - (row + 1) * LABEL_HEIGHT)
    if not labels:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(20 * mm, A4[1] - 20 * mm, title)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
