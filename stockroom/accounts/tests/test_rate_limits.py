"""Log-in and password-reset requests are rate limited per address (and per email)."""

from django.core import mail
from django.urls import reverse


def test_login_posts_are_limited_per_address(client, clerk, settings):
    settings.LOGIN_RATE_LIMIT = 3
    url = reverse("accounts:login")
    for index in range(3):
        response = client.post(url, {"username": f"nobody{index}@example.com", "password": "x"})
        assert response.status_code == 200
    limited = client.post(url, {"username": clerk.user.email, "password": "whatever"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    other_address = client.post(
        url, {"username": "nobody@example.com", "password": "x"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other_address.status_code == 200


def test_password_reset_is_limited_per_email(client, clerk, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    url = reverse("accounts:password_reset")
    for index in range(2):
        response = client.post(
            url, {"email": clerk.user.email}, REMOTE_ADDR=f"198.51.100.{index + 1}"
        )
        assert response.status_code == 302
    limited = client.post(url, {"email": clerk.user.email}, REMOTE_ADDR="198.51.100.9")
    assert limited.status_code == 429
    assert len(mail.outbox) == 2


def test_password_reset_is_limited_per_address(client, db, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    url = reverse("accounts:password_reset")
    statuses = [
        client.post(url, {"email": f"person{index}@example.com"}).status_code for index in range(3)
    ]
    assert statuses == [302, 302, 429]
