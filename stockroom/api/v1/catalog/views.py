"""Catalog endpoints of API v1: categories, products, suppliers and customers. Reads go through
a catalog selector, writes through one catalog service."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext as _

from stockroom.accounts.roles import Action
from stockroom.api.pagination import CappedCountPagination
from stockroom.api.tenancy import MAX_ID
from stockroom.api.viewsets import CrudTenantViewSet
from stockroom.catalog import selectors as catalog_selectors
from stockroom.catalog import services as catalog_services
from stockroom.catalog.models import Category, Customer, Product, Supplier

from . import filters as api_filters
from . import serializers as s


class CategoryViewSet(CrudTenantViewSet):
    """The category tree: `parent` null is a top-level category."""

    queryset = Category.objects.none()
    serializer_class = s.CategorySerializer
    filterset_class = api_filters.CategoryFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "product_count", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.category_list(organization=organization)

    def create_object(self, data):
        return catalog_services.category_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.category_update(
            organization=self.request.organization,
            category=instance,
            name=data.get("name", instance.name),
            parent=data.get("parent", instance.parent),
            description=data.get("description", instance.description),
        )

    def delete_object(self, instance) -> None:
        catalog_services.category_delete(organization=self.request.organization, category=instance)


class ProductViewSet(CrudTenantViewSet):
    """Products. Send `image` by multipart (JPEG, PNG, WebP or GIF, checked by content)."""

    queryset = Product.objects.none()
    serializer_class = s.ProductSerializer
    pagination_class = CappedCountPagination
    filterset_class = api_filters.ProductFilter
    search_fields = ["sku", "name", "barcode", "description"]
    ordering_fields = ["sku", "name", "sale_price", "cost_price", "created_at", "updated_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        # A list shows the category's id only: no category rows to load with 50 products.
        return catalog_selectors.product_list(
            organization=organization, with_category=self.action != "list"
        )

    def create_object(self, data):
        return catalog_services.product_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        data = dict(data)
        data.pop("id", None)
        if "image" in data and data["image"] is None:
            data["image"] = False  # the service's "remove the image"
        return catalog_services.product_update(
            organization=self.request.organization, product=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.product_delete(organization=self.request.organization, product=instance)

    @extend_schema(
        request=s.ProductBulkSchemaSerializer,
        responses={200: s.ProductBulkResultSerializer},
        description="Create (no `id`) or update (with `id`) up to 1,000 products in one "
        "transaction: all succeed or nothing is written. Errors are keyed by item index, "
        "e.g. `items.3.sku`.",
    )
    @action(detail=False, methods=["post"], throttle_scope="bulk")
    def bulk(self, request, *args, **kwargs):
        envelope = s.ProductBulkSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        result = catalog_services.product_bulk_upsert(
            organization=request.organization,
            items=self._validated_items(envelope.validated_data["items"]),
        )
        body = {
            "created": result.created,
            "updated": result.updated,
            "results": s.ProductSerializer(
                result.products, many=True, context=self.get_serializer_context()
            ).data,
        }
        return Response(body, status=status.HTTP_200_OK)

    def _validated_items(self, items) -> list[catalog_services.ProductUpsert]:
        """Each item checked by the item serializer; every item's errors in one 400, before
        anything is written."""
        existing = self._existing_products(items)
        errors: dict[int, dict] = {}
        validated = []
        for index, item in enumerate(items):
            # Only an integer can name a product: an object or a list (unhashable) is an
            # unknown id like any other, not a lookup error.
            item_id = item.get("id")
            instance = (
                existing.get(item_id)
                if isinstance(item_id, int) and not isinstance(item_id, bool)
                else None
            )
            if "id" in item and instance is None:
                errors[index] = {"id": [_("No product of this organization has this id.")]}
                continue
            serializer = s.ProductBulkItemSerializer(
                instance,
                data=item,
                partial=instance is not None,
                context=self.get_serializer_context(),
            )
            if serializer.is_valid():
                data = dict(serializer.validated_data)
                data.pop("id", None)
                validated.append(catalog_services.ProductUpsert(product=instance, data=data))
            else:
                errors[index] = serializer.errors
        if errors:
            raise serializers.ValidationError({"items": errors})
        return validated

    def _existing_products(self, items) -> dict:
        ids = set()
        for item in items:
            value = item.get("id")
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
                ids.add(value)
        if not ids:
            return {}
        return Product.objects.filter(organization=self.request.organization).in_bulk(ids)


class SupplierViewSet(CrudTenantViewSet):
    queryset = Supplier.objects.none()
    serializer_class = s.SupplierSerializer
    filterset_class = api_filters.SupplierFilter
    search_fields = ["name", "contact_name", "email", "phone"]
    ordering_fields = ["name", "contact_name", "email", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.supplier_list(organization=organization)

    def create_object(self, data):
        return catalog_services.supplier_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.supplier_update(
            organization=self.request.organization, supplier=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.supplier_delete(organization=self.request.organization, supplier=instance)


class CustomerViewSet(CrudTenantViewSet):
    queryset = Customer.objects.none()
    serializer_class = s.CustomerSerializer
    filterset_class = api_filters.CustomerFilter
    search_fields = ["name", "contact_name", "email", "phone"]
    ordering_fields = ["name", "contact_name", "email", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.customer_list(organization=organization)

    def create_object(self, data):
        return catalog_services.customer_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.customer_update(
            organization=self.request.organization, customer=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.customer_delete(organization=self.request.organization, customer=instance)
