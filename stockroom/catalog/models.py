"""What an organization buys and sells, and from and to whom."""

from collections.abc import Iterable
from decimal import Decimal

from simple_history.models import HistoricalRecords

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stockroom.core.models import TenantModel
from stockroom.core.reversing import pk_url

ZERO = Decimal("0")
QUANTITY_DIGITS = 14
QUANTITY_PLACES = 3
MONEY_DIGITS = 14
MONEY_PLACES = 2
COST_PLACES = 4  # unit costs keep sub-cent precision so valuations round once, at the end


class UnitOfMeasure(models.TextChoices):
    EACH = "each", _("Each")
    BOX = "box", _("Box")
    PACK = "pack", _("Pack")
    KILOGRAM = "kg", _("Kilogram")
    GRAM = "g", _("Gram")
    LITRE = "l", _("Litre")
    MILLILITRE = "ml", _("Millilitre")
    METRE = "m", _("Metre")

    @classmethod
    def decimal_places(cls, unit: str) -> int:
        """How many decimals a quantity in `unit` may carry (countable units: none)."""
        return 0 if unit in (cls.EACH, cls.BOX, cls.PACK) else QUANTITY_PLACES


class Category(TenantModel):
    """A node of the organization's category tree."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parent", "name"], name="catalog_category_unique_sibling"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(parent__isnull=True),
                name="catalog_category_unique_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("catalog:category_detail", self.pk)

    def clean(self) -> None:
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            if ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


# Product fields only the inventory services write (see Product.save).
STOCK_FIELDS = frozenset({"average_cost", "stock_on_hand", "stock_reserved"})


class Product(TenantModel):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    unit = models.CharField(
        _("unit of measure"),
        max_length=8,
        choices=UnitOfMeasure.choices,
        default=UnitOfMeasure.EACH,
    )
    cost_price = models.DecimalField(
        _("cost price"),
        max_digits=MONEY_DIGITS,
        decimal_places=COST_PLACES,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    sale_price = models.DecimalField(
        _("sale price"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    # Moving weighted-average cost, maintained by the inventory services on every receipt.
    average_cost = models.DecimalField(
        _("average cost"),
        max_digits=MONEY_DIGITS,
        decimal_places=COST_PLACES,
        default=ZERO,
        editable=False,
    )
    # The product's stock over every location and lot: the sum of its stock levels, maintained by
    # the inventory services under the product's row lock, so low-stock checks, reorder
    # suggestions and valuations read one row per product instead of summing its stock rows.
    stock_on_hand = models.DecimalField(
        _("on hand"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=ZERO,
        editable=False,
    )
    stock_reserved = models.DecimalField(
        _("reserved"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=ZERO,
        editable=False,
    )
    reorder_point = models.DecimalField(
        _("reorder point"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    reorder_quantity = models.DecimalField(
        _("reorder quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="products/thumbs/%Y/%m/", blank=True, editable=False)
    is_lot_tracked = models.BooleanField(_("tracked by lot"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    # The stock figures change with every movement; the ledger is their history.
    history = HistoricalRecords(excluded_fields=["stock_on_hand", "stock_reserved"])

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sku"], name="catalog_product_sku_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "barcode"],
                condition=~Q(barcode=""),
                name="catalog_product_barcode_unique",
            ),
            models.CheckConstraint(
                condition=Q(cost_price__gte=0), name="catalog_product_cost_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(sale_price__gte=0), name="catalog_product_sale_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(average_cost__gte=0), name="catalog_product_avg_cost_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reorder_point__gte=0), name="catalog_product_reorder_point_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reorder_quantity__gte=0), name="catalog_product_reorder_qty_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(stock_on_hand__gte=0), name="catalog_product_stock_on_hand_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(stock_reserved__gte=0) & Q(stock_reserved__lte=F("stock_on_hand")),
                name="catalog_product_stock_reserved_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "name"], name="catalog_prod_org_name_idx"),
            models.Index(fields=["organization", "is_active"], name="catalog_prod_org_active_idx"),
            # The product list's default filter (active) with its sorts, read in index order.
            models.Index(
                fields=["organization", "is_active", "sku", "id"],
                name="catalog_prod_org_act_sku_idx",
            ),
            models.Index(
                fields=["organization", "is_active", "name", "id"],
                name="catalog_prod_org_act_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    def save(self, *args, **kwargs):
        # The inventory services change these fields under the product's row lock while a form
        # or the admin may hold a copy read earlier: saving that copy whole would write back a
        # stale average cost or stock total. Only the services' own writes touch them.
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Deferred fields stay out as well, as Django's own save() leaves them.
            skipped = STOCK_FIELDS | self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in skipped
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return pk_url("catalog:product_detail", self.pk)

    @classmethod
    def locked(cls, pks: Iterable[int]) -> "models.QuerySet[Product]":
        """The products `pks`, their rows locked until the transaction ends, in primary-key order.

        Every write that locks products locks them here, first and by pk, before any stock row
        (inventory/locks.py): one global order, so concurrent writers cannot deadlock. The lock is
        FOR NO KEY UPDATE: inserting a movement or a lot takes FOR KEY SHARE on the product row
        (the foreign key check), which a plain FOR UPDATE would conflict with, letting a transfer
        holding stock rows wait for an issue holding the product row while the issue waits for
        those stock rows. On SQLite this is a no-op: every transaction begins IMMEDIATE there.
        """
        return cls.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")

    @property
    def stock_available(self) -> Decimal:
        return self.stock_on_hand - self.stock_reserved

    @property
    def quantity_places(self) -> int:
        return UnitOfMeasure.decimal_places(self.unit)


class Supplier(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    products: "models.ManyToManyField[Product, ProductSupplier]" = models.ManyToManyField(
        Product, through="ProductSupplier", related_name="suppliers"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="catalog_supplier_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("catalog:supplier_detail", self.pk)


# Ten years: an expected date is today plus the lead time, and a larger number (the field takes
# up to 2**31 - 1) overflowed the calendar when a purchase order filled in its expected date.
MAX_LEAD_TIME_DAYS = 3650


class ProductSupplier(TenantModel):
    """Where a product can be bought: the supplier's SKU, price and lead time."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="supplier_links")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="product_links")
    supplier_sku = models.CharField(_("supplier SKU"), max_length=64, blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=MONEY_DIGITS,
        decimal_places=COST_PLACES,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=7)
    is_preferred = models.BooleanField(_("preferred"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product supplier")
        verbose_name_plural = _("product suppliers")
        ordering = ["product", "-is_preferred", "supplier"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "supplier"], name="catalog_productsupplier_unique"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_preferred=True),
                name="catalog_productsupplier_one_preferred",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="catalog_productsupplier_price_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ← {self.supplier}"


class Customer(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="catalog_customer_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("catalog:customer_detail", self.pk)
