"""Forms of the order pages. They validate input for the user; the services write."""

from typing import cast

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import Customer, Product, Supplier
from stockroom.catalog.widgets import ProductPicker
from stockroom.inventory.models import Location, Lot, Warehouse

from .models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    StockCount,
    StockCountStatus,
)

LINES_PREFIX = "lines"


class OrderFilterForm(forms.Form):
    """Search and state filter of the list pages; invalid input just means no filter."""

    status_choices: list = []

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All states")), *status_choices]

    @property
    def search(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    @property
    def state(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


STATUS_CHOICES = {
    PurchaseOrder: PurchaseOrderStatus.choices,
    SalesOrder: SalesOrderStatus.choices,
    StockCount: StockCountStatus.choices,
}


class _OrganizationForm(forms.ModelForm):
    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization


class PurchaseOrderForm(_OrganizationForm):
    class Meta:
        model = PurchaseOrder
        fields = ["supplier", "expected_date", "notes"]
        widgets = {
            "expected_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"expected_date": _("Empty: today plus the supplier's lead time.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_organization(
            self.organization
        ).filter(is_active=True)


class SalesOrderForm(_OrganizationForm):
    class Meta:
        model = SalesOrder
        fields = ["customer", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_organization(
            self.organization
        ).filter(is_active=True)


class _LineForm(_OrganizationForm):
    """One order line. The unique-product check runs in the service (it sees every row)."""

    # The order form shows a "Receive into" column for the lines that have one.
    has_receiving_location = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_organization(
            self.organization
        ).filter(is_active=True)
        if self.instance.product_id:
            # The formset loads lines with their product: the picker's label costs no query.
            self.fields["product"].widget.selected = self.instance.product
        self.fields["quantity"].widget.attrs.update(inputmode="decimal", min="0", step="any")
        self.fields["unit_price"].widget.attrs.update(inputmode="decimal", min="0", step="any")

    def clean_quantity(self):
        # Said here, on the field: the model's check constraint would otherwise answer with its
        # own name ("Constraint orders_poline_qty_gt_0 is violated").
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError(
                _("The quantity must be greater than zero."), code="min_value"
            )
        return quantity

    def validate_unique(self):
        pass


class PurchaseOrderLineForm(_LineForm):
    has_receiving_location = True

    class Meta:
        model = PurchaseOrderLine
        fields = ["product", "quantity", "unit_price", "receiving_location"]
        widgets = {"product": ProductPicker}
        help_texts = {
            "unit_price": _("Empty: the supplier's price for the product, else its cost price."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the service fills in the supplier's price (or the cost price).
        self.fields["unit_price"].required = False
        self.fields["unit_price"].widget.attrs["placeholder"] = _("Supplier's price")
        location = cast(forms.ModelChoiceField, self.fields["receiving_location"])
        location.queryset = receiving_locations(self.organization)
        location.empty_label = _("Choose on receipt")


class SalesOrderLineForm(_LineForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the service prices the line at the product's sale price.
        self.fields["unit_price"].required = False
        self.fields["unit_price"].widget.attrs["placeholder"] = _("Sale price")

    class Meta:
        model = SalesOrderLine
        fields = ["product", "quantity", "unit_price"]
        widgets = {"product": ProductPicker}


class _LineFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault("prefix", LINES_PREFIX)
        super().__init__(*args, form_kwargs={"organization": organization}, **kwargs)

    def get_queryset(self):
        # The lines with their products (the pickers label them); cached, as Django's own is.
        if not hasattr(self, "_lines_with_products"):
            self._lines_with_products = super().get_queryset().select_related("product")
        return self._lines_with_products

    def validate_unique(self):
        pass  # the service refuses a product twice, naming the row

    @property
    def kept_forms(self) -> list:
        """The filled-in forms not marked for deletion, in page order."""
        return [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


PurchaseOrderLineFormSet = inlineformset_factory(
    PurchaseOrder,
    PurchaseOrderLine,
    form=PurchaseOrderLineForm,
    formset=_LineFormSet,
    extra=1,
    can_delete=True,
)
SalesOrderLineFormSet = inlineformset_factory(
    SalesOrder,
    SalesOrderLine,
    form=SalesOrderLineForm,
    formset=_LineFormSet,
    extra=1,
    can_delete=True,
)


# --- receiving -----------------------------------------------------------------------------------


def receiving_locations(organization):
    """The locations stock can be received into: active, in an active warehouse."""
    return (
        Location.objects.for_organization(organization)
        .filter(is_active=True, warehouse__is_active=True)
        .select_related("warehouse")
    )


class ReceiveForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Receive into"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("For the lines that do not name their own location."),
    )
    allow_over_receipt = forms.BooleanField(
        label=_("Accept over-receipt (more than ordered)"), required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = receiving_locations(
            organization
        )


class ReceiveLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("As above"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
    )
    lot_number = forms.CharField(label=_("Lot number"), required=False, max_length=64)
    expiry_date = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locations is not None:
            cast(forms.ModelChoiceField, self.fields["location"]).queryset = locations


ReceiveLineFormSet = forms.formset_factory(ReceiveLineForm, extra=0)


# --- sales order confirmation --------------------------------------------------------------------


class ConfirmSalesOrderForm(forms.Form):
    REFUSE, BACKORDER = "refuse", "backorder"
    on_shortage = forms.ChoiceField(
        label=_("If a line cannot be reserved in full"),
        choices=[
            (REFUSE, _("Do not confirm (reserve nothing)")),
            (BACKORDER, _("Reserve what is available, backorder the rest")),
        ],
        initial=REFUSE,
        widget=forms.RadioSelect,
    )


# --- shipments -----------------------------------------------------------------------------------


class ShipmentForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=100)


class ShipLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(
        label=_("Quantity to ship"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
    )


ShipLineFormSet = forms.formset_factory(ShipLineForm, extra=0)


# --- stock counts --------------------------------------------------------------------------------


class StockCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("Leave empty to count every location of the warehouse."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization).filter(
            is_active=True
        )
        self.fields["location"].queryset = (
            Location.objects.for_organization(organization)
            .filter(is_active=True)
            .select_related("warehouse")
        )


class CountLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    counted_quantity = forms.DecimalField(
        label=_("Counted"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "any", "min": "0", "class": "form-control-lg"}
        ),
    )


CountLineFormSet = forms.formset_factory(CountLineForm, extra=0)


class CountFoundItemForm(forms.Form):
    """Stock found on the shelf that the count sheet does not list."""

    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), widget=ProductPicker
    )
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    lot = forms.CharField(
        label=_("Lot number"),
        required=False,
        max_length=64,
        help_text=_("Only for lot-tracked products: an existing lot of the product."),
    )
    counted_quantity = forms.DecimalField(
        label=_("Counted"),
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
    )

    def __init__(self, *args, count: StockCount, **kwargs):
        super().__init__(*args, **kwargs)
        organization_id = count.organization_id
        # The declared ModelChoiceFields (self.fields holds copies, typed as plain Fields).
        product_field = cast(forms.ModelChoiceField, self.fields["product"])
        location_field = cast(forms.ModelChoiceField, self.fields["location"])
        product_field.queryset = Product.objects.for_organization(organization_id).filter(
            is_active=True
        )
        locations = Location.objects.for_organization(organization_id).filter(
            warehouse_id=count.warehouse_id, is_active=True
        )
        if count.location_id is not None:
            locations = locations.filter(pk=count.location_id)
            location_field.initial = count.location_id
        location_field.queryset = locations.select_related("warehouse").order_by("code")

    def clean(self):
        cleaned = super().clean()
        product, lot_number = cleaned.get("product"), cleaned.get("lot", "").strip()
        cleaned["lot"] = None
        if product is not None and lot_number:
            lot = (
                Lot.objects.for_organization(product.organization_id)
                .filter(product=product, lot_number__iexact=lot_number)
                .first()
            )
            if lot is None:
                self.add_error(
                    "lot",
                    _("%(product)s has no lot %(lot)s.")
                    % {"product": product.sku, "lot": lot_number},
                )
            cleaned["lot"] = lot
        return cleaned
