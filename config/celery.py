"""The Celery application. Eager (inline) without a broker; a real worker with REDIS_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("stockroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
