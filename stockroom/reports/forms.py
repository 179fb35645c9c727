"""Filter forms of the reports, the label sheets and the scan page. All read GET data."""

from django import forms
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import Category, Product
from stockroom.catalog.widgets import ProductPicker
from stockroom.core.forms import DayField, ModelIdsField
from stockroom.inventory.models import IssueReason, MovementKind, Warehouse

from .selectors.reports import ValuationGrouping

MAX_PRODUCT_LABELS = 500


class OrganizationFilterForm(forms.Form):
    """Choices come from the active organization only.

    Product fields use the type-ahead picker (or hidden ids): an organization may hold
    100,000 products, and none of these forms renders them as options."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.objects.filter(organization=organization)

    def filters(self) -> dict:
        """The cleaned filters, or the defaults when the form is invalid."""
        if self.is_valid():
            return dict(self.cleaned_data)
        return {name: field.initial for name, field in self.fields.items()}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ValuationFilterForm(OrganizationFilterForm):
    as_of = DayField(label=_("At the end of"), required=False, widget=DateInput())
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[
            (ValuationGrouping.PRODUCT, _("Product")),
            (ValuationGrouping.CATEGORY, _("Category")),
            (ValuationGrouping.WAREHOUSE, _("Warehouse")),
        ],
        required=False,
        initial=ValuationGrouping.PRODUCT,
    )

    def clean_group_by(self):
        return self.cleaned_data["group_by"] or ValuationGrouping.PRODUCT


class MovementFilterForm(OrganizationFilterForm):
    date_from = DayField(label=_("From"), required=False, widget=DateInput())
    date_to = DayField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *MovementKind.choices], required=False
    )
    reason_code = forms.ChoiceField(
        label=_("Reason code"),
        choices=[("", _("All reasons")), *IssueReason.choices],
        required=False,
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("All warehouses"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        widget=ProductPicker,
        help_text=_("Leave empty for all products."),
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def days_field(label, *, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=3660, required=False, initial=initial
    )


class PeriodFilterForm(OrganizationFilterForm):
    """The last `days` days (each form labels its own; empty means `default_days`) of one
    category or all."""

    default_days: int
    field_order = ["days", "category"]
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )

    def clean_days(self):
        return self.cleaned_data["days"] or self.default_days


class AbcFilterForm(PeriodFilterForm):
    default_days = 365
    days = days_field(_("Period (days)"), initial=default_days)


class SlowMoverFilterForm(PeriodFilterForm):
    default_days = 90
    days = days_field(_("No shipment in (days)"), initial=default_days)


class LotExpiryFilterForm(OrganizationFilterForm):
    within_days = forms.IntegerField(
        label=_("Expiring within (days)"), min_value=0, max_value=3660, required=False
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("All warehouses"),
    )
    hide_expired = forms.BooleanField(label=_("Hide expired lots"), required=False)


class ProductLabelForm(OrganizationFilterForm):
    """Products by SKU (typed, pasted or scanned, one per line or separated by commas or
    spaces), or by id in `products` (the "Print label" link of a product page)."""

    skus = forms.CharField(
        label=_("SKUs"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One SKU per line, or separated by commas."),
    )
    products = ModelIdsField(
        queryset=Product.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["products"].queryset = Product.objects.filter(
            organization=organization, is_active=True
        )

    def clean_skus(self) -> list[str]:
        separators = self.cleaned_data["skus"].replace(",", " ").replace(";", " ")
        skus = list(dict.fromkeys(sku.upper() for sku in separators.split()))
        if not skus:
            return []
        found = set(self._by_sku(skus).values_list("sku_upper", flat=True))
        unknown = [sku for sku in skus if sku not in found]
        if unknown:
            raise forms.ValidationError(
                _("No active product has the SKU %(skus)s.") % {"skus": ", ".join(unknown[:20])}
            )
        return skus

    def _by_sku(self, upper_skus: list[str]):
        # SKUs are unique per organization whatever their case (catalog forms check iexact).
        return (
            self.fields["products"]
            .queryset.annotate(sku_upper=Upper("sku"))
            .filter(sku_upper__in=upper_skus)
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        ids = [product.pk for product in cleaned.get("products") or []]
        chosen = self.fields["products"].queryset.filter(
            Q(pk__in=ids) | Q(pk__in=self._by_sku(cleaned.get("skus") or []).values("pk"))
        )
        count = chosen.count()
        if count == 0:
            raise forms.ValidationError(_("Enter at least one SKU."))
        if count > MAX_PRODUCT_LABELS:
            raise forms.ValidationError(
                _("At most %(limit)s labels per sheet.") % {"limit": MAX_PRODUCT_LABELS}
            )
        cleaned["products"] = chosen
        return cleaned


class LocationLabelForm(OrganizationFilterForm):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())


class LotLabelForm(OrganizationFilterForm):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        widget=ProductPicker,
        error_messages={"invalid_choice": _("Choose a lot-tracked product.")},
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(
            organization=organization, is_lot_tracked=True
        )


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type a code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    then = forms.ChoiceField(
        label=_("Then"),
        required=False,
        choices=[
            ("", _("Open the item")),
            ("receive", _("Receive stock")),
            ("issue", _("Issue stock")),
            ("transfer", _("Transfer stock")),
            ("adjust", _("Adjust stock")),
        ],
    )
    location = forms.IntegerField(required=False, widget=forms.HiddenInput())
