"""Events the alerts services publish after commit; `realtime` pushes them to browsers."""

from django.dispatch import Signal

# sent with notifications= (list of Notification)
notifications_created = Signal()
