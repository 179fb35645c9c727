"""{% organization_cache %}: one cached copy per organization, cache version, language, time
zone and listed variable; nothing cached outside an organization."""

import pytest
from prometheus_client import REGISTRY

from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import timezone, translation

from stockroom.core.cache import bump_organization_cache

pytestmark = pytest.mark.django_db

FRAGMENT = Template(
    '{% load organization_cache %}{% organization_cache "probe" key %}{{ value }}'
    "{% endorganization_cache %}"
)


def _render(organization, value: str, key: str = "k") -> str:
    request = RequestFactory().get("/")
    request.organization = organization
    return FRAGMENT.render(Context({"request": request, "value": value, "key": key}))


def test_second_render_is_the_cached_copy(organization):
    assert _render(organization, "first") == "first"
    assert _render(organization, "second") == "first"


def test_organizations_never_share_a_copy(organization, other_organization):
    assert _render(organization, "ours") == "ours"
    assert _render(other_organization, "theirs") == "theirs"
    assert _render(organization, "changed") == "ours"


def test_a_version_bump_renders_afresh(organization, other_organization):
    _render(organization, "old")
    _render(other_organization, "other old")

    bump_organization_cache(organization.pk)

    assert _render(organization, "new") == "new"
    assert _render(other_organization, "other new") == "other old"


def test_listed_variables_key_the_copy(organization):
    assert _render(organization, "for a", key="a") == "for a"
    assert _render(organization, "for b", key="b") == "for b"
    assert _render(organization, "again", key="a") == "for a"


def test_language_and_time_zone_key_the_copy(organization):
    with translation.override("en"):
        assert _render(organization, "english") == "english"
    with translation.override("es"):
        assert _render(organization, "spanish") == "spanish"
    with timezone.override("Europe/Madrid"), translation.override("es"):
        assert _render(organization, "madrid") == "madrid"
    with translation.override("en"):
        assert _render(organization, "english again") == "english"


def test_without_an_organization_nothing_is_cached():
    assert _render(None, "one") == "one"
    assert _render(None, "two") == "two"


def _lookups(result: str) -> float:
    value = REGISTRY.get_sample_value(
        "stockroom_cache_lookups_total", {"name": "fragment:probe", "result": result}
    )
    return value or 0.0


def test_lookups_are_counted_under_the_fragment_name(organization):
    # Process-wide counters: other tests count into them too, so compare with before.
    hits, misses = _lookups("hit"), _lookups("miss")
    for _ in range(3):
        _render(organization, "x", key="counted")
    assert (_lookups("hit") - hits, _lookups("miss") - misses) == (2, 1)


def test_a_fragment_name_is_required():
    with pytest.raises(TemplateSyntaxError, match="needs a fragment name"):
        Template("{% load organization_cache %}{% organization_cache %}{% endorganization_cache %}")
