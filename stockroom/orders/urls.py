from django.urls import path

from . import views
from .forms import PurchaseOrderLineFormSet, SalesOrderLineFormSet

app_name = "orders"

urlpatterns = [
    # purchase orders
    path("purchase-orders/", views.PurchaseOrderListView.as_view(), name="purchase_order_list"),
    path(
        "purchase-orders/new/",
        views.PurchaseOrderCreateView.as_view(),
        name="purchase_order_create",
    ),
    path(
        "purchase-orders/line-form/",
        views.LineFormRowView.as_view(formset_class=PurchaseOrderLineFormSet),
        name="purchase_order_line_form",
    ),
    path(
        "purchase-orders/<int:pk>/",
        views.PurchaseOrderDetailView.as_view(),
        name="purchase_order_detail",
    ),
    path(
        "purchase-orders/<int:pk>/edit/",
        views.PurchaseOrderUpdateView.as_view(),
        name="purchase_order_update",
    ),
    path(
        "purchase-orders/<int:pk>/send/",
        views.PurchaseOrderSendView.as_view(),
        name="purchase_order_send",
    ),
    path(
        "purchase-orders/<int:pk>/cancel/",
        views.PurchaseOrderCancelView.as_view(),
        name="purchase_order_cancel",
    ),
    path(
        "purchase-orders/<int:pk>/close/",
        views.PurchaseOrderCloseView.as_view(),
        name="purchase_order_close",
    ),
    path(
        "purchase-orders/<int:pk>/receive/",
        views.PurchaseOrderReceiveView.as_view(),
        name="purchase_order_receive",
    ),
    path(
        "purchase-orders/<int:pk>/print/",
        views.PurchaseOrderPrintView.as_view(),
        name="purchase_order_print",
    ),
    path(
        "purchase-orders/<int:pk>/pdf/",
        views.PurchaseOrderPdfView.as_view(),
        name="purchase_order_pdf",
    ),
    # sales orders
    path("sales-orders/", views.SalesOrderListView.as_view(), name="sales_order_list"),
    path("sales-orders/new/", views.SalesOrderCreateView.as_view(), name="sales_order_create"),
    path(
        "sales-orders/line-form/",
        views.LineFormRowView.as_view(formset_class=SalesOrderLineFormSet),
        name="sales_order_line_form",
    ),
    path("sales-orders/<int:pk>/", views.SalesOrderDetailView.as_view(), name="sales_order_detail"),
    path(
        "sales-orders/<int:pk>/edit/",
        views.SalesOrderUpdateView.as_view(),
        name="sales_order_update",
    ),
    path(
        "sales-orders/<int:pk>/confirm/",
        views.SalesOrderConfirmView.as_view(),
        name="sales_order_confirm",
    ),
    path(
        "sales-orders/<int:pk>/reserve-backorders/",
        views.SalesOrderReserveBackordersView.as_view(),
        name="sales_order_reserve_backorders",
    ),
    path(
        "sales-orders/<int:pk>/ship/", views.SalesOrderShipView.as_view(), name="sales_order_ship"
    ),
    path(
        "sales-orders/<int:pk>/shipments/new/",
        views.SalesOrderShipmentCreateView.as_view(),
        name="sales_order_shipment_create",
    ),
    path(
        "shipments/<int:pk>/packing-slip/",
        views.ShipmentPackingSlipView.as_view(),
        name="shipment_packing_slip",
    ),
    path(
        "sales-orders/<int:pk>/cancel/",
        views.SalesOrderCancelView.as_view(),
        name="sales_order_cancel",
    ),
    path(
        "sales-orders/<int:pk>/print/",
        views.SalesOrderPrintView.as_view(),
        name="sales_order_print",
    ),
    # stock counts
    path("counts/", views.StockCountListView.as_view(), name="stock_count_list"),
    path("counts/new/", views.StockCountCreateView.as_view(), name="stock_count_create"),
    path("counts/<int:pk>/", views.StockCountDetailView.as_view(), name="stock_count_detail"),
    path("counts/<int:pk>/enter/", views.StockCountEnterView.as_view(), name="stock_count_enter"),
    path(
        "counts/<int:pk>/add-line/",
        views.StockCountAddLineView.as_view(),
        name="stock_count_add_line",
    ),
    path(
        "counts/<int:pk>/submit/", views.StockCountSubmitView.as_view(), name="stock_count_submit"
    ),
    path(
        "counts/<int:pk>/reopen/", views.StockCountReopenView.as_view(), name="stock_count_reopen"
    ),
    path(
        "counts/<int:pk>/approve/",
        views.StockCountApproveView.as_view(),
        name="stock_count_approve",
    ),
    path(
        "counts/<int:pk>/cancel/", views.StockCountCancelView.as_view(), name="stock_count_cancel"
    ),
    path("counts/<int:pk>/print/", views.StockCountPrintView.as_view(), name="stock_count_print"),
    # reorder
    path("reorder/", views.ReorderView.as_view(), name="reorder"),
]
