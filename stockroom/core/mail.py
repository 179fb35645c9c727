"""What every outgoing email shares: plain text that is not HTML-escaped, and absolute links."""

from django.conf import settings
from django.template import Context
from django.template.loader import get_template


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template (an email's subject or body) without HTML escaping: a mail
    client shows "Bean &amp; Leaf" literally. The HTML alternative keeps Django's escaping."""
    # The backend's own Template: rendering it with a Context of our own turns escaping off.
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def absolute_url(path: str) -> str:
    """`path` on the configured site (SITE_URL): links in emails must open outside the app."""
    if not path or "://" in path:
        return path
    return f"{settings.SITE_URL}{path}"
