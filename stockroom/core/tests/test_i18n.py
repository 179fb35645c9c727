"""Internationalization: the Spanish catalog is complete, current and compiled; the Spanish UI
shows no English; the language switcher remembers a signed-in user's choice; pages show times
in the organization's time zone and numbers in the language's notation."""

import ast
import gettext
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from html.parser import HTMLParser

import polib
import pytest

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from stockroom.accounts.models import User
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from stockroom.alerts.models import Notification
from stockroom.catalog.models import UnitOfMeasure
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
)
from stockroom.imports.tests.factories import ExportJobFactory, ImportJobFactory
from stockroom.inventory import services as inventory_services
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders import services as order_services

LOCALE_DIR = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")

# --- the catalog -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def spanish_po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_spanish_catalog_has_no_untranslated_or_fuzzy_entries():
    po = spanish_po()
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100
    assert len(po) > 900


def test_spanish_translations_keep_every_placeholder():
    wrong = []
    for entry in spanish_po():
        if entry.msgid_plural:
            expected = set(PLACEHOLDER.findall(entry.msgid_plural))
            forms = entry.msgstr_plural.values()
            if any(set(PLACEHOLDER.findall(form)) != expected for form in forms):
                wrong.append(entry.msgid)
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            wrong.append(entry.msgid)
    assert wrong == []


def test_committed_mo_matches_the_po(tmp_path):
    """`make run` needs no gettext tools: the committed .mo must be compiled from today's .po.
    Compare the catalogs' messages (not bytes: msgfmt and polib lay files out differently)."""
    fresh = tmp_path / "django.mo"
    spanish_po().save_as_mofile(str(fresh))
    with MO_PATH.open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalog = gettext.GNUTranslations(committed)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog
    committed_catalog.pop("", None)
    compiled_catalog.pop("", None)
    assert committed_catalog == compiled_catalog, (
        "locale/es/LC_MESSAGES/django.mo is out of date: run `manage.py compilemessages` "
        "(or `manage.py compile_translations` without gettext) and commit it"
    )


def test_compile_translations_check_passes_on_the_committed_catalogs():
    out = io.StringIO()

    call_command("compile_translations", "--check", stdout=out)

    assert out.getvalue() == "1 compiled catalog(s) up to date\n"


def test_compile_translations_check_fails_on_a_stale_mo(settings, tmp_path):
    messages = tmp_path / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Save", msgstr="Guardar"))
    po.save(str(messages / "django.po"))
    po.save_as_mofile(str(messages / "django.mo"))
    po[0].msgstr = "Salvar"
    po.save(str(messages / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]

    with pytest.raises(CommandError, match="Out of date"):
        call_command("compile_translations", "--check")
    call_command("compile_translations", stdout=io.StringIO())
    call_command("compile_translations", "--check", stdout=io.StringIO())


TEMPLATE_TRANSLATE = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<ctx>.*?)(?P=cq))?"""
)
GETTEXT_CALLS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
}


def _source_msgids() -> set[tuple[str | None, str]]:
    """The literal msgids of {% translate %} tags and gettext calls in our code."""
    found: set[tuple[str | None, str]] = set()
    for path in (settings.BASE_DIR / "templates").rglob("*.*"):
        if path.suffix in (".html", ".txt"):
            for match in TEMPLATE_TRANSLATE.finditer(path.read_text()):
                # Django doubles a literal % of a template string, in the catalog and at run time.
                found.add((match["ctx"], match["msgid"].replace("%", "%%")))
    for root in ("stockroom", "config"):
        for path in (settings.BASE_DIR / root).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                if node.func.id not in GETTEXT_CALLS:
                    continue
                context_at, msgid_at = GETTEXT_CALLS[node.func.id]
                args = node.args
                if len(args) <= msgid_at or not isinstance(args[msgid_at], ast.Constant):
                    continue
                context = None
                if context_at is not None and isinstance(args[context_at], ast.Constant):
                    context = args[context_at].value
                if isinstance(args[msgid_at].value, str):
                    found.add((context, args[msgid_at].value))
    return found


def test_every_marked_string_is_in_the_spanish_catalog():
    """Fails when a string was marked but `makemessages -l es` was not run and translated."""
    catalog = {(entry.msgctxt, entry.msgid) for entry in spanish_po()}
    missing = sorted(
        f"{context}|{msgid}" if context else msgid
        for context, msgid in _source_msgids() - catalog
        if msgid.strip()
    )
    assert missing == [], "run `manage.py makemessages -l es` and translate these"


# --- the Spanish UI ----------------------------------------------------------------------------

# English words a page must never show once it is in Spanish (whole words, case-sensitive).
ENGLISH_UI_WORDS = {
    "Search", "Save", "Delete", "Edit", "Cancel", "Products", "Product", "Warehouse",
    "Warehouses", "Quantity", "Location", "Locations", "Orders", "Purchase", "Sales", "Stock",
    "Movements", "Dashboard", "Notifications", "Team", "Settings", "Name", "Status", "Filter",
    "Export", "Import", "Submit", "Receive", "Transfer", "Adjust", "Available", "Reserved",
    "Supplier", "Suppliers", "Customer", "Customers", "Category", "Categories", "Price", "Draft",
    "Next", "Previous", "Page", "Password", "Reports", "New", "Add", "Remove", "Actions",
    "Lines", "Reference", "Reason", "Lot", "Unit", "Count", "Counts", "Members", "Role",
    "the", "and", "of", "with", "your", "you", "this", "is", "are", "for", "from", "yet",
}  # fmt: skip
# Words that are the same in both languages, or are names and codes, not UI text.
NOT_ENGLISH = {"Stockroom", "English", "SKU", "CSV", "XLSX", "PDF", "JPEG", "PNG", "GIF"}
# Literal words of Spanish date formats (e.g. "j \d\e F \d\e Y"), not in any catalog.
FORMAT_WORDS = {"de", "a", "las", "del", "m", "p"}
WORD = re.compile(r"[^\W\d_]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


# Not text to translate: scripts, styles, and identifiers a user types (e.g. CSV column names).
SKIPPED_ELEMENTS = ("script", "style", "template", "code", "kbd", "samp")


class VisibleText(HTMLParser):
    """What a person sees or hears: text nodes and the labelling attributes, without scripts,
    styles and option labels that are just their codes (time zones, currencies)."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skip += 1
        if tag == "option":
            self._option_value = attributes.get("value")
        for name in self.ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS:
            self._skip = max(0, self._skip - 1)
        if tag == "option":
            self._option_value = None

    def handle_data(self, data):
        if self._skip or (self._option_value is not None and data.strip() == self._option_value):
            return
        self.parts.append(data)


def visible_text(content: str) -> str:
    parser = VisibleText()
    parser.feed(content)
    return " ".join(" ".join(parser.parts).split())


@lru_cache(maxsize=1)
def spanish_vocabulary() -> frozenset[str]:
    """Every word of every Spanish translation the site loads (ours, Django's, third parties')."""
    with translation.override("es"):
        catalog = translation.trans_real.translation("es")._catalog
        words = {
            word.lower()
            for _, text in catalog.items()
            if isinstance(text, str)
            for word in WORD.findall(text)
        }
    return frozenset(words | FORMAT_WORDS)


@lru_cache(maxsize=1)
def english_phrases() -> tuple[str, ...]:
    """Runs of three or more words of the catalog's English msgids whose Spanish differs."""
    phrases = set()
    for entry in spanish_po():
        if entry.msgstr == entry.msgid:
            continue
        for source in (entry.msgid, entry.msgid_plural):
            for segment in re.split(r"%\([a-z_]+\)[sd]|<[^>]+>|[“”\"().:;,!?…·]", source or ""):
                if len(segment.split()) >= 3:
                    phrases.add(" ".join(segment.split()))
    return tuple(sorted(phrases))


def english_on_page(content: str, user_data: list[str]) -> list[str]:
    """The English a Spanish page shows, with the organization's own data taken out."""
    text = EMAIL.sub(" ", visible_text(content))
    for value in sorted(user_data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\S*[/_]\S*", " ", text)  # paths, codes and time zone names
    found = [phrase for phrase in english_phrases() if phrase in text]
    words = set(WORD.findall(text)) - NOT_ENGLISH
    found += sorted(word for word in words if word in ENGLISH_UI_WORDS)
    found += sorted(
        word
        for word in words
        if word.lower() not in spanish_vocabulary() and word not in ENGLISH_UI_WORDS
    )
    return found


def _line(product, quantity: str, unit_price: str):
    return order_services.LineInput(
        product=product, quantity=Decimal(quantity), unit_price=Decimal(unit_price)
    )


@pytest.fixture
def spanish_world(db):
    """One organization in Mexico City with a little of everything, its data in Spanish names,
    and a manager who chose Spanish."""
    organization = OrganizationFactory(
        name="Ferretería Andina", time_zone="America/Mexico_City", currency="MXN"
    )
    user = UserFactory(full_name="Mariana Gómez", language="es")
    membership = MembershipFactory(user=user, organization=organization, role=Role.MANAGER)
    category = CategoryFactory(organization=organization, name="Tornillería")
    screw = ProductFactory(
        organization=organization,
        sku="TOR-M8",
        name="Tornillo hexagonal",
        category=category,
        reorder_point=Decimal("5"),
        reorder_quantity=Decimal("50"),
        cost_price=Decimal("2.5"),
    )
    milk = ProductFactory(
        organization=organization,
        sku="LEC-1L",
        name="Leche entera",
        unit=UnitOfMeasure.KILOGRAM,
        is_lot_tracked=True,
    )
    supplier = SupplierFactory(organization=organization, name="Distribuidora Norte")
    ProductSupplierFactory(
        organization=organization, product=screw, supplier=supplier, is_preferred=True
    )
    customer = CustomerFactory(organization=organization, name="Comercial Sur")
    warehouse = WarehouseFactory(organization=organization, code="CEN", name="Central")
    shelf = LocationFactory(organization=organization, warehouse=warehouse, code="A-01")
    LocationFactory(organization=organization, warehouse=warehouse, code="A-02", parent=shelf)
    # Everything below is done by the Spanish-speaking manager, in Spanish.
    acting = {"organization": organization, "user": user}
    with translation.override("es"):
        inventory_services.stock_receive(
            **acting,
            product=screw,
            location=shelf,
            quantity=Decimal("40"),
            occurred_at=datetime(2024, 3, 10, 23, 30, tzinfo=UTC),
        )
        inventory_services.stock_receive(
            **acting,
            product=milk,
            location=shelf,
            quantity=Decimal("2.5"),
            lot_number="L2401",
            expiry_date=date(2031, 1, 31),
        )
        purchase_order = order_services.purchase_order_create(
            **acting, supplier=supplier, lines=[_line(screw, "10", "2.5")]
        )
        order_services.purchase_order_send(order=purchase_order, user=user)
        sales_order = order_services.sales_order_create(
            **acting, customer=customer, lines=[_line(screw, "3", "9.9")]
        )
        order_services.sales_order_confirm(order=sales_order, user=user)
        count = order_services.stock_count_create(**acting, warehouse=warehouse, location=shelf)
    Notification.objects.create(
        organization=organization,
        recipient=user,
        kind=Notification._meta.get_field("kind").choices[0][0],
        title="Revisar tornillería",
        message="Quedan pocas unidades",
        dedupe_key="prueba",
    )
    import_job = ImportJobFactory(organization=organization, created_by=user)
    ExportJobFactory(organization=organization, created_by=user)
    user_data = [
        organization.name,
        user.full_name,
        user.get_short_name(),
        category.name,
        supplier.name,
        customer.name,
        warehouse.name,
        purchase_order.number,
        sales_order.number,
        count.number,
        import_job.original_filename,
        "Revisar tornillería",
        "Quedan pocas unidades",
        "Tornillo hexagonal",
        "Leche entera",
        "TOR-M8",
        "LEC-1L",
        "L2401",
        "CEN",
        "MXN",
    ]
    return {
        "membership": membership,
        "user": user,
        "product": screw,
        "warehouse": warehouse,
        "location": shelf,
        "purchase_order": purchase_order,
        "sales_order": sales_order,
        "count": count,
        "supplier": supplier,
        "customer": customer,
        "category": category,
        "import_job": import_job,
        "user_data": user_data,
    }


def _report_pages() -> list[tuple[str, str]]:
    """The reports pages, when the reports app has them."""
    try:
        reverse("reports:index")
        from stockroom.reports.definitions import REPORTS
    except (NoReverseMatch, ImportError):
        return []
    pages = [("reports", "reports:index")]
    pages += [(f"report {slug}", f"reports:report {slug}") for slug in REPORTS]
    return pages


MAIN_PAGES = [
    ("dashboard", "reports:dashboard"),
    ("products", "catalog:product_list"),
    ("product detail", "catalog:product_detail product"),
    ("product form", "catalog:product_create"),
    ("product edit form", "catalog:product_update product"),
    ("categories", "catalog:category_list"),
    ("category detail", "catalog:category_detail category"),
    ("suppliers", "catalog:supplier_list"),
    ("supplier detail", "catalog:supplier_detail supplier"),
    ("customers", "catalog:customer_list"),
    ("customer detail", "catalog:customer_detail customer"),
    ("warehouses", "inventory:warehouse_list"),
    ("warehouse detail", "inventory:warehouse_detail warehouse"),
    ("warehouse form", "inventory:warehouse_create"),
    ("locations", "inventory:location_list"),
    ("location detail", "inventory:location_detail location"),
    ("stock levels", "inventory:stock_levels"),
    ("movements", "inventory:movement_list"),
    ("receive form", "inventory:movement_receive"),
    ("issue form", "inventory:movement_issue"),
    ("transfer form", "inventory:movement_transfer"),
    ("adjust form", "inventory:movement_adjust"),
    ("purchase orders", "orders:purchase_order_list"),
    ("purchase order detail", "orders:purchase_order_detail purchase_order"),
    ("purchase order form", "orders:purchase_order_create"),
    ("purchase order receive", "orders:purchase_order_receive purchase_order"),
    ("purchase order print", "orders:purchase_order_print purchase_order"),
    ("sales orders", "orders:sales_order_list"),
    ("sales order detail", "orders:sales_order_detail sales_order"),
    ("sales order form", "orders:sales_order_create"),
    ("stock counts", "orders:stock_count_list"),
    ("stock count detail", "orders:stock_count_detail count"),
    ("stock count entry", "orders:stock_count_enter count"),
    ("stock count form", "orders:stock_count_create"),
    ("reorder suggestions", "orders:reorder"),
    ("team", "accounts:members"),
    ("profile", "accounts:profile"),
    ("organization settings", "accounts:organization_settings"),
    ("notifications", "alerts:notification_list"),
    ("imports", "imports:import_list"),
    ("import form", "imports:import_create"),
    ("import detail", "imports:import_detail import_job"),
    ("exports", "imports:export_list"),
    *_report_pages(),
]


def _url(spec: str, world: dict) -> str:
    name, _, argument = spec.partition(" ")
    if not argument:
        return reverse(name)
    if argument in world:
        return reverse(name, args=[world[argument].pk])
    return reverse(name, args=[argument])


@pytest.mark.parametrize("spec", [spec for _, spec in MAIN_PAGES], ids=[i for i, _ in MAIN_PAGES])
def test_spanish_page_shows_no_english(spec, spanish_world, member_client):
    world = spanish_world
    if world["membership"].role != Role.OWNER and spec == "accounts:organization_settings":
        world["membership"].role = Role.OWNER
        world["membership"].save(update_fields=["role"])
    client = member_client(world["membership"])

    response = client.get(_url(spec, world))

    assert response.status_code == 200
    content = response.content.decode()
    assert response.headers["Content-Language"] == "es"
    assert '<html lang="es">' in content
    english = english_on_page(content, world["user_data"])
    assert not english, f"English on the Spanish page: {english}"


@pytest.mark.parametrize("name", ["accounts:login", "accounts:signup", "accounts:password_reset"])
def test_spanish_public_page_shows_no_english(name, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = client.get(reverse(name))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Iniciar sesión" in content
    english = english_on_page(content, [])
    assert not english, f"English on the Spanish page: {english}"


def test_the_check_catches_an_unmarked_english_string():
    page = (
        "<html><body><h1>Productos</h1><button title='Buscar'>Buscar</button>"
        "<p>Stock on hand for Tornillo</p><script>var Search = 1;</script></body></html>"
    )

    found = english_on_page(page, ["Tornillo"])

    assert {"Stock", "for", "hand"} <= set(found)
    assert not {"Productos", "Buscar", "Search", "Tornillo"} & set(found)


def test_browser_language_picks_spanish_for_visitors(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")

    assert response.headers["Content-Language"] == "es"
    assert "¿Olvidó su contraseña?" in response.content.decode()


# --- the language switcher ---------------------------------------------------------------------


def test_switcher_saves_the_signed_in_users_language(spanish_world, member_client):
    user = spanish_world["user"]
    User.objects.filter(pk=user.pk).update(language="en")
    client = member_client(spanish_world["membership"])
    products = reverse("catalog:product_list")
    assert "Search" in client.get(products).content.decode()

    response = client.post(reverse("set_language"), {"language": "es", "next": products})

    assert response.status_code == 302
    assert response["Location"] == products
    assert User.objects.get(pk=user.pk).language == "es"
    page = client.get(products)
    assert page.headers["Content-Language"] == "es"
    assert "Buscar" in page.content.decode()


def test_saved_language_follows_the_user_to_a_new_browser(spanish_world, client):
    """A new device has no language cookie: logging in brings the user's saved language."""
    user = spanish_world["user"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("reports:dashboard"), follow=True)
    assert page.headers["Content-Language"] == "es"
    assert "Panel" in page.content.decode()


def test_switcher_works_for_visitors_and_saves_nothing(client, db):
    login = reverse("accounts:login")

    response = client.post(reverse("set_language"), {"language": "es", "next": login})

    assert response.status_code == 302
    assert response["Location"] == login
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Iniciar sesión" in client.get(login).content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"],
    ids=["absolute", "scheme-relative", "javascript"],
)
def test_switcher_refuses_to_redirect_off_site(next_url, client, db):
    response = client.post(reverse("set_language"), {"language": "es", "next": next_url})

    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert not response["Location"].startswith("javascript")


def test_switcher_is_post_only(spanish_world, member_client):
    client = member_client(spanish_world["membership"])

    response = client.get(reverse("set_language"), {"language": "en"})

    assert response.status_code == 405
    assert User.objects.get(pk=spanish_world["user"].pk).language == "es"


def test_switcher_needs_the_csrf_token(spanish_world, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(spanish_world["user"])

    response = csrf_client.post(reverse("set_language"), {"language": "en"})

    assert response.status_code == 403
    assert User.objects.get(pk=spanish_world["user"].pk).language == "es"


def test_switcher_ignores_an_unknown_language(spanish_world, member_client):
    client = member_client(spanish_world["membership"])

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert User.objects.get(pk=spanish_world["user"].pk).language == "es"


def test_sign_up_remembers_the_language_it_was_made_in(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Lucía Pérez",
            "email": "lucia@example.com",
            "organization_name": "Bodega Lucía",
            "password": "un-secreto-largo-2024",
            "password2": "un-secreto-largo-2024",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="lucia@example.com").language == "es"


# --- dates and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_zone", "shown"),
    [("America/Mexico_City", "10/03/2024 17:30"), ("Asia/Tokyo", "11/03/2024 08:30")],
    ids=["mexico-city", "tokyo"],
)
def test_dates_follow_the_organizations_time_zone(time_zone, shown, spanish_world, member_client):
    """The receipt was posted at 23:30 UTC on 10 March 2024."""
    organization = spanish_world["membership"].organization
    organization.time_zone = time_zone
    organization.save(update_fields=["time_zone"])
    client = member_client(spanish_world["membership"])

    content = client.get(reverse("inventory:movement_list")).content.decode()

    assert shown in content
    assert "10/03/2024 23:30" not in content


def test_numbers_use_the_languages_notation(spanish_world, member_client):
    client = member_client(spanish_world["membership"])
    product = spanish_world["product"]

    spanish = client.get(reverse("catalog:product_detail", args=[product.pk])).content.decode()
    User.objects.filter(pk=spanish_world["user"].pk).update(language="en")
    english = client.get(reverse("catalog:product_detail", args=[product.pk])).content.decode()

    assert "2,50" in spanish
    assert "2.50" in english


# --- emails ------------------------------------------------------------------------------------


def test_invitation_email_is_in_the_inviters_language(
    spanish_world, mailoutbox, django_capture_on_commit_callbacks
):
    from stockroom.accounts import services as account_services

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        account_services.invitation_create(
            actor=spanish_world["membership"], email="nuevo@example.com", role=Role.CLERK
        )

    assert mailoutbox[-1].subject == "Lo invitaron a unirse a Ferretería Andina en Stockroom"


def test_purchase_order_email_is_in_the_senders_language(spanish_world, mailoutbox):
    from stockroom.orders.tasks import send_purchase_order_email

    order = spanish_world["purchase_order"]
    order.supplier.email = "ventas@norte.example.com"
    order.supplier.save(update_fields=["email"])
    type(order).unscoped.filter(pk=order.pk).update(emailed_at=None)
    mailoutbox.clear()

    with translation.override("en"):
        assert send_purchase_order_email(order.organization_id, order.pk) is True

    number = order.number
    assert mailoutbox[-1].subject == f"Orden de compra {number} de Ferretería Andina"


def test_alerts_are_written_in_each_recipients_language(spanish_world):
    from stockroom.alerts import services as alert_services

    organization = spanish_world["membership"].organization
    english_owner = MembershipFactory(organization=organization, role=Role.OWNER)
    product = spanish_world["product"]
    product.reorder_point = Decimal("100")
    product.save(update_fields=["reorder_point"])

    with translation.override("en"):
        created = alert_services.notify_low_stock(
            organization_id=organization.pk, product_id=product.pk
        )

    titles = {notification.recipient_id: notification.title for notification in created}
    assert titles == {
        spanish_world["user"].pk: "Existencias bajas: TOR-M8 Tornillo hexagonal",
        english_owner.user_id: "Low stock: TOR-M8 Tornillo hexagonal",
    }
