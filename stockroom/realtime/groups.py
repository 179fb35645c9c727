"""Tenant-scoped channel-layer group names: the only way events are addressed."""


def organization_group(organization_id: int) -> str:
    return f"org-{int(organization_id)}"
