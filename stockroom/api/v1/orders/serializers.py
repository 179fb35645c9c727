"""Serializers of the order endpoints: purchase orders, sales orders, stock counts, reorder.

They validate the request's shape and the tenant of every id; the state rules (what may happen
to an order now) are the orders services', reported through the one error shape.
"""

from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from django.utils.translation import gettext_lazy as _

from stockroom.api.serializers import FieldsBuiltOnceMixin, TenantPrimaryKeyField
from stockroom.catalog.models import Customer, Product, Supplier
from stockroom.inventory.models import Location, Lot, Warehouse
from stockroom.orders.limits import (
    MAX_LINE_QUANTITY,
    MAX_ORDER_TOTAL,
    MAX_UNIT_PRICE,
    line_total_message,
    order_total_message,
)
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    StockCount,
)

MAX_LINES = 500
QUANTITY = {"max_digits": 14, "decimal_places": 3}
LOT_NUMBER_LENGTH = 100


def _quantity(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**QUANTITY, **kwargs)


def _computed(**kwargs) -> serializers.DecimalField:
    """A read-only sum or difference of quantities: no digit limit to overflow."""
    return serializers.DecimalField(max_digits=None, decimal_places=3, read_only=True, **kwargs)


class LineProductsPreloadMixin:
    """Looks up the products of all `lines` in one query instead of one query per line."""

    def to_internal_value(self, data):
        lines = data.get("lines") if isinstance(data, Mapping) else None
        if isinstance(lines, list) and len(lines) <= MAX_LINES:
            product_field = self.fields["lines"].child.fields["product"]
            product_field.preload(
                line.get("product") for line in lines if isinstance(line, Mapping)
            )
        return super().to_internal_value(data)


def _order_total(**kwargs) -> serializers.DecimalField:
    """An order's total as stored, however large: a row written before the order limits existed
    must still render, or one such order would break every list of its organization."""
    return serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True, **kwargs)


def _line_quantity() -> serializers.DecimalField:
    return _quantity(min_value=Decimal("0.001"), max_value=MAX_LINE_QUANTITY)


def _unit_price(decimal_places: int, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=decimal_places,
        min_value=Decimal(0),
        max_value=MAX_UNIT_PRICE,
        **kwargs,
    )


def _line_total(line: Mapping) -> Decimal:
    """A line's total; 0 while its unit price is left to the service's default (the service
    checks the limits again once the price is known)."""
    unit_price = line.get("unit_price")
    return line["quantity"] * unit_price if unit_price is not None else Decimal(0)


class OrderLineBoundsMixin:
    """A complete line whose total is within the order limit (each factor is bounded by its
    field)."""

    required_line_fields: tuple[str, ...] = ("product", "quantity", "unit_price")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # `lines` replaces the order's lines as a whole, so a PATCH's line is complete too: DRF's
        # partial update would otherwise skip the fields a line leaves out.
        missing = {
            name: [self.fields[name].error_messages["required"]]
            for name in self.required_line_fields
            if name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing, code="required")
        if _line_total(attrs) > MAX_ORDER_TOTAL:
            raise serializers.ValidationError(line_total_message())
        return attrs


def _order_lines(lines: list[dict]) -> list[dict]:
    """Each product once, and the order's total within the order limit."""
    lines = _unique_products(lines)
    if sum(_line_total(line) for line in lines) > MAX_ORDER_TOTAL:
        raise serializers.ValidationError(order_total_message())
    return lines


def _unique_products(lines: list[dict]) -> list[dict]:
    seen: set[int] = set()
    errors: list[dict] = []
    for line in lines:
        product = line["product"]
        errors.append(
            {"product": [_("Each product may appear only once on an order.")]}
            if product.pk in seen
            else {}
        )
        seen.add(product.pk)
    if any(errors):
        raise serializers.ValidationError(errors)
    return lines


# The fields purchase and sales order lines share; each declares its `unit_price`. A comment,
# not a docstring: the schema describes a line by the first docstring among its classes, and that
# stays OrderLineBoundsMixin's, which each line lists first.
class OrderLineSerializer(serializers.ModelSerializer):
    product = TenantPrimaryKeyField(Product)
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    quantity = _line_quantity()

    FIELDS = ["id", "product", "product_sku", "quantity", "unit_price"]


class OrderSerializer(LineProductsPreloadMixin, serializers.ModelSerializer):
    """What purchase and sales orders share: the stored total, and their `lines` checked as a
    whole."""

    total = _order_total()

    def validate_lines(self, lines):
        return _order_lines(lines)


# --- purchase orders -----------------------------------------------------------------------------


class PurchaseOrderLineSerializer(OrderLineBoundsMixin, OrderLineSerializer):
    unit_price = _unit_price(
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Left out or null: the supplier's price for the product (its product-supplier "
        "link), else the product's cost price.",
    )
    receiving_location = TenantPrimaryKeyField(
        Location,
        required=False,
        allow_null=True,
        help_text="Where this line is received into unless a receipt says otherwise.",
    )
    received_quantity = _quantity(read_only=True)
    remaining = _quantity(read_only=True)

    required_line_fields = ("product", "quantity")

    class Meta:
        model = PurchaseOrderLine
        fields = [
            *OrderLineSerializer.FIELDS,
            "receiving_location",
            "received_quantity",
            "remaining",
        ]
        read_only_fields = ["id"]


class PurchaseOrderSerializer(OrderSerializer):
    """A purchase order with its lines. Lines are replaced as a whole on update (drafts only)."""

    supplier = TenantPrimaryKeyField(Supplier)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    lines = PurchaseOrderLineSerializer(many=True, max_length=MAX_LINES)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "status",
            "supplier",
            "supplier_name",
            "expected_date",
            "notes",
            "lines",
            "total",
            "created_at",
            "sent_at",
            "received_at",
            "closed_at",
            "cancelled_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "created_at",
            "sent_at",
            "received_at",
            "closed_at",
            "cancelled_at",
        ]
        extra_kwargs = {"notes": {"max_length": 5000}}


class ReceiptLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="Id of a line of this order.")
    location = TenantPrimaryKeyField(
        Location,
        required=False,
        allow_null=True,
        default=None,
        help_text="Where this line goes; default: the line's receiving location, else the "
        "receipt's `location`.",
    )
    quantity = _quantity(min_value=Decimal(0))
    lot_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LOT_NUMBER_LENGTH
    )
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


class PurchaseOrderReceiveSerializer(serializers.Serializer):
    """What arrived: quantities per line, each into its own location or the receipt's."""

    location = TenantPrimaryKeyField(
        Location,
        required=False,
        allow_null=True,
        default=None,
        help_text="Where lines go that name no location of their own (in the request or as "
        "their receiving location).",
    )
    over_receipt = serializers.BooleanField(
        default=False, help_text="Accept more than is outstanding on a line."
    )
    lines = ReceiptLineSerializer(many=True, min_length=1, max_length=MAX_LINES)

    def validate_lines(self, lines):
        seen: set[int] = set()
        errors = []
        for line in lines:
            duplicate = line["line"] in seen
            seen.add(line["line"])
            errors.append({"line": [_("Each line may appear only once.")]} if duplicate else {})
        if any(errors):
            raise serializers.ValidationError(errors)
        return lines


class PurchaseOrderReceiptSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="line.product_id", read_only=True)
    lot_number = serializers.CharField(
        source="lot.lot_number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PurchaseOrderReceipt
        fields = [
            "id",
            "line",
            "product",
            "quantity",
            "location",
            "lot",
            "lot_number",
            "over_receipt",
            "movement",
            "received_at",
        ]
        read_only_fields = fields


class PurchaseOrderReceiveResultSerializer(serializers.Serializer):
    order = PurchaseOrderSerializer()
    receipts = PurchaseOrderReceiptSerializer(many=True)


# --- sales orders --------------------------------------------------------------------------------


class SalesOrderLineSerializer(OrderLineBoundsMixin, FieldsBuiltOnceMixin, OrderLineSerializer):
    unit_price = _unit_price(
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Left out or null: the product's sale price.",
    )
    backordered_quantity = _quantity(read_only=True)
    shipped_quantity = _quantity(read_only=True)

    class Meta:
        model = SalesOrderLine
        fields = [*OrderLineSerializer.FIELDS, "backordered_quantity", "shipped_quantity"]
        read_only_fields = ["id"]

    def validate(self, attrs):
        if attrs.get("unit_price") is None and "product" in attrs:
            attrs["unit_price"] = attrs["product"].sale_price
        return super().validate(attrs)


class SalesOrderSerializer(FieldsBuiltOnceMixin, OrderSerializer):
    """A sales order with its lines. Lines are replaced as a whole on update (drafts only)."""

    customer = TenantPrimaryKeyField(Customer)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    lines = SalesOrderLineSerializer(many=True, max_length=MAX_LINES)

    class Meta:
        model = SalesOrder
        fields = [
            "id",
            "number",
            "status",
            "customer",
            "customer_name",
            "notes",
            "lines",
            "total",
            "created_at",
            "confirmed_at",
            "shipped_at",
            "cancelled_at",
        ]
        read_only_fields = ["number", "status", "created_at", "confirmed_at", "shipped_at"]
        read_only_fields += ["cancelled_at"]
        extra_kwargs = {"notes": {"max_length": 5000}}


class SalesOrderConfirmSerializer(serializers.Serializer):
    REFUSE, BACKORDER = "refuse", "backorder"

    on_shortage = serializers.ChoiceField(
        choices=[
            (REFUSE, _("Reserve nothing and refuse when a line cannot be covered in full.")),
            (BACKORDER, _("Reserve what is available and backorder the rest.")),
        ],
        default=REFUSE,
    )


class ShipmentLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="Id of a line of this order.")
    quantity = _quantity(min_value=Decimal("0.001"))


class ShipmentCreateSerializer(serializers.Serializer):
    """What leaves: quantities per line (default: everything reserved and not yet shipped)."""

    lines = ShipmentLineInputSerializer(
        many=True, required=False, min_length=1, max_length=MAX_LINES
    )
    carrier = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ShipmentLineSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="line.product_id", read_only=True)
    product_sku = serializers.CharField(source="line.product.sku", read_only=True)
    lot_number = serializers.CharField(
        source="lot.lot_number", read_only=True, default=None, allow_null=True
    )
    quantity = _quantity(read_only=True)

    class Meta:
        model = ShipmentLine
        fields = [
            "id",
            "line",
            "product",
            "product_sku",
            "quantity",
            "location",
            "lot",
            "lot_number",
            "movement",
        ]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    lines = ShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "order",
            "carrier",
            "tracking_number",
            "notes",
            "shipped_at",
            "shipped_by",
            "lines",
        ]
        read_only_fields = fields


# --- stock counts --------------------------------------------------------------------------------


class StockCountSerializer(serializers.ModelSerializer):
    """A count sheet. Create it for a warehouse, or one location of it (`location`)."""

    warehouse = TenantPrimaryKeyField(Warehouse)
    location = TenantPrimaryKeyField(Location, required=False, allow_null=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    location_code = serializers.CharField(
        source="location.code", read_only=True, default=None, allow_null=True
    )
    line_count = serializers.IntegerField(read_only=True, default=0)
    counted_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = StockCount
        fields = [
            "id",
            "number",
            "status",
            "warehouse",
            "warehouse_code",
            "location",
            "location_code",
            "notes",
            "line_count",
            "counted_count",
            "created_at",
            "submitted_at",
            "approved_at",
            "cancelled_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "created_at",
            "submitted_at",
            "approved_at",
            "cancelled_at",
        ]
        extra_kwargs = {"notes": {"max_length": 5000}}


class StockCountLineSerializer(serializers.Serializer):
    """A line of the sheet as a manager reviews it: snapshot, count, drift and variance."""

    id = serializers.IntegerField(source="line.pk")
    product = serializers.IntegerField(source="line.product_id")
    product_sku = serializers.CharField(source="line.product.sku")
    location = serializers.IntegerField(source="line.location_id")
    location_code = serializers.CharField(source="line.location.code")
    lot = serializers.IntegerField(source="line.lot_id", allow_null=True)
    lot_number = serializers.CharField(source="line.lot.lot_number", default=None, allow_null=True)
    expected_quantity = _computed(source="line.expected_quantity")
    counted_quantity = _computed(source="line.counted_quantity", allow_null=True)
    current_on_hand = _computed(help_text="On hand now.")
    drift = _computed(help_text="On hand now minus the snapshot taken when the sheet was made.")
    variance = _computed(
        allow_null=True, help_text="What approval posts (or posted): counted minus on hand."
    )


class StockCountDetailSerializer(StockCountSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(StockCountSerializer.Meta):
        fields = [*StockCountSerializer.Meta.fields, "lines"]

    @extend_schema_field(StockCountLineSerializer(many=True))
    def get_lines(self, count) -> list:
        return StockCountLineSerializer(self.context["review"], many=True).data


class CountEntrySerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="Id of a line of this sheet.")
    counted_quantity = _quantity(
        min_value=Decimal(0), allow_null=True, help_text="`null` clears the line."
    )


class StockCountEntrySerializer(serializers.Serializer):
    lines = CountEntrySerializer(many=True, min_length=1, max_length=5000)


class StockCountFoundItemSerializer(serializers.Serializer):
    """Stock found while counting that the sheet does not list."""

    product = TenantPrimaryKeyField(Product)
    location = TenantPrimaryKeyField(Location, help_text="A location the sheet covers.")
    lot = TenantPrimaryKeyField(
        Lot, required=False, allow_null=True, help_text="Required for lot-tracked products."
    )
    counted_quantity = _quantity(min_value=Decimal(0))


# --- reorder -------------------------------------------------------------------------------------


class ReorderSuggestionSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product.pk")
    product_sku = serializers.CharField(source="product.sku")
    product_name = serializers.CharField(source="product.name")
    supplier = serializers.IntegerField(source="supplier.pk", default=None, allow_null=True)
    supplier_name = serializers.CharField(source="supplier.name", default=None, allow_null=True)
    reorder_point = _computed(source="product.reorder_point")
    available = _computed()
    on_order = _computed()
    shipped_last_90_days = _computed()
    lead_time_days = serializers.IntegerField()
    suggested_quantity = _computed()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4)
    can_order = serializers.BooleanField(
        help_text="Has a preferred supplier, a quantity to order and nothing on order yet."
    )
