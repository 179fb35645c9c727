"""Serializers of API v1: they validate and shape; the viewsets hand validated data to services.

Related ids are looked up in the request's organization only, so another organization's id is
a 400 naming the field ("Invalid pk ... object does not exist"), never a cross-tenant link.
"""

import copy
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.models import Invitation, Membership, Organization
from stockroom.accounts.roles import Role
from stockroom.api.tenancy import MAX_ID
from stockroom.catalog.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Category,
    Customer,
    Product,
    Supplier,
)
from stockroom.inventory.models import (
    Location,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)
from stockroom.inventory.services import MAX_RANGE_WIDTH

MAX_BULK_ITEMS = 1000


class TenantPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key of `model`, looked up in the request's organization only.

    `select_related` names relations to load with the row. A serializer that validates many
    such ids at once (the lines of an order) may `preload` them in one query; an id it did not
    find, or one that is not a plain integer, still goes through the usual lookup and errors.
    """

    def __init__(self, model, *, select_related: tuple[str, ...] = (), **kwargs):
        self.model = model
        self.select_related = tuple(select_related)
        self._preloaded: dict[int, object] = {}
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        organization = getattr(request, "organization", None)
        if organization is None:
            return self.model.objects.none()
        queryset = self.model.objects.filter(organization=organization)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def preload(self, values) -> None:
        """Fetch the rows of every plain integer id in `values` with one query."""
        ids = {value for value in values if type(value) is int and 0 < value <= MAX_ID}
        self._preloaded = self.get_queryset().in_bulk(ids) if ids else {}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if type(data) is int and data in self._preloaded:
            return self._preloaded[data]
        return super().to_internal_value(data)


_BUILT_FIELDS: dict[tuple[type, str | None], dict] = {}


class FieldsBuiltOnceMixin:
    """A ModelSerializer whose fields are worked out from the model once per class (and
    language), then copied for each use. Working them out (model field introspection,
    labels, validators) cost about as much per list request as serializing ten of its rows."""

    def get_fields(self):
        key = (type(self), translation.get_language())
        fields = _BUILT_FIELDS.get(key)
        if fields is None:
            fields = _BUILT_FIELDS[key] = super().get_fields()
        # DRF fields copy themselves from their constructor arguments: fresh, unbound fields.
        return copy.deepcopy(fields)


# --- accounts ------------------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this organization.")

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "time_zone", "currency", "role", "created_at"]
        read_only_fields = ["slug", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, organization) -> str:
        return getattr(organization, "my_role", "")


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "expires_at", "created_at"]
        read_only_fields = ["invited_by", "expires_at", "created_at"]
        extra_kwargs = {"email": {"max_length": 254}}


class InvitationCreatedSerializer(InvitationSerializer):
    """The create response: the only one with the accept link, since the database keeps its hash."""

    accept_url = serializers.URLField(
        read_only=True,
        help_text=(
            "The invitation's accept link, returned once, in this response only: send it yourself "
            "when email is not set up. No later request can read it again."
        ),
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "accept_url"]


# --- catalog -------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    parent = TenantPrimaryKeyField(Category, required=False, allow_null=True)
    product_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "description", "product_count", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # uniqueness per level is the service's rule, reported on `name`


class ProductSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    category = TenantPrimaryKeyField(Category, required=False, allow_null=True)
    image = serializers.FileField(
        required=False,
        allow_null=True,
        help_text="JPEG, PNG, WebP or GIF up to 5 MB (checked by content). "
        "Send by multipart; `null` removes the image.",
    )
    thumbnail = serializers.FileField(read_only=True)
    stock_available = serializers.DecimalField(
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        read_only=True,
        help_text="On hand minus reserved, over every location and lot.",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "barcode",
            "category",
            "unit",
            "cost_price",
            "sale_price",
            "average_cost",
            "reorder_point",
            "reorder_quantity",
            "stock_on_hand",
            "stock_reserved",
            "stock_available",
            "is_lot_tracked",
            "is_active",
            "image",
            "thumbnail",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "average_cost",
            "stock_on_hand",
            "stock_reserved",
            "created_at",
            "updated_at",
        ]
        validators = []  # SKU and barcode uniqueness are the service's rules


class ProductBulkItemSerializer(ProductSerializer):
    """One item of a bulk call: with `id` it updates that product, without it creates one."""

    id = serializers.IntegerField(required=False, min_value=1)

    class Meta(ProductSerializer.Meta):
        fields = [f for f in ProductSerializer.Meta.fields if f not in ("image", "thumbnail")]


class ProductBulkSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=MAX_BULK_ITEMS,
        help_text="Up to 1,000 products; an item with `id` updates that product.",
    )


@extend_schema_field(ProductBulkItemSerializer(many=True))
class _BulkItemsField(serializers.ListField):
    pass


class ProductBulkSchemaSerializer(serializers.Serializer):
    """The documented shape of a bulk request (items are validated one by one)."""

    items = _BulkItemsField(min_length=1, max_length=MAX_BULK_ITEMS)


class ProductBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    results = ProductSerializer(many=True)


class SupplierSerializer(serializers.ModelSerializer):
    product_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "contact_name",
            "email",
            "phone",
            "address",
            "tax_id",
            "notes",
            "is_active",
            "product_count",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "contact_name",
            "email",
            "phone",
            "billing_address",
            "shipping_address",
            "notes",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []


# --- places and stock ----------------------------------------------------------------------------


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "address", "is_active", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class LocationSerializer(serializers.ModelSerializer):
    warehouse = TenantPrimaryKeyField(Warehouse)
    parent = TenantPrimaryKeyField(Location, required=False, allow_null=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "warehouse",
            "warehouse_code",
            "parent",
            "code",
            "name",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []


class LocationRangeSerializer(serializers.Serializer):
    """A range of bins: prefix + start ... prefix + end, zero-padded to `width` digits."""

    warehouse = TenantPrimaryKeyField(Warehouse)
    parent = TenantPrimaryKeyField(Location, required=False, allow_null=True, default=None)
    prefix = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)
    width = serializers.IntegerField(
        min_value=0, max_value=MAX_RANGE_WIDTH, required=False, default=0
    )
    name_prefix = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class LotSerializer(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "product", "product_sku", "lot_number", "expiry_date", "created_at"]
        read_only_fields = fields


class StockLevelSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    warehouse = serializers.IntegerField(source="location.warehouse_id", read_only=True)
    lot_number = serializers.CharField(
        source="lot.lot_number", read_only=True, default=None, allow_null=True
    )
    available = serializers.DecimalField(max_digits=20, decimal_places=3, read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "product",
            "product_sku",
            "location",
            "location_code",
            "warehouse",
            "lot",
            "lot_number",
            "on_hand",
            "reserved",
            "available",
        ]
        read_only_fields = fields


class StockMovementSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    lot_number = serializers.CharField(
        source="lot.lot_number", read_only=True, default=None, allow_null=True
    )
    user = serializers.EmailField(
        source="user.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "kind",
            "product",
            "product_sku",
            "lot",
            "lot_number",
            "quantity",
            "from_location",
            "to_location",
            "unit_cost",
            "reference",
            "reason",
            "user",
            "occurred_at",
            "idempotency_key",
        ]
        read_only_fields = fields


POSTABLE_KINDS = [
    (MovementKind.RECEIPT, _("Receipt: stock arrives at `location`.")),
    (MovementKind.ISSUE, _("Issue: stock leaves `location` (use, samples, loss; not a sale).")),
    (MovementKind.SHIPMENT, _("Shipment: stock leaves `location` for a customer (a sale).")),
    (MovementKind.TRANSFER, _("Transfer from `from_location` to `to_location`.")),
    (MovementKind.ADJUSTMENT, _("Adjustment of `location` by a signed `quantity`.")),
]
# Which location fields each kind needs.
KIND_LOCATIONS = {
    MovementKind.RECEIPT: ("location",),
    MovementKind.SHIPMENT: ("location",),
    MovementKind.ISSUE: ("location",),
    MovementKind.TRANSFER: ("from_location", "to_location"),
    MovementKind.ADJUSTMENT: ("location",),
}


class StockMovementCreateSerializer(serializers.Serializer):
    """Post a movement. Quantities are positive, except an adjustment's, which is signed."""

    kind = serializers.ChoiceField(choices=[kind for kind, _label in POSTABLE_KINDS])
    product = TenantPrimaryKeyField(Product)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    # With the warehouse: the live event names a location by warehouse and bin code.
    location = TenantPrimaryKeyField(
        Location, select_related=("warehouse",), required=False, allow_null=True
    )
    from_location = TenantPrimaryKeyField(
        Location, select_related=("warehouse",), required=False, allow_null=True
    )
    to_location = TenantPrimaryKeyField(
        Location, select_related=("warehouse",), required=False, allow_null=True
    )
    lot = TenantPrimaryKeyField(
        Lot,
        required=False,
        allow_null=True,
        help_text="For issues, shipments, transfers, adjustments.",
    )
    lot_number = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="For receipts."
    )
    expiry_date = serializers.DateField(required=False, allow_null=True, help_text="For receipts.")
    unit_cost = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, min_value=Decimal(0)
    )
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate(self, attrs):
        kind = attrs["kind"]
        errors = {}
        for field in KIND_LOCATIONS[kind]:
            if attrs.get(field) is None:
                errors[field] = [_("This field is required for a %(kind)s.") % {"kind": kind}]
        if kind != MovementKind.ADJUSTMENT and attrs["quantity"] <= 0:
            errors["quantity"] = [_("The quantity must be greater than zero.")]
        if kind == MovementKind.ADJUSTMENT and attrs["quantity"] == 0:
            errors["quantity"] = [_("The adjustment must change the quantity.")]
        if kind == MovementKind.ADJUSTMENT and not (attrs.get("reason") or "").strip():
            errors["reason"] = [_("Give a reason for the adjustment.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
