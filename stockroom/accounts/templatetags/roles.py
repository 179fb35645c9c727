"""Role checks in templates: `{% if active_membership|can:"manage_catalog" %}`.

Only hides what the role may not do; the views enforce the same policy.
"""

from django import template

from stockroom.accounts.roles import Action

register = template.Library()


@register.filter
def can(membership, action: str) -> bool:
    """True when `membership` (may be None) allows `action`; an unknown action allows nothing."""
    if membership is None or action not in Action._value2member_map_:
        return False
    return membership.can(action)
