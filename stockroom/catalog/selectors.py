"""Reads of the catalog, always scoped to one organization."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from stockroom.accounts.models import Organization

from .models import Category, Customer, Product, ProductSupplier, Supplier

PRODUCT_ORDERINGS = frozenset(
    {"sku", "-sku", "name", "-name", "sale_price", "-sale_price", "category__name"}
)
CATEGORY_ORDERINGS = frozenset({"name", "-name", "product_count", "-product_count"})
PARTY_ORDERINGS = frozenset({"name", "-name", "contact_name", "-contact_name", "email", "-email"})


def _ordered(queryset: QuerySet, ordering: str, allowed: frozenset[str], default: str) -> QuerySet:
    """Order by a whitelisted field, with the primary key as a stable tie-breaker for paging."""
    ordering = ordering if ordering in allowed else default
    return queryset.order_by(ordering, "-pk" if ordering.startswith("-") else "pk")


def _category_pk(category: Category | int | None) -> int | None:
    return category.pk if isinstance(category, Category) else category


def _own_product_count() -> Coalesce:
    """How many products a category (the outer row) holds itself: counted per category from
    the index on the products' category, where a join grouped every product of the
    organization first (a scan of the whole product table for a page of categories)."""
    products = (
        Product.objects.filter(category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(products), 0)


def category_tree(
    *, organization: Organization, with_counts: bool = True
) -> list[tuple[Category, int]]:
    """Every category as (category, depth) in tree order, siblings by name, in one query.

    Each category carries `product_count` (its own products, not its subcategories') unless
    `with_counts` is false: a filter menu needs no counts, and they cost a pass over every
    product of the organization."""
    categories = Category.objects.for_organization(organization).order_by("name", "pk")
    if with_counts:
        categories = categories.annotate(product_count=_own_product_count())
    children: dict[int | None, list[Category]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    tree: list[tuple[Category, int]] = []
    stack = [(category, 0) for category in reversed(children[None])]
    seen: set[int] = set()
    while stack:
        category, depth = stack.pop()
        if category.pk in seen:  # a corrupt cycle must not loop forever
            continue
        seen.add(category.pk)
        tree.append((category, depth))
        stack.extend((child, depth + 1) for child in reversed(children[category.pk]))
    return tree


def category_descendant_ids(
    *,
    organization: Organization,
    category: Category | int,
    include_self: bool = False,
    categories: Iterable[Category] | None = None,
) -> set[int]:
    """Primary keys of every category below `category`: one query over the organization's
    parent links, or none when the caller already loaded all its `categories`."""
    root = category.pk if isinstance(category, Category) else category
    children: dict[int | None, list[int]] = defaultdict(list)
    links: Iterable[tuple[int, int | None]]
    if categories is not None:
        links = [(item.pk, item.parent_id) for item in categories]
    else:
        links = Category.objects.for_organization(organization).values_list("pk", "parent_id")
    for pk, parent_id in links:
        children[parent_id].append(pk)
    found: set[int] = {root} if include_self else set()
    pending = list(children[root])
    while pending:
        pk = pending.pop()
        if pk in found or pk == root:
            continue
        found.add(pk)
        pending.extend(children[pk])
    return found


def category_list(
    *, organization: Organization, search: str = "", ordering: str = "name"
) -> QuerySet[Category]:
    """Categories matching `search` with their parent and own product count."""
    queryset = (
        Category.objects.for_organization(organization)
        .select_related("parent")
        .annotate(product_count=_own_product_count())
    )
    if search := search.strip():
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return _ordered(queryset, ordering, CATEGORY_ORDERINGS, "name")


def category_detail(*, organization: Organization, pk: int) -> Category:
    """One category with its parent and children; DoesNotExist outside the organization."""
    children = Category.objects.for_organization(organization).annotate(
        product_count=_own_product_count()
    )
    return (
        Category.objects.for_organization(organization)
        .select_related("parent")
        .prefetch_related(Prefetch("children", queryset=children.order_by("name")))
        .get(pk=pk)
    )


STOCK_LOW = "low"
STOCK_OUT = "out"


def product_list(
    *,
    organization: Organization,
    search: str = "",
    category: Category | int | None = None,
    include_descendants: bool = True,
    active: bool | None = None,
    ordering: str = "sku",
    categories: Iterable[Category] | None = None,
    with_category: bool = True,
    stock: str = "",
) -> QuerySet[Product]:
    """Products of the organization, filtered and ordered by a whitelisted field.

    `stock`: STOCK_LOW (available at or below a positive reorder point), STOCK_OUT (nothing
    available) or "" (any), read from the products' maintained totals.

    `categories`: all the organization's categories when the caller has them already (a list
    page's filter does), so that finding the descendants costs no query. `with_category`:
    load each product's category with it (a list that shows only the category id does not)."""
    queryset = Product.objects.for_organization(organization)
    if with_category:
        queryset = queryset.select_related("category")
    if search := search.strip():
        queryset = queryset.filter(
            Q(sku__icontains=search) | Q(name__icontains=search) | Q(barcode__icontains=search)
        )
    if category is not None:
        if include_descendants:
            ids = category_descendant_ids(
                organization=organization,
                category=category,
                include_self=True,
                categories=categories,
            )
            queryset = queryset.filter(category_id__in=ids)
        else:
            queryset = queryset.filter(category_id=_category_pk(category))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return _ordered(products_by_stock(queryset, stock), ordering, PRODUCT_ORDERINGS, "sku")


def products_by_stock(queryset: QuerySet[Product], stock: str) -> QuerySet[Product]:
    """`queryset` narrowed to STOCK_LOW or STOCK_OUT products (see product_list); "" keeps all."""
    if stock == STOCK_LOW:
        return queryset.alias(available=F("stock_on_hand") - F("stock_reserved")).filter(
            reorder_point__gt=0, available__lte=F("reorder_point")
        )
    if stock == STOCK_OUT:
        return queryset.filter(stock_on_hand__lte=F("stock_reserved"))
    return queryset


PRODUCT_SEARCH_LIMIT = 20


def product_search(
    *, organization: Organization, search: str, limit: int = PRODUCT_SEARCH_LIMIT
) -> list[Product]:
    """At most `limit` active products whose SKU, name or barcode contains `search`, by SKU:
    what a product picker offers (one query; nothing for blank text)."""
    if not search.strip():
        return []
    return list(product_list(organization=organization, search=search, active=True)[:limit])


def product_detail(*, organization: Organization, pk: int) -> Product:
    """One product with its category and supplier links (preferred first); DoesNotExist if it
    is not the organization's."""
    links = (
        ProductSupplier.objects.for_organization(organization)
        .select_related("supplier")
        .order_by("-is_preferred", "supplier__name")
    )
    return (
        Product.objects.for_organization(organization)
        .select_related("category", "category__parent")
        .prefetch_related(Prefetch("supplier_links", queryset=links))
        .get(pk=pk)
    )


def _party_list(
    model: type[Supplier] | type[Customer],
    *,
    organization: Organization,
    search: str,
    active: bool | None,
    ordering: str,
) -> QuerySet:
    queryset = model.objects.for_organization(organization)
    if search := search.strip():
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(contact_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
        )
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return _ordered(queryset, ordering, PARTY_ORDERINGS, "name")


def supplier_list(
    *,
    organization: Organization,
    search: str = "",
    active: bool | None = None,
    ordering: str = "name",
) -> QuerySet[Supplier]:
    """Suppliers matching `search` (name, contact, email, phone), with their product count."""
    return _party_list(
        Supplier, organization=organization, search=search, active=active, ordering=ordering
    ).annotate(product_count=Count("product_links"))


def supplier_detail(*, organization: Organization, pk: int) -> Supplier:
    """One supplier with its product links; DoesNotExist if not the organization's."""
    links = (
        ProductSupplier.objects.for_organization(organization)
        .select_related("product")
        .order_by("product__sku")
    )
    return (
        Supplier.objects.for_organization(organization)
        .prefetch_related(Prefetch("product_links", queryset=links))
        .get(pk=pk)
    )


def customer_list(
    *,
    organization: Organization,
    search: str = "",
    active: bool | None = None,
    ordering: str = "name",
) -> QuerySet[Customer]:
    """Customers matching `search` (name, contact, email, phone)."""
    return _party_list(
        Customer, organization=organization, search=search, active=active, ordering=ordering
    )
