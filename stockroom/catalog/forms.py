"""Forms of the catalog pages. They validate input for the user; the services write."""

from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.models import Organization

from . import selectors
from .images import validate_product_image
from .models import ZERO, Category, Customer, Product, ProductSupplier, Supplier
from .services import CUSTOMER_FIELDS, SUPPLIER_FIELDS

ACTIVE_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]
ACTIVE_FILTER = {"active": True, "inactive": False, "all": None}
INVALID_IMAGE = _("The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF.")


def _tree_choices(
    organization: Organization,
    *,
    exclude: AbstractSet[int] = frozenset(),
    tree: list[tuple[Category, int]] | None = None,
) -> list:
    """Choices that show the category tree by indentation (one query unless `tree` is given)."""
    if tree is None:
        tree = selectors.category_tree(organization=organization, with_counts=False)
    return [("", "---------")] + [
        (category.pk, f"{'— ' * depth}{category.name}")
        for category, depth in tree
        if category.pk not in exclude
    ]


def _non_negative(value: Decimal | int | None) -> Decimal | int | None:
    if value is not None and value < ZERO:
        raise forms.ValidationError(_("Enter zero or more."), code="negative")
    return value


class OrganizationModelForm(forms.ModelForm):
    """A ModelForm for one organization's rows: new instances belong to `organization`."""

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance.pk is None:
            self.instance.organization = organization

    def _others(self, model):
        return model.objects.for_organization(self.organization).exclude(pk=self.instance.pk)


class CategoryForm(OrganizationModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        below: set[int] = set()
        if self.instance.pk is not None:
            # A category may not move into itself or below itself: those are never offered.
            below = selectors.category_descendant_ids(
                organization=self.organization, category=self.instance, include_self=True
            )
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = Category.objects.for_organization(self.organization).exclude(pk__in=below)
        parent.choices = _tree_choices(self.organization, exclude=below)
        parent.help_text = _("Leave empty for a top-level category.")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean(self):
        cleaned = super().clean()
        name, parent = cleaned.get("name"), cleaned.get("parent")
        if name and "parent" not in self.errors:
            siblings = self._others(Category).filter(parent=parent, name__iexact=name)
            if siblings.exists():
                self.add_error(
                    "name",
                    forms.ValidationError(
                        _("A category with this name already exists at this level."),
                        code="duplicate_name",
                    ),
                )
        return cleaned


class ProductForm(OrganizationModelForm):
    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "category",
            "unit",
            "barcode",
            "description",
            "cost_price",
            "sale_price",
            "reorder_point",
            "reorder_quantity",
            "image",
            "is_lot_tracked",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "image": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
            ),
        }
        help_texts = {
            "image": _("JPEG, PNG, WebP or GIF, up to 5 MB."),
            "reorder_point": _("Suggest a purchase when available stock falls to this level."),
        }
        error_messages = {"image": {"invalid_image": INVALID_IMAGE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = Category.objects.for_organization(self.organization)
        category.choices = _tree_choices(self.organization)
        # Judge an upload by its content (clean_image), not by its name: drop the extension
        # check; the service stores it under the extension of what it really is.
        self.fields["image"].validators = []

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip().upper()
        if not sku:
            raise forms.ValidationError(_("Enter a SKU."), code="required")
        if self._others(Product).filter(sku__iexact=sku).exists():
            raise forms.ValidationError(
                _("A product with SKU %(sku)s already exists."),
                code="duplicate_sku",
                params={"sku": sku},
            )
        return sku

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_barcode(self) -> str:
        barcode = self.cleaned_data["barcode"].strip()
        if barcode and self._others(Product).filter(barcode=barcode).exists():
            raise forms.ValidationError(
                _("Another product already has this barcode."), code="duplicate_barcode"
            )
        return barcode

    def clean_cost_price(self):
        return _non_negative(self.cleaned_data["cost_price"])

    def clean_sale_price(self):
        return _non_negative(self.cleaned_data["sale_price"])

    def clean_reorder_point(self):
        return _non_negative(self.cleaned_data["reorder_point"])

    def clean_reorder_quantity(self):
        return _non_negative(self.cleaned_data["reorder_quantity"])

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # Only a new upload is checked; the stored image (or False, "clear it") passes.
        if image and hasattr(image, "content_type"):
            validate_product_image(image)
        return image

    def clean(self):
        cleaned = super().clean()
        point, quantity = cleaned.get("reorder_point"), cleaned.get("reorder_quantity")
        if point and point > ZERO and quantity is not None and quantity <= ZERO:
            self.add_error(
                "reorder_quantity",
                forms.ValidationError(
                    _("Set a reorder quantity above zero when the product has a reorder point."),
                    code="reorder_quantity_required",
                ),
            )
        return cleaned


class _PartyForm(OrganizationModelForm):
    """Suppliers and customers: a name unique in the organization and contact data."""

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self._others(self._meta.model).filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("“%(name)s” already exists."), code="duplicate_name", params={"name": name}
            )
        return name


class SupplierForm(_PartyForm):
    class Meta:
        model = Supplier
        fields = list(SUPPLIER_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class CustomerForm(_PartyForm):
    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)
        widgets = {
            "billing_address": forms.Textarea(attrs={"rows": 3}),
            "shipping_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ProductSupplierForm(OrganizationModelForm):
    """Link a product to one of the organization's suppliers (or change that link)."""

    class Meta:
        model = ProductSupplier
        fields = ["supplier", "supplier_sku", "price", "lead_time_days", "is_preferred"]
        help_texts = {"is_preferred": _("Reorder suggestions buy from the preferred supplier.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_organization(
            self.organization
        ).filter(is_active=True)

    def clean_price(self):
        return _non_negative(self.cleaned_data["price"])


# --- list filters --------------------------------------------------------------------------------


class _ListFilterForm(forms.Form):
    """The search box, filters and sort of a list page. Bad values fall back to defaults."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    orderings: frozenset[str] = frozenset()
    default_sort = "name"

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        cast(forms.ChoiceField, self.fields["sort"]).choices = [
            (value, value) for value in sorted(self.orderings)
        ]

    def value_of(self, name: str, default=None):
        """The cleaned value of `name`, or `default` when it was missing or invalid."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def search(self) -> str:
        return self.value_of("q", "")

    @property
    def ordering(self) -> str:
        return self.value_of("sort", self.default_sort)


class _ActiveListFilterForm(_ListFilterForm):
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)

    @property
    def active_value(self) -> bool | None:
        return ACTIVE_FILTER[self.value_of("active", "active")]


class ProductFilterForm(_ActiveListFilterForm):
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    stock = forms.ChoiceField(
        label=_("Stock"),
        choices=[
            ("", _("Any stock")),
            (selectors.STOCK_LOW, _("At or below reorder point")),
            (selectors.STOCK_OUT, _("None available")),
        ],
        required=False,
    )
    orderings = selectors.PRODUCT_ORDERINGS
    default_sort = "sku"
    field_order = ["q", "category", "stock", "active", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kept so the list can find a category's descendants without loading the tree again.
        self.category_tree = selectors.category_tree(
            organization=self.organization, with_counts=False
        )
        choices = _tree_choices(self.organization, tree=self.category_tree)
        choices[0] = ("", _("All categories"))
        self.fields["category"].choices = choices


class CategoryFilterForm(_ListFilterForm):
    orderings = selectors.CATEGORY_ORDERINGS | {"tree"}
    default_sort = "tree"


class PartyFilterForm(_ActiveListFilterForm):
    orderings = selectors.PARTY_ORDERINGS
