"""Forms of the inventory pages: places, stock movements and the list filters.

Every choice comes from the organization's own rows, so another organization's primary key is
an "invalid choice" before any service runs. The services re-check what they own.
"""

import uuid
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import (
    COST_PLACES,
    MONEY_DIGITS,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Product,
)
from stockroom.catalog.widgets import ProductPicker
from stockroom.core.exceptions import ApplicationError
from stockroom.core.formatting import format_date
from stockroom.core.forms import DayField

from .models import IssueReason, Location, Lot, MovementKind, Warehouse
from .services import MAX_RANGE_WIDTH, location_range_codes
from .widgets import OnePassSelect

ZERO = Decimal("0")


def _raw_value(form: forms.BaseForm, name: str):
    """The submitted (or initial) value of `name`, before cleaning."""
    if form.is_bound:
        return form.data.get(form.add_prefix(name))
    value = form.initial.get(name)
    return getattr(value, "pk", value)


def _chosen(form: forms.BaseForm, name: str):
    """The row the user picked in the choice field `name`, or None when none or invalid."""
    raw = _raw_value(form, name)
    if raw in (None, ""):
        return None
    try:
        return form.fields[name].clean(raw)
    except ValidationError:
        return None


def location_label(warehouse_code: str, code: str, name: str) -> str:
    """How a location reads in a choice list: "MAIN/A-01 · Aisle 1"."""
    path = Location.format_label(warehouse_code, code)
    return f"{path} · {name}" if name else path


def warehouse_label(code: str, name: str) -> str:
    return f"{code} · {name}" if name else code


class LocationsByWarehouse(ModelChoiceIterator):
    """The empty choice, then one group of locations per warehouse, in the queryset's order.

    Built from one values_list() query: 420 Location and Warehouse instances took longer to
    make than the whole page should. Validation still goes through the field's queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list(
            self.field.to_field_name or "pk",
            "code",
            "name",
            "warehouse_id",
            "warehouse__code",
            "warehouse__name",
        )
        group_key, group_label, members = None, "", []
        for value, code, name, warehouse_id, warehouse_code, warehouse_name in rows:
            if warehouse_id != group_key:
                if members:
                    yield (group_label, members)
                group_key, members = warehouse_id, []
                group_label = warehouse_label(warehouse_code, warehouse_name)
            members.append((value, location_label(warehouse_code, code, name)))
        if members:
            yield (group_label, members)


class LocationChoiceField(forms.ModelChoiceField):
    """A location of the organization, picked in a <select> grouped by warehouse."""

    iterator = LocationsByWarehouse
    widget = OnePassSelect

    def label_from_instance(self, obj: Location) -> str:
        return location_label(obj.warehouse.code, obj.code, obj.name)


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Lot) -> str:
        if obj.expiry_date:
            return _("%(lot)s (expires %(date)s)") % {
                "lot": obj.lot_number,
                "date": format_date(obj.expiry_date),
            }
        return obj.lot_number


def _active_locations(organization):
    return (
        Location.objects.for_organization(organization)
        .filter(is_active=True, warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("warehouse__code", "code")
    )


# --- Places ---------------------------------------------------------------------------------


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code:
            raise ValidationError(_("Enter a code."), code="required")
        return code


class LocationForm(forms.ModelForm):
    """A location inside one warehouse; its parent must be a location of that same warehouse.

    The warehouse of an existing location is fixed: its stock and history belong to it.
    """

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Warehouse"))
    parent = LocationChoiceField(
        queryset=Location.objects.none(),
        required=False,
        label=_("Parent location"),
        help_text=_("Leave empty for a top-level location of the warehouse."),
    )

    class Meta:
        model = Location
        fields = ["warehouse", "parent", "code", "name", "is_active"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization)
        if self.instance.pk:
            self.fields["warehouse"].disabled = True
            self.fields["warehouse"].help_text = _("A location cannot move to another warehouse.")
        warehouse = self.instance.warehouse if self.instance.pk else _chosen(self, "warehouse")
        parents = Location.objects.for_organization(organization).select_related("warehouse")
        if warehouse is None:
            parents = parents.none()
            self.fields["parent"].help_text = _("Choose the warehouse first.")
        else:
            parents = parents.filter(warehouse=warehouse)
        if self.instance.pk:
            parents = parents.exclude(pk__in=self._descendant_ids(parents))
        self.fields["parent"].queryset = parents.order_by("code")

    def _descendant_ids(self, locations) -> set[int]:
        """The location itself and everything below it: none of them can be its parent."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in locations.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, pending = set(), [self.instance.pk]
        while pending:
            pk = pending.pop()
            if pk not in found:
                found.add(pk)
                pending.extend(children.get(pk, []))
        return found

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code:
            raise ValidationError(_("Enter a code."), code="required")
        return code

    def clean(self):
        cleaned = super().clean()
        warehouse, parent = cleaned.get("warehouse"), cleaned.get("parent")
        if warehouse is not None and parent is not None and parent.warehouse_id != warehouse.pk:
            self.add_error("parent", _("The parent location must be in the same warehouse."))
        return cleaned


class LocationRangeForm(forms.Form):
    """Many bins at once: a code prefix and a number range, under an optional parent."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Warehouse"))
    parent = LocationChoiceField(
        queryset=Location.objects.none(),
        required=False,
        label=_("Parent location"),
        help_text=_("Leave empty for top-level locations of the warehouse."),
    )
    # Django's form metaclass moves declared fields into `base_fields`, so this never hides
    # BaseForm.prefix at run time; the stubs see a class attribute of another type.
    prefix = forms.CharField(  # type: ignore[assignment]
        label=_("Code prefix"),
        max_length=30,
        required=False,
        help_text=_("Comes before each number, e.g. A- gives A-01, A-02..."),
    )
    start = forms.IntegerField(label=_("From"), min_value=0, initial=1)
    end = forms.IntegerField(label=_("To"), min_value=0)
    width = forms.IntegerField(
        label=_("Digits"),
        min_value=0,
        max_value=MAX_RANGE_WIDTH,
        initial=2,
        help_text=_("Pads numbers with zeros: 2 gives 01, 02... 0 or 1 gives no padding."),
    )
    name_prefix = forms.CharField(
        label=_("Name prefix"),
        max_length=100,
        required=False,
        help_text=_("Optional: Bin gives the names Bin 01, Bin 02..."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization)
        warehouse = _chosen(self, "warehouse")
        parents = Location.objects.for_organization(organization).select_related("warehouse")
        if warehouse is None:
            parents = parents.none()
            self.fields["parent"].help_text = _("Choose the warehouse first.")
        else:
            parents = parents.filter(warehouse=warehouse)
        self.fields["parent"].queryset = parents.order_by("code")

    def clean(self):
        cleaned = super().clean()
        warehouse, parent = cleaned.get("warehouse"), cleaned.get("parent")
        if warehouse is not None and parent is not None and parent.warehouse_id != warehouse.pk:
            self.add_error("parent", _("The parent location must be in the same warehouse."))
        if not self.errors:
            try:
                self.codes = location_range_codes(
                    prefix=cleaned.get("prefix", ""),
                    start=cleaned["start"],
                    end=cleaned["end"],
                    width=cleaned.get("width") or 0,
                )
            except ApplicationError as exc:
                self.add_error(exc.field, exc.message)
        return cleaned

    def preview(self) -> dict | None:
        """The first and last codes and how many, for the page to show before saving."""
        if not self.is_bound or not self.is_valid():
            return None
        return {"first": self.codes[0], "last": self.codes[-1], "count": len(self.codes)}


# --- Stock movements ------------------------------------------------------------------------


class MovementForm(forms.Form):
    """Fields every movement shares. Lot fields exist only when the chosen product is
    lot-tracked; the page re-renders (with htmx) when the product changes."""

    kind: str = ""
    uses_lot_choice = True

    # The instance attribute is the chosen product (set in __init__): Django's form metaclass
    # moves the declared field into `base_fields`, which the stubs do not model.
    product: Product | None = forms.ModelChoiceField(  # type: ignore[assignment]
        queryset=Product.objects.none(), label=_("Product"), widget=ProductPicker
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("A delivery note, order or ticket number."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    field_order = [
        "product",
        "lot",
        "location",
        "from_location",
        "to_location",
        "quantity",
        "unit_cost",
        "lot_number",
        "expiry_date",
        "reason_code",
        "reference",
        "reason",
    ]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["product"].queryset = Product.objects.for_organization(organization).filter(
            is_active=True
        )
        for name in ("location", "from_location", "to_location"):
            if name in self.fields:
                self.fields[name].queryset = _active_locations(organization)
        self.product = _chosen(self, "product")
        self.fields["product"].widget.selected = self.product
        if self.uses_lot_choice:
            self.fields["lot"] = LotChoiceField(queryset=Lot.objects.none(), label=_("Lot"))
        self.add_lot_fields()
        self.order_fields(self.field_order)

    def add_lot_fields(self) -> None:
        if "lot" not in self.fields:
            return
        if self.product is None or not self.product.is_lot_tracked:
            del self.fields["lot"]
            return
        lots = Lot.objects.for_organization(self.organization).filter(product=self.product)
        cast(forms.ModelChoiceField, self.fields["lot"]).queryset = lots

    def clean_quantity(self) -> Decimal:
        quantity = self.cleaned_data["quantity"]
        if quantity <= ZERO:
            raise ValidationError(_("Enter a quantity greater than zero."), code="min_value")
        return quantity

    def clean(self):
        cleaned = super().clean()
        product, quantity = cleaned.get("product"), cleaned.get("quantity")
        if product is not None and quantity is not None:
            places = product.quantity_places
            if quantity != quantity.quantize(Decimal(1).scaleb(-places)):
                if places:
                    message = _("Use at most %(places)s decimal places.") % {"places": places}
                else:
                    message = _("%(unit)s is counted in whole units.") % {
                        "unit": product.get_unit_display()
                    }
                self.add_error("quantity", message)
        lot = cleaned.get("lot")
        if lot is not None and product is not None and lot.product_id != product.pk:
            self.add_error("lot", _("This lot belongs to another product."))
        return cleaned


class ReceiptForm(MovementForm):
    kind = MovementKind.RECEIPT
    uses_lot_choice = False

    location = LocationChoiceField(queryset=Location.objects.none(), label=_("Into location"))
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        max_digits=MONEY_DIGITS,
        decimal_places=COST_PLACES,
        min_value=ZERO,
        required=False,
        help_text=_("Leave empty to use the product's cost price."),
    )

    def add_lot_fields(self) -> None:
        if self.product is None or not self.product.is_lot_tracked:
            return
        self.fields["lot_number"] = forms.CharField(label=_("Lot number"), max_length=64)
        self.fields["expiry_date"] = forms.DateField(
            label=_("Expiry date"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )


class IssueForm(MovementForm):
    kind = MovementKind.ISSUE

    location = LocationChoiceField(queryset=Location.objects.none(), label=_("From location"))
    # No reason preselected: the person issuing says why, or the form asks.
    reason_code = forms.ChoiceField(
        label=_("Reason code"),
        choices=[("", "---------"), *IssueReason.choices],
        error_messages={"required": _("Choose why the stock is issued.")},
        help_text=_("Consumption counts as demand where the organization settings say so."),
    )


class TransferForm(MovementForm):
    kind = MovementKind.TRANSFER

    from_location = LocationChoiceField(queryset=Location.objects.none(), label=_("From location"))
    to_location = LocationChoiceField(queryset=Location.objects.none(), label=_("To location"))

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from_location"), cleaned.get("to_location")
        if source is not None and source == target:
            self.add_error("to_location", _("Choose a location other than the source."))
        return cleaned


class AdjustmentForm(MovementForm):
    """A signed correction: positive adds stock, negative removes it. A reason is required."""

    kind = MovementKind.ADJUSTMENT

    location = LocationChoiceField(queryset=Location.objects.none(), label=_("Location"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].label = _("Quantity change")
        self.fields["quantity"].help_text = _("Positive adds stock; negative removes it.")
        self.fields["reason"].required = True
        self.fields["reason"].help_text = _("Why the stock differs, e.g. damaged or found.")

    def clean_quantity(self) -> Decimal:
        quantity = self.cleaned_data["quantity"]
        if quantity == ZERO:
            raise ValidationError(_("Enter a change other than zero."), code="zero")
        return quantity


MOVEMENT_FORMS: dict[str, type[MovementForm]] = {
    MovementKind.RECEIPT: ReceiptForm,
    MovementKind.ISSUE: IssueForm,
    MovementKind.TRANSFER: TransferForm,
    MovementKind.ADJUSTMENT: AdjustmentForm,
}


# --- List filters ---------------------------------------------------------------------------


class SearchSortForm(forms.Form):
    """A search box and a whitelisted sort key, read from the query string."""

    sort_fields: dict[str, str] = {}
    default_sort = ""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort.lstrip("-") in self.sort_fields else self.default_sort

    def ordering(self) -> list[str]:
        sort = self.cleaned_data.get("sort") or self.default_sort
        field = self.sort_fields[sort.lstrip("-")]
        prefix = "-" if sort.startswith("-") else ""
        return [f"{prefix}{field}", "pk"]


class WarehouseFilterForm(SearchSortForm):
    sort_fields = {"code": "code", "name": "name", "locations": "location_count"}
    default_sort = "code"


class LocationFilterForm(SearchSortForm):
    sort_fields = {"code": "code", "name": "name", "warehouse": "warehouse__code"}
    default_sort = "warehouse"

    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), required=False, label=_("Warehouse")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization)


class StockLevelFilterForm(forms.Form):
    q = forms.CharField(label=_("Product"), max_length=100, required=False)
    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), required=False, label=_("Warehouse")
    )
    location = LocationChoiceField(
        queryset=Location.objects.none(), required=False, label=_("Location")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization)
        self.fields["location"].queryset = Location.objects.for_organization(
            organization
        ).select_related("warehouse")


class MovementFilterForm(forms.Form):
    q = forms.CharField(label=_("Product"), max_length=100, required=False)
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *MovementKind.choices], required=False, label=_("Kind")
    )
    reason_code = forms.ChoiceField(
        choices=[("", _("All reasons")), *IssueReason.choices],
        required=False,
        label=_("Reason code"),
    )
    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), required=False, label=_("Warehouse")
    )
    date_from = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_organization(organization)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
