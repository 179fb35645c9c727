from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stockroom.core import health

admin.site.site_header = "Stockroom administration"
admin.site.site_title = "Stockroom admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("accounts/", include("stockroom.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
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
