"""Every write to the catalog: categories, products and their images, suppliers, customers."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Field, Model, ProtectedError, RestrictedError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.models import TenantModel

from .images import make_thumbnail, name_for_format, validate_product_image
from .models import (
    MAX_LEAD_TIME_DAYS,
    ZERO,
    Category,
    Customer,
    Product,
    ProductSupplier,
    Supplier,
    UnitOfMeasure,
)
from .selectors import category_descendant_ids

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PRODUCT_FIELDS = frozenset(
    {
        "sku",
        "name",
        "description",
        "barcode",
        "category",
        "unit",
        "cost_price",
        "sale_price",
        "reorder_point",
        "reorder_quantity",
        "is_lot_tracked",
        "is_active",
    }
)

# Everything a member sets on a supplier or a customer; the forms edit all of it, in this order.
_CONTACT_FIELDS = ("name", "contact_name", "email", "phone")
SUPPLIER_FIELDS = (*_CONTACT_FIELDS, "address", "tax_id", "notes", "is_active")
CUSTOMER_FIELDS = (*_CONTACT_FIELDS, "billing_address", "shipping_address", "notes", "is_active")
PartyT = TypeVar("PartyT", Supplier, Customer)
NON_NEGATIVE_PRODUCT_FIELDS = ("cost_price", "sale_price", "reorder_point", "reorder_quantity")


# --- shared checks -------------------------------------------------------------------------------


def _field_label(model: type[Model] | Model, name: str) -> "StrOrPromise":
    """The verbose name of the concrete field `name` (get_field is typed for relations too)."""
    return cast(Field, model._meta.get_field(name)).verbose_name


def _require_organization(obj: TenantModel | None, organization: Organization, field: str) -> None:
    """Refuse a row of another organization, naming the input it came from."""
    if obj is not None and obj.organization_id != organization.pk:
        label = _field_label(obj, field) if field == "parent" else None
        raise ApplicationError(
            _("This %(thing)s belongs to another organization.")
            % {"thing": label or obj._meta.verbose_name},
            code="wrong_organization",
            field=field,
        )


def _apply(instance: Model, data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for field, value in data.items():
        setattr(instance, field, value)


def _require_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Enter a name."), code="required", field="name")
    return name


def _delete_or_refuse(instance: Model, message: str) -> None:
    try:
        instance.delete()
    except (ProtectedError, RestrictedError):
        raise ConflictError(message, code="protected") from None


# --- categories ----------------------------------------------------------------------------------


def _check_category(category: Category, organization: Organization) -> None:
    category.name = _require_name(category.name)
    _require_organization(category.parent, organization, "parent")
    if category.pk is not None and category.parent_id is not None:
        below = category_descendant_ids(
            organization=organization, category=category, include_self=True
        )
        if category.parent_id in below:
            raise ApplicationError(
                _("A category cannot be placed inside itself or one of its subcategories."),
                code="cycle",
                field="parent",
            )
    siblings = Category.objects.for_organization(organization).filter(
        parent_id=category.parent_id, name__iexact=category.name
    )
    if siblings.exclude(pk=category.pk).exists():
        raise ApplicationError(
            _("A category named “%(name)s” already exists at this level.")
            % {"name": category.name},
            code="duplicate_name",
            field="name",
        )
    category.full_clean(exclude=["organization"], validate_constraints=False)


@transaction.atomic
def category_create(
    *,
    organization: Organization,
    name: str,
    parent: Category | None = None,
    description: str = "",
) -> Category:
    """Create a category, at the root or under `parent`."""
    category = Category(
        organization=organization, name=name, parent=parent, description=description
    )
    _check_category(category, organization)
    category.save()
    return category


@transaction.atomic
def category_update(
    *,
    organization: Organization,
    category: Category,
    name: str,
    parent: Category | None,
    description: str = "",
) -> Category:
    """Rename, describe or move a category; it may not move below itself."""
    _require_organization(category, organization, "category")
    category.name, category.parent, category.description = name, parent, description
    _check_category(category, organization)
    category.save()
    return category


@transaction.atomic
def category_delete(*, organization: Organization, category: Category) -> None:
    """Delete an empty category: one without subcategories or products."""
    _require_organization(category, organization, "category")
    if category.children.exists():
        raise ConflictError(
            _("This category has subcategories. Move or delete them first."),
            code="has_children",
        )
    if Product.objects.for_organization(organization).filter(category=category).exists():
        raise ConflictError(
            _("This category still has products. Move them to another category first."),
            code="has_products",
        )
    _delete_or_refuse(category, _("Other records still use this category."))


# --- products ------------------------------------------------------------------------------------


def product_has_stock_history(product: Product) -> bool:
    """True once the inventory ledger or balances mention the product."""
    # Guarded: the inventory models may not be installed in every build of this app.
    for relation in ("movements", "stock_levels"):
        if hasattr(product, relation) and getattr(product, relation).exists():
            return True
    return False


def _check_product(product: Product, organization: Organization) -> None:
    product.sku = (product.sku or "").strip().upper()
    product.name = _require_name(product.name)
    product.barcode = (product.barcode or "").strip()
    if not product.sku:
        raise ApplicationError(_("Enter a SKU."), code="required", field="sku")
    _require_organization(product.category, organization, "category")
    for field in NON_NEGATIVE_PRODUCT_FIELDS:
        value = getattr(product, field)
        if value is None or Decimal(value) < ZERO:
            raise ApplicationError(
                _("%(field)s cannot be negative.")
                % {"field": _field_label(Product, field).capitalize()},
                code="negative",
                field=field,
            )
    if product.reorder_point > ZERO and product.reorder_quantity <= ZERO:
        raise ApplicationError(
            _("Set a reorder quantity above zero when the product has a reorder point."),
            code="reorder_quantity_required",
            field="reorder_quantity",
        )
    others = Product.objects.for_organization(organization).exclude(pk=product.pk)
    if others.filter(sku__iexact=product.sku).exists():
        raise ApplicationError(
            _("A product with SKU %(sku)s already exists.") % {"sku": product.sku},
            code="duplicate_sku",
            field="sku",
        )
    if product.barcode and others.filter(barcode=product.barcode).exists():
        raise ApplicationError(
            _("Another product already has barcode %(barcode)s.") % {"barcode": product.barcode},
            code="duplicate_barcode",
            field="barcode",
        )
    product.full_clean(exclude=["organization", "image", "thumbnail"], validate_constraints=False)


def _is_new_upload(image: Any) -> TypeGuard[File]:
    return isinstance(image, File) and not isinstance(image, FieldFile)


def _attach_image(product: Product, image: File) -> None:
    try:
        image_format = validate_product_image(image)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code=exc.code or "invalid", field="image") from None
    image.name = name_for_format(image.name, image_format)
    product.image = image
    product.thumbnail = make_thumbnail(image)


def _delete_files_after_commit(product: Product, names: Iterable[str]) -> None:
    storage = product.image.storage
    for name in names:
        if name:
            events.on_commit(partial(storage.delete, name), hook="catalog.delete_image")


@transaction.atomic
def product_create(
    *,
    organization: Organization,
    sku: str,
    name: str,
    description: str = "",
    barcode: str = "",
    category: Category | None = None,
    unit: str = UnitOfMeasure.EACH,
    cost_price: Decimal = ZERO,
    sale_price: Decimal = ZERO,
    reorder_point: Decimal = ZERO,
    reorder_quantity: Decimal = ZERO,
    is_lot_tracked: bool = False,
    is_active: bool = True,
    image: File | None = None,
) -> Product:
    """Create a product; an uploaded image is checked by content and gets a thumbnail."""
    product = Product(
        organization=organization,
        sku=sku,
        name=name,
        description=description,
        barcode=barcode,
        category=category,
        unit=unit,
        cost_price=cost_price,
        sale_price=sale_price,
        reorder_point=reorder_point,
        reorder_quantity=reorder_quantity,
        is_lot_tracked=is_lot_tracked,
        is_active=is_active,
    )
    _check_product(product, organization)
    if _is_new_upload(image):
        _attach_image(product, image)
    product.save()
    return product


@transaction.atomic
def product_update(
    *, organization: Organization, product: Product, data: dict[str, Any]
) -> Product:
    """Change a product's fields. `data["image"]`: a new upload replaces the image, False
    removes it, anything else keeps it. Unit and lot tracking are fixed once stock exists."""
    _require_organization(product, organization, "product")
    data = dict(data)
    image = data.pop("image", None)
    stored = (
        Product.objects.filter(pk=product.pk)
        .values("unit", "is_lot_tracked", "image", "thumbnail")
        .get()
    )
    _apply(product, data, PRODUCT_FIELDS)
    # A ModelForm has already put its values on the instance, so compare with the stored row.
    if (
        product.unit != stored["unit"] or product.is_lot_tracked != stored["is_lot_tracked"]
    ) and product_has_stock_history(product):
        field = "unit" if product.unit != stored["unit"] else "is_lot_tracked"
        raise ConflictError(
            _("The unit and lot tracking cannot change once the product has stock history."),
            code="has_stock_history",
            field=field,
        )
    _check_product(product, organization)
    old_files = [stored["image"], stored["thumbnail"]]
    if _is_new_upload(image):
        _attach_image(product, image)
        _delete_files_after_commit(product, old_files)
    elif image is False:
        product.image = ""
        product.thumbnail = ""
        _delete_files_after_commit(product, old_files)
    else:
        # Undo whatever a form may have set; the stored files stay as they are.
        product.image, product.thumbnail = stored["image"], stored["thumbnail"]
    product.save()
    return product


@transaction.atomic
def product_delete(*, organization: Organization, product: Product) -> None:
    """Delete a product without stock history; one with history is deactivated instead."""
    _require_organization(product, organization, "product")
    if product_has_stock_history(product):
        raise ConflictError(
            _("This product has stock history, so it cannot be deleted. Deactivate it instead."),
            code="has_stock_history",
        )
    files = [product.image.name, product.thumbnail.name]
    _delete_or_refuse(
        product, _("Other records (such as orders) use this product. Deactivate it instead.")
    )
    _delete_files_after_commit(product, files)


@dataclass(frozen=True)
class ProductUpsert:
    """One item of a bulk upsert: `product` None creates a product from `data`, else `data`
    changes that product (as `product_update` takes it)."""

    product: Product | None
    data: dict[str, Any]


@dataclass(frozen=True)
class ProductBulkResult:
    products: list[Product]
    created: int

    @property
    def updated(self) -> int:
        return len(self.products) - self.created


def _refusal_messages(exc: ApplicationError | ValidationError) -> dict[str, list[str]]:
    if isinstance(exc, ApplicationError):
        return {exc.field or NON_FIELD_ERRORS: [exc.message]}
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


@transaction.atomic
def product_bulk_upsert(
    *, organization: Organization, items: Sequence[ProductUpsert]
) -> ProductBulkResult:
    """Create or update every item in one transaction: all are written or none. The refusals
    of every item are raised together, keyed `items.<position>.<field>`."""
    products: list[Product] = []
    created = 0
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        try:
            # A savepoint per item: after one refusal the transaction stays usable, so the
            # items after it are still checked and the client gets every refusal at once.
            with transaction.atomic():
                if item.product is None:
                    products.append(product_create(organization=organization, **item.data))
                    created += 1
                else:
                    products.append(
                        product_update(
                            organization=organization, product=item.product, data=item.data
                        )
                    )
        except (ApplicationError, ValidationError) as exc:
            for field, messages in _refusal_messages(exc).items():
                errors[f"items.{index}.{field}"] = messages
    if errors:
        # Raised inside this function's transaction: every item already written rolls back.
        raise ValidationError(errors)
    return ProductBulkResult(products=products, created=created)


# --- suppliers and customers ---------------------------------------------------------------------


def _check_party(instance: Supplier | Customer, organization: Organization) -> None:
    instance.name = _require_name(instance.name)
    instance.email = (instance.email or "").strip()
    others = type(instance).objects.for_organization(organization).exclude(pk=instance.pk)
    if others.filter(name__iexact=instance.name).exists():
        raise ApplicationError(
            _("“%(name)s” already exists.") % {"name": instance.name},
            code="duplicate_name",
            field="name",
        )
    instance.full_clean(exclude=["organization"], validate_constraints=False)


def _save_party(
    party: PartyT, organization: Organization, data: dict[str, Any], fields: Iterable[str]
) -> PartyT:
    """Suppliers and customers are written alike: their fields, the checks, one save."""
    _apply(party, data, fields)
    _check_party(party, organization)
    party.save()
    return party


@transaction.atomic
def supplier_create(*, organization: Organization, name: str, **data: Any) -> Supplier:
    """Create a supplier; other keyword arguments are its contact fields."""
    return _save_party(
        Supplier(organization=organization), organization, {"name": name, **data}, SUPPLIER_FIELDS
    )


@transaction.atomic
def supplier_update(
    *, organization: Organization, supplier: Supplier, data: dict[str, Any]
) -> Supplier:
    _require_organization(supplier, organization, "supplier")
    return _save_party(supplier, organization, data, SUPPLIER_FIELDS)


@transaction.atomic
def supplier_delete(*, organization: Organization, supplier: Supplier) -> None:
    """Delete a supplier and its product links, unless orders still refer to it."""
    _require_organization(supplier, organization, "supplier")
    _delete_or_refuse(
        supplier, _("Orders refer to this supplier, so it cannot be deleted. Deactivate it.")
    )


@transaction.atomic
def customer_create(*, organization: Organization, name: str, **data: Any) -> Customer:
    """Create a customer; other keyword arguments are its contact fields."""
    return _save_party(
        Customer(organization=organization), organization, {"name": name, **data}, CUSTOMER_FIELDS
    )


@transaction.atomic
def customer_update(
    *, organization: Organization, customer: Customer, data: dict[str, Any]
) -> Customer:
    _require_organization(customer, organization, "customer")
    return _save_party(customer, organization, data, CUSTOMER_FIELDS)


@transaction.atomic
def customer_delete(*, organization: Organization, customer: Customer) -> None:
    """Delete a customer, unless orders still refer to it."""
    _require_organization(customer, organization, "customer")
    _delete_or_refuse(
        customer, _("Orders refer to this customer, so it cannot be deleted. Deactivate it.")
    )


# --- product suppliers ---------------------------------------------------------------------------


@transaction.atomic
def product_supplier_set(
    *,
    organization: Organization,
    product: Product,
    supplier: Supplier,
    supplier_sku: str = "",
    price: Decimal = ZERO,
    lead_time_days: int = 7,
    is_preferred: bool = False,
) -> ProductSupplier:
    """Link a product to a supplier, or update the link. Marking it preferred unmarks the
    product's previous preferred supplier in the same transaction."""
    _require_organization(product, organization, "product")
    _require_organization(supplier, organization, "supplier")
    if price is None or Decimal(price) < ZERO:
        raise ApplicationError(_("The price cannot be negative."), code="negative", field="price")
    if lead_time_days is None or lead_time_days < 0:
        raise ApplicationError(
            _("The lead time cannot be negative."), code="negative", field="lead_time_days"
        )
    if lead_time_days > MAX_LEAD_TIME_DAYS:
        raise ApplicationError(
            _("Enter a lead time of at most %(days)s days.") % {"days": MAX_LEAD_TIME_DAYS},
            code="too_long",
            field="lead_time_days",
        )
    # Serialize concurrent changes to one product's links.
    list(Product.locked([product.pk]).values_list("pk"))
    links = ProductSupplier.objects.for_organization(organization).filter(product=product)
    if is_preferred:
        links.filter(is_preferred=True).exclude(supplier=supplier).update(is_preferred=False)
    link = links.filter(supplier=supplier).first() or ProductSupplier(
        organization=organization, product=product, supplier=supplier
    )
    link.supplier_sku = (supplier_sku or "").strip()
    link.price = price
    link.lead_time_days = lead_time_days
    link.is_preferred = is_preferred
    link.full_clean(exclude=["organization", "product", "supplier"], validate_constraints=False)
    link.save()
    return link


@transaction.atomic
def product_supplier_remove(*, organization: Organization, link: ProductSupplier) -> None:
    """Unlink a supplier from a product."""
    _require_organization(link, organization, "supplier")
    link.delete()


@transaction.atomic
def product_deactivate_many(*, organization: Organization, product_ids: Iterable[int]) -> int:
    """Deactivate the organization's products among `product_ids`; returns how many changed.

    Ids of other organizations' products are ignored: they are not this organization's to touch.
    """
    return (
        Product.objects.for_organization(organization)
        .filter(pk__in=list(product_ids), is_active=True)
        .update(is_active=False)
    )
