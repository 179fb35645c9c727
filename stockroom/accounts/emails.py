"""Rendering and sending of account emails (plain text with an HTML alternative)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from stockroom.core.mail import render_text


def send_templated_email(
    *, to: str, template: str, context: dict, language: str | None = None
) -> None:
    """Render `accounts/email/<template>_{subject,body}.txt` and `.html` and send them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_name": settings.SITE_NAME, **context}
        subject = render_text(f"accounts/email/{template}_subject.txt", context)
        subject = " ".join(subject.split())
        text_body = render_text(f"accounts/email/{template}_body.txt", context)
        html_body = render_to_string(f"accounts/email/{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text_body, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html_body, "text/html")
    message.send()
