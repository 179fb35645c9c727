from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request) -> dict:
    """The unread-notification count for the navigation bell, computed only if rendered."""
    organization = getattr(request, "organization", None)
    user = getattr(request, "user", None)

    def count() -> int:
        if organization is None or user is None or not user.is_authenticated:
            return 0
        return unread_count(organization=organization, user=user)

    return {"unread_notification_count": SimpleLazyObject(count)}
