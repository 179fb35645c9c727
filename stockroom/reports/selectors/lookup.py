"""What a scanned or typed code names: a product, a location or a lot of the organization."""

from dataclasses import dataclass

from django.db.models import Model

from stockroom.catalog.models import Product
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.models import Location, Lot

from ..labels import LOCATION_PREFIX, LOT_PREFIX


@dataclass(frozen=True)
class ScanMatch:
    kind: str  # "product", "location" or "lot"
    item: Model


def _location(organization_id: int, text: str) -> Location | None:
    warehouse_code, separator, location_code = text.partition("/")
    if not separator:
        return None
    return (
        Location.objects.filter(
            organization_id=organization_id,
            warehouse__code__iexact=warehouse_code.strip(),
            code__iexact=location_code.strip(),
        )
        .select_related("warehouse")
        .first()
    )


def _lot(organization_id: int, text: str) -> Lot | None:
    sku, separator, lot_number = text.partition("/")
    if not separator:
        return None
    return (
        Lot.objects.filter(
            organization_id=organization_id,
            product__sku__iexact=sku.strip(),
            lot_number=lot_number.strip(),
        )
        .select_related("product")
        .first()
    )


def resolve_scanned_code(*, organization, code: str) -> ScanMatch | None:
    """Label codes first ("LOC:…", "LOT:…"), then a product barcode, a SKU (any case), a lot
    number unique in the organization, and a bare "<warehouse>/<location>"."""
    organization_id = organization_id_of(organization)
    code = code.strip()
    if not code:
        return None
    upper = code.upper()
    if upper.startswith(LOCATION_PREFIX):
        location = _location(organization_id, code[len(LOCATION_PREFIX) :])
        return ScanMatch("location", location) if location else None
    if upper.startswith(LOT_PREFIX):
        lot = _lot(organization_id, code[len(LOT_PREFIX) :])
        return ScanMatch("lot", lot) if lot else None
    products = Product.objects.filter(organization_id=organization_id)
    product = products.filter(barcode=code).first() or products.filter(sku__iexact=code).first()
    if product is not None:
        return ScanMatch("product", product)
    lots = list(
        Lot.objects.filter(organization_id=organization_id, lot_number=code).select_related(
            "product"
        )[:2]
    )
    if len(lots) == 1:
        return ScanMatch("lot", lots[0])
    location = _location(organization_id, code)
    return ScanMatch("location", location) if location else None
