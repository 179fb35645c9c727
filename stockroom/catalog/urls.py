from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "catalog"


def _crud(prefix: str, model: str, list_view, detail, create, update, delete) -> list:
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{model}_list"),
        path(f"{prefix}/new/", create.as_view(), name=f"{model}_create"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{model}_detail"),
        path(f"{prefix}/<int:pk>/edit/", update.as_view(), name=f"{model}_update"),
        path(f"{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{model}_delete"),
    ]


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalog:product_list"), name="index"),
    path("products/search/", views.ProductSearchView.as_view(), name="product_search"),
    *_crud(
        "products",
        "product",
        views.ProductListView,
        views.ProductDetailView,
        views.ProductCreateView,
        views.ProductUpdateView,
        views.ProductDeleteView,
    ),
    path(
        "products/<int:pk>/suppliers/new/",
        views.ProductSupplierCreateView.as_view(),
        name="product_supplier_create",
    ),
    path(
        "products/<int:pk>/suppliers/<int:link_pk>/edit/",
        views.ProductSupplierUpdateView.as_view(),
        name="product_supplier_update",
    ),
    path(
        "products/<int:pk>/suppliers/<int:link_pk>/delete/",
        views.ProductSupplierDeleteView.as_view(),
        name="product_supplier_delete",
    ),
    path(
        "categories/quick-create/",
        views.CategoryQuickCreateView.as_view(),
        name="category_quick_create",
    ),
    *_crud(
        "categories",
        "category",
        views.CategoryListView,
        views.CategoryDetailView,
        views.CategoryCreateView,
        views.CategoryUpdateView,
        views.CategoryDeleteView,
    ),
    *_crud(
        "suppliers",
        "supplier",
        views.SupplierListView,
        views.SupplierDetailView,
        views.SupplierCreateView,
        views.SupplierUpdateView,
        views.SupplierDeleteView,
    ),
    *_crud(
        "customers",
        "customer",
        views.CustomerListView,
        views.CustomerDetailView,
        views.CustomerCreateView,
        views.CustomerUpdateView,
        views.CustomerDeleteView,
    ),
]
