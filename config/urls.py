from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from stockroom.accounts.views import LanguageSwitchView
from stockroom.core import health
from stockroom.core.views import FaviconView

handler500 = "stockroom.core.views.server_error"

admin.site.site_header = gettext_lazy("Stockroom administration")
admin.site.site_title = gettext_lazy("Stockroom admin")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    # Browsers ask for /favicon.ico before (or without) reading the page's icon link.
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("accounts/", include("stockroom.accounts.urls")),
    # Django's set_language, wrapped to also save a signed-in user's choice.
    path("i18n/setlang/", LanguageSwitchView.as_view(), name="set_language"),
    path("catalog/", include("stockroom.catalog.urls")),
    path("inventory/", include("stockroom.inventory.urls")),
    path("orders/", include("stockroom.orders.urls")),
    path("imports/", include("stockroom.imports.urls")),
    path("notifications/", include("stockroom.alerts.urls")),
    path("", include("stockroom.reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    if getattr(settings, "DEBUG_TOOLBAR_ENABLED", False):
        urlpatterns += [path("__debug__/", include("debug_toolbar.urls"))]
