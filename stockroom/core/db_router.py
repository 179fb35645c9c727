"""Send reads to a read replica when one is configured; every write and migration to default.

Reads inside a transaction on `default` stay there (Django pins a transaction's queries to its
connection), so a service that locks and re-reads never sees replica lag.
"""

from django.conf import settings

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if REPLICA in settings.DATABASES else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
