from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification_list"),
    path("read/", views.NotificationMarkReadView.as_view(), name="mark_read"),
]
