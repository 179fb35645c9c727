"""Reads behind the dashboard, the reports, labels and the scan page."""

from .dashboard import dashboard_charts, organization_overview, recent_movements

__all__ = ["dashboard_charts", "organization_overview", "recent_movements"]
