from django.contrib.staticfiles import finders


def test_pages_name_an_icon_that_exists(client, db):
    page = client.get("/accounts/login/")
    assert b'<link rel="icon" href="/static/img/favicon.svg"' in page.content
    assert finders.find("img/favicon.svg")


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
