"""Filter forms of the reports, the label sheets and the scan page. All read GET data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import Category, Product
from stockroom.inventory.models import MovementKind, Warehouse

from .selectors.reports import ValuationGrouping


class OrganizationFilterForm(forms.Form):
    """Choices come from the active organization only."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.unscoped.filter(organization=organization)
        if "product" in self.fields:
            self.fields["product"].queryset = self.fields["product"].queryset.order_by("sku")

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
    as_of = forms.DateField(label=_("At the end of"), required=False, widget=DateInput())
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
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *MovementKind.choices], required=False
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.unscoped.none(),
        required=False,
        empty_label=_("All warehouses"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.unscoped.none(),
        required=False,
        empty_label=_("All products"),
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AbcFilterForm(OrganizationFilterForm):
    days = forms.IntegerField(
        label=_("Period (days)"), min_value=1, max_value=3660, required=False, initial=365
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.unscoped.none(),
        required=False,
        empty_label=_("All categories"),
    )

    def clean_days(self):
        return self.cleaned_data["days"] or 365


class SlowMoverFilterForm(OrganizationFilterForm):
    days = forms.IntegerField(
        label=_("No shipment in (days)"), min_value=1, max_value=3660, required=False, initial=90
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.unscoped.none(),
        required=False,
        empty_label=_("All categories"),
    )

    def clean_days(self):
        return self.cleaned_data["days"] or 90


class LotExpiryFilterForm(OrganizationFilterForm):
    within_days = forms.IntegerField(
        label=_("Expiring within (days)"), min_value=0, max_value=3660, required=False
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.unscoped.none(),
        required=False,
        empty_label=_("All warehouses"),
    )
    hide_expired = forms.BooleanField(label=_("Hide expired lots"), required=False)


class ProductLabelForm(OrganizationFilterForm):
    products = forms.ModelMultipleChoiceField(
        label=_("Products"), queryset=Product.unscoped.none(), required=True
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["products"].queryset = Product.unscoped.filter(
            organization=organization, is_active=True
        ).order_by("sku")


class LocationLabelForm(OrganizationFilterForm):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.unscoped.none())


class LotLabelForm(OrganizationFilterForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.unscoped.none())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["product"].queryset = Product.unscoped.filter(
            organization=organization, is_lot_tracked=True
        ).order_by("sku")


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
