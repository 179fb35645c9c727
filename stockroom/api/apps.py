from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stockroom.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The OpenAPI extensions (auth schemes, the organization header), and the receiver that
        # revokes a user's API tokens when their password changes.
        from . import receivers, schema  # noqa: F401
