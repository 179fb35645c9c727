"""The reports: their filters, columns and rows. The page, its CSV/XLSX exports and its printable
view all read the same definition, so an export always has the page's columns and rows."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stockroom.core.cache import cached_for_organization
from stockroom.core.formatting import cost_value, currency_places, money_value, quantity_value
from stockroom.core.spreadsheets import COST_FORMAT, money_format

from . import forms
from .selectors import reports as selectors
from .selectors.reports import ExpiryState, ValuationGrouping

EXPIRY_LABELS = {
    ExpiryState.EXPIRED: _("Expired"),
    ExpiryState.EXPIRING: _("Expiring soon"),
    ExpiryState.OK: _("OK"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text, int, quantity, cost, money, percent, date, datetime, badge
    kind: str = "text"
    badge_key: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "quantity", "cost", "money", "percent")


def _cache_part(value) -> str:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else str(value)


class Report:
    slug = ""
    title = ""
    description = ""
    form_class = forms.OrganizationFilterForm
    columns: tuple[Column, ...] = ()
    cached = True
    total_key = ""  # a money column summed in the footer

    def get_columns(self, filters: dict) -> tuple[Column, ...]:
        return self.columns

    def compute(self, organization, filters: dict) -> list[dict] | QuerySet:
        raise NotImplementedError

    def rows(self, organization, filters: dict) -> list[dict] | QuerySet:
        """Every row (a list of dicts, or a QuerySet mapped page by page with `as_row`)."""
        if not self.cached:
            return self.compute(organization, filters)
        parts = [f"{name}={_cache_part(filters[name])}" for name in sorted(filters)]
        return cached_for_organization(
            organization.pk,
            f"report:{self.slug}",
            lambda: self.compute(organization, filters),
            *parts,
        )

    def as_row(self, item) -> dict:
        return item

    def total(self, rows) -> Decimal | None:
        if not self.total_key or isinstance(rows, QuerySet):
            return None
        return sum((row[self.total_key] for row in rows), start=Decimal("0"))


class ValuationReport(Report):
    slug = "valuation"
    title = _("Inventory valuation")
    description = _(
        "Stock value at the end of a day: quantities summed from the ledger up to then, each "
        "product at the moving-average cost in effect then (rebuilt from the receipts' costs)."
    )
    form_class = forms.ValuationFilterForm
    total_key = "value"

    def get_columns(self, filters):
        value = Column("value", _("Value"), "money")
        count = Column("product_count", _("Products"), "int")
        if filters.get("group_by") == ValuationGrouping.CATEGORY:
            return (Column("category", _("Category")), count, value)
        if filters.get("group_by") == ValuationGrouping.WAREHOUSE:
            return (Column("code", _("Code")), Column("name", _("Warehouse")), count, value)
        return (
            Column("sku", _("SKU")),
            Column("name", _("Product")),
            Column("category", _("Category")),
            Column("quantity", _("Quantity"), "quantity"),
            Column("unit_cost", _("Average cost"), "cost"),
            value,
        )

    def rows(self, organization, filters):
        filters = {
            **filters,
            "as_of": filters.get("as_of") or selectors.organization_today(organization),
        }
        filters["group_by"] = filters.get("group_by") or ValuationGrouping.PRODUCT
        return super().rows(organization, filters)

    def compute(self, organization, filters):
        return selectors.inventory_valuation_at(
            organization=organization, as_of=filters["as_of"], group_by=filters["group_by"]
        )


class MovementReport(Report):
    slug = "movements"
    title = _("Stock movement history")
    description = _("Every posted stock movement, newest first.")
    form_class = forms.MovementFilterForm
    cached = False  # a paginated QuerySet: each page is one bounded query
    columns = (
        Column("occurred_at", _("When"), "datetime"),
        Column("kind", _("Kind")),
        Column("reason_code", _("Reason code")),
        Column("sku", _("SKU")),
        Column("name", _("Product")),
        Column("quantity", _("Quantity"), "quantity"),
        Column("from_location", _("From")),
        Column("to_location", _("To")),
        Column("lot", _("Lot")),
        Column("unit_cost", _("Unit cost"), "cost"),
        Column("reference", _("Reference")),
        Column("user", _("By")),
    )

    def compute(self, organization, filters):
        return selectors.stock_movement_report(
            organization=organization,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            kind=filters.get("kind") or "",
            reason_code=filters.get("reason_code") or "",
            warehouse=filters.get("warehouse"),
            product=filters.get("product"),
        )

    def as_row(self, movement) -> dict:
        return {
            "product": movement.product,
            "occurred_at": movement.occurred_at,
            "kind": movement.get_kind_display(),
            "reason_code": movement.get_reason_code_display(),
            "sku": movement.product.sku,
            "name": movement.product.name,
            "quantity": movement.quantity,
            "from_location": movement.from_location.label if movement.from_location_id else "",
            "to_location": movement.to_location.label if movement.to_location_id else "",
            "lot": movement.lot.lot_number if movement.lot_id else "",
            "unit_cost": movement.unit_cost,
            "reference": movement.reference,
            "user": movement.user.email if movement.user_id else "",
        }


class PeriodReport(Report):
    """Rows of `selector` over the filter form's period and category."""

    form_class: type[forms.PeriodFilterForm]
    selector: Callable[..., list[dict]]

    def compute(self, organization, filters):
        return self.selector(
            organization=organization,
            days=filters.get("days") or self.form_class.default_days,
            category=filters.get("category"),
        )


class AbcReport(PeriodReport):
    slug = "abc"
    title = _("ABC analysis")
    description = _(
        "Active products ranked by consumption value (quantity shipped × cost) over the period: "
        "A ≈ the first 80 % of the value, B the next 15 %, C the last 5 % and unshipped products."
    )
    form_class = forms.AbcFilterForm
    selector = staticmethod(selectors.abc_analysis)
    total_key = "value"
    columns = (
        Column("rank", _("Rank"), "int"),
        Column("sku", _("SKU")),
        Column("name", _("Product")),
        Column("category", _("Category")),
        Column("quantity", _("Quantity shipped"), "quantity"),
        Column("value", _("Consumption value"), "money"),
        Column("share", _("Share %"), "percent"),
        Column("cumulative_share", _("Cumulative %"), "percent"),
        Column("abc_class", _("Class"), "badge", badge_key="abc_class"),
    )


class SlowMoverReport(PeriodReport):
    slug = "slow-movers"
    title = _("Slow movers and dead stock")
    description = _("Products with stock on hand and no shipment in the period, by stock value.")
    form_class = forms.SlowMoverFilterForm
    selector = staticmethod(selectors.slow_movers)
    total_key = "value"
    columns = (
        Column("sku", _("SKU")),
        Column("name", _("Product")),
        Column("category", _("Category")),
        Column("quantity", _("On hand"), "quantity"),
        Column("unit_cost", _("Average cost"), "cost"),
        Column("value", _("Value"), "money"),
        Column("last_shipped_at", _("Last shipped"), "datetime"),
        Column("days_idle", _("Days since"), "int"),
    )


class LotExpiryReport(Report):
    slug = "lot-expiry"
    title = _("Lot expiry")
    description = _("Lots with stock on hand, soonest expiry first; expired lots are flagged.")
    form_class = forms.LotExpiryFilterForm
    total_key = "value"
    columns = (
        Column("lot_number", _("Lot")),
        Column("sku", _("SKU")),
        Column("name", _("Product")),
        Column("expiry_date", _("Expires"), "date"),
        Column("days_left", _("Days left"), "int"),
        Column("quantity", _("On hand"), "quantity"),
        Column("value", _("Value"), "money"),
        Column("state_label", _("Status"), "badge", badge_key="state"),
    )

    def rows(self, organization, filters):
        # The day is part of the key: "days left" changes at midnight, not on a stock movement.
        filters = {**filters, "today": selectors.organization_today(organization)}
        return super().rows(organization, filters)

    def compute(self, organization, filters):
        rows = selectors.lot_expiry(
            organization=organization,
            within_days=filters.get("within_days"),
            warehouse=filters.get("warehouse"),
            include_expired=not filters.get("hide_expired"),
        )
        for row in rows:
            # Lazy: the rows are cached for every member, whatever their language; the label
            # pickles as a lazy string and translates when the page or export renders it.
            row["state_label"] = EXPIRY_LABELS[row["state"]]
        return rows


REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        ValuationReport(),
        MovementReport(),
        AbcReport(),
        SlowMoverReport(),
        LotExpiryReport(),
    )
}


def export_value(column: Column, value, *, row: dict | None = None, currency: str = ""):
    """A cell as written to CSV/XLSX: numbers stay numbers (money rounded to the currency's
    decimals, quantities to the unit's without trailing zeros), times in the active time zone."""
    if value is None:
        return ""
    if column.kind == "money":
        return money_value(value, currency)
    if column.kind == "cost":
        return cost_value(value, currency)
    if column.kind == "quantity":
        return quantity_value(value, (row or {}).get("product"))
    if column.kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, Promise):  # a lazy label: the reader's language, as plain text
        return str(value)
    return value


def export_number_formats(columns: list[Column], currency: str) -> list[str | None]:
    """The XLSX number format of each report column: money with the currency's decimals, unit
    costs with up to 4, everything else General."""
    money = money_format(currency_places(currency))
    return [
        money if column.kind == "money" else COST_FORMAT if column.kind == "cost" else None
        for column in columns
    ]
