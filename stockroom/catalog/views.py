"""Catalog pages. Thin: forms validate, selectors read, services write."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    TemplateView,
    UpdateView,
    View,
)

from stockroom.accounts.permissions import MemberRequiredMixin, TenantObjectMixin
from stockroom.accounts.roles import Action
from stockroom.core.exceptions import ApplicationError
from stockroom.core.ids import parse_id
from stockroom.core.lists import PAGE_SIZE, ListPageView
from stockroom.core.pagination import CappedCountPaginator
from stockroom.core.reversing import url_for_pk
from stockroom.core.views import ServiceFormMixin

from . import selectors, services
from .forms import (
    CategoryFilterForm,
    CategoryForm,
    CustomerForm,
    PartyFilterForm,
    ProductFilterForm,
    ProductForm,
    ProductSupplierForm,
    SupplierForm,
)
from .models import Category, Customer, Product, ProductSupplier, Supplier

# --- shared plumbing ------------------------------------------------------------------------------


class SelectorDetailView(TenantObjectMixin, DetailView):
    """A detail page whose object comes from a selector (which owns the prefetching)."""

    def select(self, pk: int):
        raise NotImplementedError

    def get_object(self, queryset=None):
        try:
            return self.select(self.kwargs["pk"])
        except self.model.DoesNotExist:
            raise Http404 from None


class CatalogFormMixin(ServiceFormMixin, TenantObjectMixin):
    """Create and update pages: only roles that manage the catalog may open or submit them.

    ServiceFormMixin comes first so that its `form_valid` (the service call) replaces
    TenantObjectMixin's: the forms already place new rows in the organization and the services
    take it explicitly."""

    read_action = Action.MANAGE_CATALOG
    write_action = Action.MANAGE_CATALOG
    # Typed as TemplateResponseMixin types it: the views combine this mixin with that class.
    template_name: str | None = "catalog/object_form.html"
    saved_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            verbose_name=self.model._meta.verbose_name,
            cancel_url=self.get_cancel_url(),
            **kwargs,
        )

    def get_cancel_url(self) -> str:
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk:
            return obj.get_absolute_url()
        return reverse(f"catalog:{self.model._meta.model_name}_list")

    def redirect_after(self, form):
        messages.success(self.request, self.saved_message % {"name": self.object})
        return super().redirect_after(form)


class CatalogDeleteView(ServiceFormMixin, TenantObjectMixin, DeleteView):
    """Confirm on GET, delete on POST through the service; a refusal shows on the page.

    ServiceFormMixin comes first: its `form_valid` replaces TenantObjectMixin's, which is for
    model forms (the confirmation form has no instance)."""

    read_action = Action.MANAGE_CATALOG
    write_action = Action.MANAGE_CATALOG
    template_name = "catalog/confirm_delete.html"

    def delete_with_service(self, obj) -> None:
        raise NotImplementedError

    def perform(self, form):
        name = str(self.object)
        self.delete_with_service(self.object)
        messages.success(self.request, _("“%(name)s” was deleted.") % {"name": name})

    def get_success_url(self):
        return reverse(f"catalog:{self.model._meta.model_name}_list")

    def form_invalid(self, form):
        # 409 Conflict, as the warehouse and location deletes answer: the record is in use.
        return self.render_to_response(self.get_context_data(form=form), status=409)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            verbose_name=self.model._meta.verbose_name,
            model_name=self.model._meta.model_name,
            **kwargs,
        )


# --- categories ----------------------------------------------------------------------------------


class CategoryListView(TenantObjectMixin, ListPageView):
    model = Category
    template_name = "catalog/category_list.html"
    filter_form_class = CategoryFilterForm
    partial_template_name = "catalog/partials/category_table.html"

    def get_queryset(self):
        form, organization = self.filter_form, self.request.organization
        self.as_tree = form.ordering == "tree" and not form.search
        if self.as_tree:
            return selectors.category_tree(organization=organization)
        return selectors.category_list(
            organization=organization, search=form.search, ordering=form.ordering
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        context["as_tree"] = self.as_tree
        pairs = rows if self.as_tree else [(category, 0) for category in rows]
        context["rows"] = [
            {"category": category, "depth": depth, "indent": "— " * depth}
            for category, depth in pairs
        ]
        return context


class CategoryDetailView(SelectorDetailView):
    model = Category

    def select(self, pk):
        return selectors.category_detail(organization=self.request.organization, pk=pk)

    def get_context_data(self, **kwargs):
        products = selectors.product_list(
            organization=self.request.organization,
            category=self.object,
            include_descendants=False,
            active=None,
        )
        return super().get_context_data(
            products=products[:PAGE_SIZE], product_total=products.count(), **kwargs
        )


class CategoryCreateView(CatalogFormMixin, CreateView):
    model = Category
    form_class = CategoryForm
    saved_message = gettext_lazy("Category “%(name)s” was created.")

    def get_initial(self):
        parent = parse_id(self.request.GET.get("parent"))
        return {"parent": parent} if parent else {}

    def perform(self, form):
        return services.category_create(organization=self.request.organization, **form.cleaned_data)


QUICK_CATEGORY_FORM_ID = "category-quick-form"


def quick_category_form(request, data=None) -> CategoryForm:
    """The category form shown inside the product form. Its fields belong to a separate <form>
    (HTML forms cannot nest) through the `form` attribute, so Enter in them and the product
    form's own submit never mix the two; the prefix keeps its names apart from the product's."""
    form = CategoryForm(data, organization=request.organization, prefix="category")
    del form.fields["description"]
    # Two fields labelled "Name" on one page would be ambiguous to screen readers.
    form.fields["name"].label = _("Category name")
    for field in form.fields.values():
        field.widget.attrs["form"] = QUICK_CATEGORY_FORM_ID
    return form


class CategoryQuickCreateView(MemberRequiredMixin, View):
    """The "New category" block of the product form (htmx): creates a category and answers the
    block again plus the product form's Category select, out of band, with the new one selected.
    Errors come back in the block only, so nothing typed in the product form is lost."""

    read_action = Action.MANAGE_CATALOG
    write_action = Action.MANAGE_CATALOG
    template_name = "catalog/partials/category_quick_create.html"

    def get(self, request):
        return self.render(quick_category_form(request))

    def post(self, request):
        form = quick_category_form(request, request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            category = services.category_create(
                organization=request.organization, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render(form)
        product_form = ProductForm(
            organization=request.organization, initial={"category": category}
        )
        # Only the select is swapped: the product form keeps whatever the user already typed.
        product_form.fields["category"].widget.attrs["hx-swap-oob"] = "true"
        return self.render(
            quick_category_form(request),
            created=category,
            category_field=product_form["category"],
        )

    def render(self, form, **context):
        context.setdefault("quick_category_form_id", QUICK_CATEGORY_FORM_ID)
        return TemplateResponse(
            self.request, self.template_name, {"quick_category_form": form, **context}
        )


class CategoryUpdateView(CatalogFormMixin, UpdateView):
    model = Category
    form_class = CategoryForm
    saved_message = gettext_lazy("Category “%(name)s” was saved.")

    def perform(self, form):
        return services.category_update(
            organization=self.request.organization, category=self.object, **form.cleaned_data
        )


class CategoryDeleteView(CatalogDeleteView):
    model = Category

    def delete_with_service(self, obj):
        services.category_delete(organization=self.request.organization, category=obj)


# --- products ------------------------------------------------------------------------------------


class ProductListView(TenantObjectMixin, ListPageView):
    model = Product
    template_name = "catalog/product_list.html"
    filter_form_class = ProductFilterForm
    partial_template_name = "catalog/partials/product_table.html"
    # 100,000 products: counting past 10,000 costs more than the page.
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        form = self.filter_form
        return selectors.product_list(
            organization=self.request.organization,
            search=form.search,
            category=form.value_of("category"),
            active=form.active_value,
            ordering=form.ordering,
            categories=[category for category, _depth in form.category_tree],
            stock=form.value_of("stock", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        detail, edit = url_for_pk("catalog:product_detail"), url_for_pk("catalog:product_update")
        category = url_for_pk("catalog:category_detail")
        context["rows"] = [
            {
                "product": product,
                "url": detail(product.pk),
                "edit_url": edit(product.pk),
                "category_url": category(product.category_id) if product.category_id else "",
            }
            for product in context["page_obj"]
        ]
        context["can_manage"] = self.request.membership.can(Action.MANAGE_CATALOG)
        return context


class ProductDetailView(SelectorDetailView):
    model = Product

    def select(self, pk):
        return selectors.product_detail(organization=self.request.organization, pk=pk)


class ProductSearchView(MemberRequiredMixin, TemplateView):
    """htmx: the options of a product picker (stockroom.catalog.widgets.ProductPicker), the
    organization's active products matching `q`, at most PRODUCT_SEARCH_LIMIT of them."""

    template_name = "catalog/partials/product_options.html"

    def get_context_data(self, **kwargs):
        search = self.request.GET.get("q", "").strip()[:100]
        products = selectors.product_search(organization=self.request.organization, search=search)
        return super().get_context_data(search=search, products=products, **kwargs)


class ProductFormPageMixin:
    """Product create and update pages offer "New category" to the roles that may use it."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quick_category_form=quick_category_form(self.request),
            quick_category_form_id=QUICK_CATEGORY_FORM_ID,
            **kwargs,
        )


class ProductCreateView(ProductFormPageMixin, CatalogFormMixin, CreateView):
    model = Product
    form_class = ProductForm
    saved_message = gettext_lazy("Product “%(name)s” was created.")

    def get_initial(self):
        category = parse_id(self.request.GET.get("category"))
        return {"category": category} if category else {}

    def perform(self, form):
        return services.product_create(organization=self.request.organization, **form.cleaned_data)


class ProductUpdateView(ProductFormPageMixin, CatalogFormMixin, UpdateView):
    model = Product
    form_class = ProductForm
    saved_message = gettext_lazy("Product “%(name)s” was saved.")

    def perform(self, form):
        return services.product_update(
            organization=self.request.organization, product=self.object, data=form.cleaned_data
        )


class ProductDeleteView(CatalogDeleteView):
    model = Product

    def delete_with_service(self, obj):
        services.product_delete(organization=self.request.organization, product=obj)


class ProductSupplierMixin(CatalogFormMixin):
    """Pages under one product that link it to a supplier."""

    model = ProductSupplier
    # Typed as FormMixin types it: the views combine this mixin with that class.
    form_class: type[ProductSupplierForm] | None = ProductSupplierForm
    saved_message = gettext_lazy("Supplier link “%(name)s” was saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.organization is not None:
            self.product = get_object_or_404(
                Product.objects.for_organization(request.organization), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_product=self.product, **kwargs)

    def get_cancel_url(self) -> str:
        return self.product.get_absolute_url()

    def get_success_url(self):
        return self.product.get_absolute_url()

    def perform(self, form):
        return services.product_supplier_set(
            organization=self.request.organization, product=self.product, **form.cleaned_data
        )


class ProductSupplierCreateView(ProductSupplierMixin, CreateView):
    pass


class ProductSupplierUpdateView(ProductSupplierMixin, UpdateView):
    pk_url_kwarg = "link_pk"

    def get_queryset(self):
        return ProductSupplier.objects.for_organization(self.request.organization).filter(
            product=self.product
        )

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["supplier"].disabled = True  # another supplier is another link
        return form


class ProductSupplierDeleteView(MemberRequiredMixin, View):
    http_method_names = ["post"]
    write_action = Action.MANAGE_CATALOG

    def post(self, request, *args, **kwargs):
        link = get_object_or_404(
            ProductSupplier.objects.for_organization(request.organization).select_related(
                "product", "supplier"
            ),
            product_id=kwargs["pk"],
            pk=kwargs["link_pk"],
        )
        try:
            services.product_supplier_remove(organization=request.organization, link=link)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(supplier)s no longer supplies this product.") % {"supplier": link.supplier},
            )
        return HttpResponseRedirect(link.product.get_absolute_url())


# --- suppliers and customers ---------------------------------------------------------------------


class PartyListView(TenantObjectMixin, ListPageView):
    """Suppliers and customers are listed alike: search, status and sort, read by `select`."""

    model: type[Supplier] | type[Customer]
    filter_form_class = PartyFilterForm

    def select(self, **filters):
        raise NotImplementedError

    def get_queryset(self):
        form = self.filter_form
        return self.select(
            organization=self.request.organization,
            search=form.search,
            active=form.active_value,
            ordering=form.ordering,
        )


class SupplierListView(PartyListView):
    model = Supplier
    template_name = "catalog/supplier_list.html"
    partial_template_name = "catalog/partials/supplier_table.html"

    def select(self, **filters):
        return selectors.supplier_list(**filters)


class SupplierDetailView(SelectorDetailView):
    model = Supplier

    def select(self, pk):
        return selectors.supplier_detail(organization=self.request.organization, pk=pk)


class SupplierCreateView(CatalogFormMixin, CreateView):
    model = Supplier
    form_class = SupplierForm
    saved_message = gettext_lazy("Supplier “%(name)s” was created.")

    def perform(self, form):
        return services.supplier_create(organization=self.request.organization, **form.cleaned_data)


class SupplierUpdateView(CatalogFormMixin, UpdateView):
    model = Supplier
    form_class = SupplierForm
    saved_message = gettext_lazy("Supplier “%(name)s” was saved.")

    def perform(self, form):
        return services.supplier_update(
            organization=self.request.organization, supplier=self.object, data=form.cleaned_data
        )


class SupplierDeleteView(CatalogDeleteView):
    model = Supplier

    def delete_with_service(self, obj):
        services.supplier_delete(organization=self.request.organization, supplier=obj)


class CustomerListView(PartyListView):
    model = Customer
    template_name = "catalog/customer_list.html"
    partial_template_name = "catalog/partials/customer_table.html"

    def select(self, **filters):
        return selectors.customer_list(**filters)


class CustomerDetailView(TenantObjectMixin, DetailView):
    model = Customer


class CustomerCreateView(CatalogFormMixin, CreateView):
    model = Customer
    form_class = CustomerForm
    saved_message = gettext_lazy("Customer “%(name)s” was created.")

    def perform(self, form):
        return services.customer_create(organization=self.request.organization, **form.cleaned_data)


class CustomerUpdateView(CatalogFormMixin, UpdateView):
    model = Customer
    form_class = CustomerForm
    saved_message = gettext_lazy("Customer “%(name)s” was saved.")

    def perform(self, form):
        return services.customer_update(
            organization=self.request.organization, customer=self.object, data=form.cleaned_data
        )


class CustomerDeleteView(CatalogDeleteView):
    model = Customer

    def delete_with_service(self, obj):
        services.customer_delete(organization=self.request.organization, customer=obj)
