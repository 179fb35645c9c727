"""The REST API: versions side by side under /api/<version>/, the schema and its viewers."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

from django.urls import include, path, re_path

app_name = "api"


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    """Unknown API paths answer in the API's JSON error shape, not Django's HTML page."""
    raise NotFound()


# The viewers style themselves with inline styles, and ReDoc searches in a blob: worker. Only these
# two pages get those allowances; their scripts are all self-hosted (the Swagger UI set-up script
# is served as a file by the split view, so no inline script is needed).
docs_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    re_path(r"^(?P<version>v1)/", include("stockroom.api.v1.urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("redoc/", docs_csp(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    re_path(r"^.*$", not_found),
]
