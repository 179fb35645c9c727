from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "stockroom.realtime"
    label = "realtime"
