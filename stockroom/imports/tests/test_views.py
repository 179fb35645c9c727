"""Import and export pages: roles, upload checks, tenant isolation."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.models import Product
from stockroom.imports.models import ExportJob, ImportJob, JobStatus
from stockroom.imports.tests.factories import (
    PRODUCT_HEADER,
    ExportJobFactory,
    ImportJobFactory,
    csv_bytes,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

GOOD = csv_bytes([PRODUCT_HEADER[:2], ["P-1", "Pliers"], ["P-2", "Pincers"]])
STOCK = csv_bytes([["sku", "warehouse", "location", "quantity"], ["P-1", "MAIN", "A-01", "1"]])


def _member(organization, role):
    return MembershipFactory(organization=organization, role=role)


@pytest.mark.parametrize(
    ("role", "page_status", "products_status", "stock_status"),
    [
        pytest.param(Role.OWNER, 200, 302, 302, id="owner"),
        pytest.param(Role.MANAGER, 200, 302, 302, id="manager"),
        pytest.param(Role.CLERK, 200, 200, 302, id="clerk-stock-only"),
        pytest.param(Role.VIEWER, 403, 403, 403, id="viewer"),
    ],
)
def test_import_role_matrix(
    organization,
    member_client,
    django_capture_on_commit_callbacks,
    role,
    page_status,
    products_status,
    stock_status,
):
    client = member_client(_member(organization, role))
    url = reverse("imports:import_create")

    assert client.get(url).status_code == page_status
    assert client.get(reverse("imports:import_list")).status_code == page_status
    with django_capture_on_commit_callbacks(execute=False):
        products = client.post(url, {"kind": "products", "file": upload(GOOD)})
        stock = client.post(url, {"kind": "opening_stock", "file": upload(STOCK, "stock.csv")})

    assert (products.status_code, stock.status_code) == (products_status, stock_status)
    if products_status == 200:  # the form refuses a kind the role may not import
        assert products.context["form"].errors == {
            "kind": ["Select a valid choice. products is not one of the available choices."]
        }
    expected_jobs = (products_status == 302) + (stock_status == 302)
    assert ImportJob.objects.for_organization(organization).count() == expected_jobs


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(Role.OWNER, id="owner"),
        pytest.param(Role.MANAGER, id="manager"),
        pytest.param(Role.CLERK, id="clerk"),
        pytest.param(Role.VIEWER, id="viewer"),
    ],
)
def test_every_role_may_export(
    organization, member_client, django_capture_on_commit_callbacks, role
):
    client = member_client(_member(organization, role))
    url = reverse("imports:export_list")

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "products", "format": "csv"})

    job = ExportJob.objects.for_organization(organization).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:export_detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.SUCCEEDED
    download = client.get(reverse("imports:export_download", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="products-')


def test_upload_runs_the_import_and_shows_the_result(
    organization, manager, member_client, django_capture_on_commit_callbacks
):
    client = member_client(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_create"), {"kind": "products", "file": upload(GOOD)}
        )

    job = ImportJob.objects.for_organization(organization).get()
    assert response["Location"] == reverse("imports:import_detail", kwargs={"pk": job.pk})
    assert (job.status, job.created_by, job.original_filename) == (
        JobStatus.SUCCEEDED,
        manager.user,
        "products.csv",
    )
    assert sorted(Product.objects.for_organization(organization).values_list("sku", flat=True)) == [
        "P-1",
        "P-2",
    ]
    page = client.get(response["Location"])
    assert "Imported 2 rows: 2 products created, 0 updated." in page.content.decode()
    fragment = client.get(reverse("imports:import_progress", kwargs={"pk": job.pk}))
    assert 'data-job-status="succeeded"' in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()


def test_running_job_fragment_keeps_polling(organization, manager, member_client):
    job = ImportJobFactory(
        organization=organization, status=JobStatus.RUNNING, total_rows=200, processed_rows=50
    )
    client = member_client(manager)

    html = client.get(reverse("imports:import_progress", kwargs={"pk": job.pk})).content.decode()

    assert 'hx-trigger="every 2s, job-finished"' in html
    assert 'data-percent="25"' in html


def test_failed_job_page_lists_the_bad_rows(organization, manager, member_client):
    job = ImportJobFactory(
        organization=organization,
        status=JobStatus.FAILED,
        error_report=[
            {"row": 4, "field": "unit", "message": "Unknown unit “crate”."},
            {"row": 9, "field": "sku", "message": "This value is required."},
        ],
    )
    client = member_client(manager)

    response = client.get(reverse("imports:import_detail", kwargs={"pk": job.pk}))

    html = response.content.decode()
    assert "Nothing was imported: 2 problems in the file." in html
    assert "<tr><td>4</td><td><code>unit</code></td><td>Unknown unit “crate”.</td></tr>" in html
    assert "<tr><td>9</td><td><code>sku</code></td><td>This value is required.</td></tr>" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "big.csv",
            b"sku,name\n" + b"A" * (10 * 1024 * 1024),
            "The file is larger than 10.0\xa0MB. Split it, or save it as .xlsx (smaller).",
            id="over-10-mb",
        ),
        pytest.param(
            "products.txt",
            GOOD,
            "Upload a .csv or .xlsx file (this one is “products.txt”).",
            id="extension",
        ),
        pytest.param(
            "products.xlsx",
            GOOD,
            "This is not an Excel .xlsx workbook. Save it as .xlsx or as CSV.",
            id="csv-named-xlsx",
        ),
        pytest.param(
            "products.csv",
            xlsx_bytes([["sku", "name"]]),
            "This is not a CSV text file (it looks binary or UTF-16). Save it as “CSV UTF-8”.",
            id="xlsx-named-csv",
        ),
        pytest.param("empty.csv", b"", "The submitted file is empty.", id="empty"),
    ],
)
def test_upload_is_refused(organization, manager, member_client, name, content, message):
    client = member_client(manager)

    response = client.post(
        reverse("imports:import_create"), {"kind": "products", "file": upload(content, name)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert ImportJob.objects.count() == 0


def test_other_organization_jobs_are_404(organization, other_organization, manager, member_client):
    theirs = ImportJobFactory(organization=other_organization)
    their_export = ExportJobFactory(organization=other_organization, status=JobStatus.SUCCEEDED)
    client = member_client(manager)

    urls = [
        reverse("imports:import_detail", kwargs={"pk": theirs.pk}),
        reverse("imports:import_progress", kwargs={"pk": theirs.pk}),
        reverse("imports:export_detail", kwargs={"pk": their_export.pk}),
        reverse("imports:export_status", kwargs={"pk": their_export.pk}),
        reverse("imports:export_download", kwargs={"pk": their_export.pk}),
    ]

    assert [client.get(url).status_code for url in urls] == [404] * 5


def test_unfinished_export_has_no_download(organization, viewer, member_client):
    job = ExportJobFactory(organization=organization, status=JobStatus.RUNNING)
    client = member_client(viewer)

    assert client.get(reverse("imports:export_download", kwargs={"pk": job.pk})).status_code == 404
    html = client.get(reverse("imports:export_status", kwargs={"pk": job.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in html


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param(
            "products",
            "sku,name,category,unit,cost_price,sale_price,reorder_point,reorder_quantity,barcode,"
            "description,is_lot_tracked,active\r\n",
            id="products",
        ),
        pytest.param(
            "opening_stock",
            "sku,warehouse,location,quantity,unit_cost,lot_number,expiry_date\r\n",
            id="opening-stock",
        ),
    ],
)
def test_template_download(organization, clerk, member_client, kind, expected):
    response = member_client(clerk).get(reverse("imports:import_template", kwargs={"kind": kind}))

    assert response.status_code == 200
    assert response.content.decode().startswith(expected)
    assert (
        response["Content-Disposition"] == f'attachment; filename="stockroom-{kind}-template.csv"'
    )


@pytest.mark.parametrize(
    "url_name",
    [
        pytest.param("imports:import_list", id="imports"),
        pytest.param("imports:export_list", id="exports"),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(
    organization, manager, member_client, url_name
):
    client = member_client(manager)
    url = reverse(url_name)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    ImportJobFactory.create_batch(2, organization=organization)
    ExportJobFactory.create_batch(2, organization=organization)
    few = queries()
    ImportJobFactory.create_batch(8, organization=organization)
    ExportJobFactory.create_batch(8, organization=organization)

    assert queries() == few


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        pytest.param("catalog:product_list", "products", id="products"),
        pytest.param("inventory:stock_levels", "stock_levels", id="stock-levels"),
        pytest.param("inventory:movement_list", "movements", id="movements"),
    ],
)
def test_every_exportable_list_offers_its_export(organization, member_client, page, kind):
    client = member_client(_member(organization, Role.VIEWER))

    html = client.get(reverse(page)).content.decode()

    form = html[html.index(f'action="{reverse("imports:export_list")}"') :]
    form = form[: form.index("</form>")]
    assert f'name="kind" value="{kind}"' in form
    assert 'name="format"' in form
    assert ">Export</button>" in " ".join(form.split()).replace("</i> ", "</i>")


def test_the_movement_list_exports_its_date_range(organization, member_client):
    client = member_client(_member(organization, Role.VIEWER))

    html = client.get(
        reverse("inventory:movement_list"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    ).content.decode()

    assert 'name="date_from" value="2026-03-01"' in html
    assert 'name="date_to" value="2026-03-31"' in html


def test_the_list_export_button_starts_the_job(
    organization, member_client, django_capture_on_commit_callbacks
):
    client = member_client(_member(organization, Role.VIEWER))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:export_list"), {"kind": "stock_levels", "format": "xlsx"}
        )

    job = ExportJob.objects.for_organization(organization).get()
    assert (job.kind, job.format, job.status) == ("stock_levels", "xlsx", JobStatus.SUCCEEDED)
    assert response["Location"] == job.get_absolute_url()
