"""Serializers of the places and stock endpoints: warehouses, locations, lots, stock levels
and the movement ledger."""

from decimal import Decimal

from rest_framework import serializers

from django.utils.translation import gettext_lazy as _

from stockroom.api.serializers import FieldsBuiltOnceMixin, TenantPrimaryKeyField
from stockroom.catalog.models import Product
from stockroom.inventory.models import (
    IssueReason,
    Location,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)
from stockroom.inventory.services import MAX_RANGE_WIDTH


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
    # Declared: read from the model it would be an enum without "", which every movement but an
    # issue answers.
    reason_code = serializers.ChoiceField(
        choices=IssueReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why an issue took the stock out; empty for every other kind of movement.",
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
            "reason_code",
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
    reason_code = serializers.ChoiceField(
        choices=IssueReason.choices,
        required=False,
        allow_blank=True,
        help_text="Why stock is issued; required for an issue, refused for the other kinds.",
    )

    def validate(self, attrs):
        kind = attrs["kind"]
        errors = {}
        if kind == MovementKind.ISSUE and not attrs.get("reason_code"):
            errors["reason_code"] = [_("Choose why the stock is issued.")]
        if kind != MovementKind.ISSUE and attrs.get("reason_code"):
            errors["reason_code"] = [_("Only an issue has a reason code.")]
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
