"""Report data kept so the web pages never rebuild it from the ledger on a request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import MONEY_DIGITS, MONEY_PLACES
from stockroom.core.models import TenantModel


class StockValueSnapshot(TenantModel):
    """The organization's stock value at the end of one finished day (its own time zone).

    Derived from the ledger by the reports services (see ledger.py for the valuation rule) and
    written once per day by a beat task; the dashboard charts read these rows.
    """

    day = models.DateField(_("day"))
    # A whole organization's stock can outgrow one product's money field: six more digits.
    value = models.DecimalField(
        _("value"), max_digits=MONEY_DIGITS + 6, decimal_places=MONEY_PLACES
    )

    class Meta:
        verbose_name = _("stock value snapshot")
        verbose_name_plural = _("stock value snapshots")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day"], name="reports_stock_value_snapshot_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"
