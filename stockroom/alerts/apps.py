from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "stockroom.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (subscribes to the inventory events)
