from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo organization (`manage.py seed_demo`). It writes through every domain's services,
    so it sits above them all and no domain app depends on it."""

    name = "stockroom.demo"
    label = "demo"
    verbose_name = _("Demo data")
