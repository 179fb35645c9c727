from decimal import Decimal

import pytest

from stockroom.catalog import selectors
from stockroom.catalog.models import Product
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(organization):
    """Tools > (Hammers > Claw, Saws); Garden; in another organization: Tools."""
    tools = CategoryFactory(organization=organization, name="Tools")
    hammers = CategoryFactory(organization=organization, name="Hammers", parent=tools)
    claw = CategoryFactory(organization=organization, name="Claw", parent=hammers)
    saws = CategoryFactory(organization=organization, name="Saws", parent=tools)
    garden = CategoryFactory(organization=organization, name="Garden")
    return {"tools": tools, "hammers": hammers, "claw": claw, "saws": saws, "garden": garden}


def test_category_tree_is_in_tree_order_from_one_query(
    organization, other_organization, tree, django_assert_num_queries
):
    CategoryFactory(organization=other_organization, name="Alien")
    ProductFactory(organization=organization, category=tree["claw"])

    with django_assert_num_queries(1):
        rows = selectors.category_tree(organization=organization)

    assert [(category.name, depth) for category, depth in rows] == [
        ("Garden", 0),
        ("Tools", 0),
        ("Hammers", 1),
        ("Claw", 2),
        ("Saws", 1),
    ]
    assert [category.product_count for category, _ in rows] == [0, 0, 0, 1, 0]


def test_category_descendant_ids(organization, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        below = selectors.category_descendant_ids(organization=organization, category=tree["tools"])

    assert below == {tree["hammers"].pk, tree["claw"].pk, tree["saws"].pk}
    assert selectors.category_descendant_ids(
        organization=organization, category=tree["hammers"], include_self=True
    ) == {tree["hammers"].pk, tree["claw"].pk}
    assert (
        selectors.category_descendant_ids(organization=organization, category=tree["garden"])
        == set()
    )


@pytest.fixture
def products(organization, other_organization, tree):
    def ours(sku: str, name: str, sale_price: str, **fields) -> Product:
        return ProductFactory(
            organization=organization, sku=sku, name=name, sale_price=Decimal(sale_price), **fields
        )

    return {
        "hammer": ours("HAM-1", "Claw hammer", "12.00", category=tree["claw"]),
        "saw": ours("SAW-1", "Hand saw", "20.00", category=tree["saws"], barcode="5012345678900"),
        "rake": ours("RAK-1", "Leaf rake", "8.00", category=tree["garden"], is_active=False),
        "loose": ours("ABC-1", "Loose", "1.00"),
        "alien": ProductFactory(organization=other_organization, sku="HAM-9", name="Hammer"),
    }


def _skus(queryset) -> list[str]:
    return [product.sku for product in queryset]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, ["ABC-1", "HAM-1", "RAK-1", "SAW-1"], id="all-by-sku"),
        pytest.param({"search": "ham"}, ["HAM-1"], id="search-sku-and-name"),
        pytest.param({"search": "LEAF"}, ["RAK-1"], id="search-name-case-insensitive"),
        pytest.param({"search": "501234"}, ["SAW-1"], id="search-barcode"),
        pytest.param({"active": True}, ["ABC-1", "HAM-1", "SAW-1"], id="active"),
        pytest.param({"active": False}, ["RAK-1"], id="inactive"),
        pytest.param({"ordering": "-sku"}, ["SAW-1", "RAK-1", "HAM-1", "ABC-1"], id="sku-desc"),
        pytest.param({"ordering": "name"}, ["HAM-1", "SAW-1", "RAK-1", "ABC-1"], id="name"),
        pytest.param(
            {"ordering": "-sale_price"}, ["SAW-1", "HAM-1", "RAK-1", "ABC-1"], id="price-desc"
        ),
        pytest.param(
            {"ordering": "pk; DROP TABLE"}, ["ABC-1", "HAM-1", "RAK-1", "SAW-1"], id="bad-ordering"
        ),
    ],
)
def test_product_list_filters(organization, products, kwargs, expected):
    assert _skus(selectors.product_list(organization=organization, **kwargs)) == expected


def test_product_list_by_category_with_and_without_descendants(organization, tree, products):
    with_children = selectors.product_list(organization=organization, category=tree["tools"])
    only_own = selectors.product_list(
        organization=organization, category=tree["tools"], include_descendants=False
    )
    by_pk = selectors.product_list(organization=organization, category=tree["hammers"].pk)

    assert _skus(with_children) == ["HAM-1", "SAW-1"]
    assert _skus(only_own) == []
    assert _skus(by_pk) == ["HAM-1"]


def test_product_list_orders_by_category_name(organization, products):
    rows = selectors.product_list(organization=organization, ordering="category__name")
    # NULL categories sort first on SQLite and last on PostgreSQL: compare the named ones.
    named = [product.sku for product in rows if product.category_id]

    assert named == ["HAM-1", "RAK-1", "SAW-1"]


def test_product_list_loads_categories_in_the_same_query(
    organization, products, django_assert_num_queries
):
    with django_assert_num_queries(1):
        names = [
            product.category.name if product.category else None
            for product in selectors.product_list(organization=organization)
        ]

    assert names == [None, "Claw", "Garden", "Saws"]


def test_product_detail_prefetches_suppliers(organization, django_assert_num_queries):
    product = ProductFactory(organization=organization)
    ProductSupplierFactory(
        organization=organization,
        product=product,
        supplier=SupplierFactory(organization=organization, name="Zeta"),
        is_preferred=True,
    )
    ProductSupplierFactory(
        organization=organization,
        product=product,
        supplier=SupplierFactory(organization=organization, name="Alpha"),
    )

    with django_assert_num_queries(2):
        loaded = selectors.product_detail(organization=organization, pk=product.pk)
        names = [link.supplier.name for link in loaded.supplier_links.all()]

    assert names == ["Zeta", "Alpha"]


def test_product_detail_of_another_organization_does_not_exist(organization, other_organization):
    foreign = ProductFactory(organization=other_organization)

    with pytest.raises(Product.DoesNotExist):
        selectors.product_detail(organization=organization, pk=foreign.pk)


def test_supplier_list_search_ordering_and_counts(organization, other_organization):
    acme = SupplierFactory(organization=organization, name="Acme", contact_name="Wile")
    SupplierFactory(organization=organization, name="Bolt", email="x@bolt.example")
    SupplierFactory(organization=other_organization, name="Acme")
    ProductSupplierFactory(organization=organization, supplier=acme)

    rows = selectors.supplier_list(organization=organization, ordering="-name")

    assert [(supplier.name, supplier.product_count) for supplier in rows] == [
        ("Bolt", 0),
        ("Acme", 1),
    ]
    assert [s.name for s in selectors.supplier_list(organization=organization, search="wile")] == [
        "Acme"
    ]
    assert [
        s.name for s in selectors.supplier_list(organization=organization, search="BOLT.ex")
    ] == ["Bolt"]


def test_customer_list_search_and_active(organization, other_organization):
    CustomerFactory(organization=organization, name="Initech", phone="555-0101")
    CustomerFactory(organization=organization, name="Hooli", is_active=False)
    CustomerFactory(organization=other_organization, name="Initrode")

    assert [c.name for c in selectors.customer_list(organization=organization)] == [
        "Hooli",
        "Initech",
    ]
    assert [c.name for c in selectors.customer_list(organization=organization, search="0101")] == [
        "Initech"
    ]
    assert [c.name for c in selectors.customer_list(organization=organization, active=False)] == [
        "Hooli"
    ]


def test_category_list_search_and_counts(organization, tree, products):
    rows = selectors.category_list(organization=organization, search="a", ordering="-name")

    assert [(c.name, c.parent.name if c.parent else None, c.product_count) for c in rows] == [
        ("Saws", "Tools", 1),
        ("Hammers", "Tools", 0),
        ("Garden", None, 1),
        ("Claw", "Hammers", 1),
    ]


def test_product_list_reuses_loaded_categories(
    organization, tree, products, django_assert_num_queries
):
    categories = [
        category for category, _depth in selectors.category_tree(organization=organization)
    ]

    with django_assert_num_queries(1):
        rows = list(
            selectors.product_list(
                organization=organization, category=tree["tools"], categories=categories
            )
        )

    assert [product.sku for product in rows] == ["HAM-1", "SAW-1"]


def test_category_counts_are_own_products_of_every_state_by_count_order(
    organization, tree, django_assert_num_queries
):
    for _ in range(3):
        ProductFactory(organization=organization, category=tree["saws"])
    ProductFactory(organization=organization, category=tree["saws"], is_active=False)
    ProductFactory(organization=organization, category=tree["claw"])
    ProductFactory(organization=organization, category=None)

    with django_assert_num_queries(1):
        rows = [
            (category.name, category.product_count)
            for category in selectors.category_list(
                organization=organization, ordering="-product_count"
            )
        ]
    detail = selectors.category_detail(organization=organization, pk=tree["tools"].pk)

    # Counted per category as before: inactive products too, subcategories' not.
    assert rows == [("Saws", 4), ("Claw", 1), ("Garden", 0), ("Hammers", 0), ("Tools", 0)]
    assert [(child.name, child.product_count) for child in detail.children.all()] == [
        ("Hammers", 0),
        ("Saws", 4),
    ]
