from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "stockroom.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (cache invalidation on stock changes)
