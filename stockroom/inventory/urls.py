from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "inventory"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inventory:stock_levels"), name="index"),
    path("stock/", views.StockLevelListView.as_view(), name="stock_levels"),
    path("products/<int:pk>/stock/", views.ProductStockView.as_view(), name="product_stock"),
    path("movements/", views.MovementListView.as_view(), name="movement_list"),
    path("movements/receive/", views.ReceiptView.as_view(), name="movement_receive"),
    path("movements/issue/", views.IssueView.as_view(), name="movement_issue"),
    path("movements/transfer/", views.TransferView.as_view(), name="movement_transfer"),
    path("movements/adjust/", views.AdjustmentView.as_view(), name="movement_adjust"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse_list"),
    path("warehouses/new/", views.WarehouseCreateView.as_view(), name="warehouse_create"),
    path("warehouses/<int:pk>/", views.WarehouseDetailView.as_view(), name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", views.WarehouseUpdateView.as_view(), name="warehouse_update"),
    path(
        "warehouses/<int:pk>/delete/", views.WarehouseDeleteView.as_view(), name="warehouse_delete"
    ),
    path("locations/", views.LocationListView.as_view(), name="location_list"),
    path("locations/new/", views.LocationCreateView.as_view(), name="location_create"),
    path("locations/range/", views.LocationRangeCreateView.as_view(), name="location_range"),
    path("locations/<int:pk>/", views.LocationDetailView.as_view(), name="location_detail"),
    path("locations/<int:pk>/edit/", views.LocationUpdateView.as_view(), name="location_update"),
    path("locations/<int:pk>/delete/", views.LocationDeleteView.as_view(), name="location_delete"),
]
