from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "stockroom.realtime"
    label = "realtime"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (pushes domain events to browsers)
