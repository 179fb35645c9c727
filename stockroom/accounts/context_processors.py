from django.utils.functional import SimpleLazyObject

from .selectors import memberships_for_user


def active_organization(request) -> dict:
    """The active organization and membership, and (lazily) the switcher's memberships."""
    user = getattr(request, "user", None)
    memberships = getattr(request, "memberships", None)  # loaded by the middleware
    if memberships is None:
        memberships = SimpleLazyObject(
            lambda: list(memberships_for_user(user)) if user and user.is_authenticated else []
        )
    return {
        "active_organization": getattr(request, "organization", None),
        "active_membership": getattr(request, "membership", None),
        "user_memberships": memberships,
    }
