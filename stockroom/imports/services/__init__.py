"""Every write of the imports app, split by job: jobs.py runs an import job (create, run,
attempts, status), products.py and opening_stock.py check and write each kind's rows,
exports.py writes export files. Views, tasks and the API call the names below."""

from ..columns import OPENING_STOCK_COLUMNS, PRODUCT_COLUMNS
from .exports import export_job_create, export_job_fail, export_job_run
from .jobs import (
    COLUMNS,
    MAX_ATTEMPTS,
    REQUIRED,
    ImportStopped,
    import_job_create,
    import_job_fail,
    import_job_run,
    import_template,
)
from .opening_stock import OPENING_STOCK_REQUIRED
from .products import PRODUCT_REQUIRED

__all__ = [
    "COLUMNS",
    "MAX_ATTEMPTS",
    "OPENING_STOCK_COLUMNS",
    "OPENING_STOCK_REQUIRED",
    "PRODUCT_COLUMNS",
    "PRODUCT_REQUIRED",
    "REQUIRED",
    "ImportStopped",
    "export_job_create",
    "export_job_fail",
    "export_job_run",
    "import_job_create",
    "import_job_fail",
    "import_job_run",
    "import_template",
]
