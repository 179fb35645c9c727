"""Serializers of the catalog endpoints: categories, products (one by one and in bulk),
suppliers and customers."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stockroom.api.serializers import FieldsBuiltOnceMixin, TenantPrimaryKeyField
from stockroom.catalog.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Category,
    Customer,
    Product,
    Supplier,
)

MAX_BULK_ITEMS = 1000


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
