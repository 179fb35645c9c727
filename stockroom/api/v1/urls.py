from rest_framework.routers import DefaultRouter

from django.urls import path

from stockroom.api import auth

from . import order_views, views

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("members", views.MemberViewSet, basename="member")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("locations", views.LocationViewSet, basename="location")
router.register("lots", views.LotViewSet, basename="lot")
router.register("stock-levels", views.StockLevelViewSet, basename="stock-level")
router.register("movements", views.StockMovementViewSet, basename="movement")
router.register("purchase-orders", order_views.PurchaseOrderViewSet, basename="purchase-order")
router.register("sales-orders", order_views.SalesOrderViewSet, basename="sales-order")
router.register("stock-counts", order_views.StockCountViewSet, basename="stock-count")
router.register(
    "reorder-suggestions", order_views.ReorderSuggestionViewSet, basename="reorder-suggestion"
)

urlpatterns = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", auth.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/logout/", auth.LogoutView.as_view(), name="token-logout"),
    path("auth/drf-token/", auth.DRFTokenObtainView.as_view(), name="drf-token-obtain"),
    *router.urls,
]
