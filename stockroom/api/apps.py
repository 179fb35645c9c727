from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stockroom.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the OpenAPI extensions (auth schemes, the organization header).
        from . import schema  # noqa: F401
