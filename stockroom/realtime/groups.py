"""Tenant-scoped channel-layer group names: the only way events are addressed.

Every group name carries the organization, so an event of organization A can only reach a
socket that joined A's groups, which the consumer allows only for A's members.
"""


def organization_group(organization_id: int) -> str:
    return f"org-{int(organization_id)}"


def member_group(organization_id: int, user_id: int) -> str:
    return f"org-{int(organization_id)}-user-{int(user_id)}"
