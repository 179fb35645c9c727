"""API v1: the token endpoints, then each domain's viewsets on one router (one URL prefix and
one basename per resource, as clients and the schema's operation ids know them)."""

from rest_framework.routers import DefaultRouter

from django.urls import path

from stockroom.api import auth

from .accounts import views as accounts
from .catalog import views as catalog
from .inventory import views as inventory
from .orders import views as orders

router = DefaultRouter()
router.register("organizations", accounts.OrganizationViewSet, basename="organization")
router.register("members", accounts.MemberViewSet, basename="member")
router.register("invitations", accounts.InvitationViewSet, basename="invitation")
router.register("categories", catalog.CategoryViewSet, basename="category")
router.register("products", catalog.ProductViewSet, basename="product")
router.register("suppliers", catalog.SupplierViewSet, basename="supplier")
router.register("customers", catalog.CustomerViewSet, basename="customer")
router.register("warehouses", inventory.WarehouseViewSet, basename="warehouse")
router.register("locations", inventory.LocationViewSet, basename="location")
router.register("lots", inventory.LotViewSet, basename="lot")
router.register("stock-levels", inventory.StockLevelViewSet, basename="stock-level")
router.register("movements", inventory.StockMovementViewSet, basename="movement")
router.register("purchase-orders", orders.PurchaseOrderViewSet, basename="purchase-order")
router.register("sales-orders", orders.SalesOrderViewSet, basename="sales-order")
router.register("stock-counts", orders.StockCountViewSet, basename="stock-count")
router.register(
    "reorder-suggestions", orders.ReorderSuggestionViewSet, basename="reorder-suggestion"
)

urlpatterns = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", auth.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/logout/", auth.LogoutView.as_view(), name="token-logout"),
    path("auth/drf-token/", auth.DRFTokenObtainView.as_view(), name="drf-token-obtain"),
    *router.urls,
]
