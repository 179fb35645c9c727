"""`{% organization_cache "name" var ... %}…{% endorganization_cache %}`: a template fragment
cached under the request's active organization and its cache version.

Django's `{% cache %}` tag keys a fragment by its name and variables only. This one adds what a
Stockroom page needs so that a cached fragment is never shared or stale where it matters: the
organization (no tenant sees another's HTML), the organization's cache version (bumped after
every committed stock movement, so a fragment showing stock is re-rendered right after a change),
the active language and time zone (numbers, dates and labels are rendered in them). Anything
else the fragment shows that can differ between two requests of the same organization (a
product, a role) must be passed as a variable, or kept outside the fragment.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.utils import timezone, translation

from stockroom.core.cache import CACHE_LOOKUPS, DEFAULT_TIMEOUT, organization_cache_key

register = template.Library()

FRAGMENT_PREFIX = "fragment:"


def fragment_cache_key(organization_id: int, name: str, vary_on: list[object]) -> str:
    """The fragment's key for this organization's current cache version, language and zone."""
    parts = [translation.get_language(), timezone.get_current_timezone_name(), *vary_on]
    # Variables may be long or contain separators; a digest keeps the key short and unambiguous.
    digest = hashlib.sha256(repr([str(part) for part in parts]).encode()).hexdigest()[:32]
    return organization_cache_key(organization_id, f"{FRAGMENT_PREFIX}{name}", digest)


class OrganizationCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        request = context.get("request")
        organization = getattr(request, "organization", None)
        if organization is None:  # no tenant to scope the key by: never cache
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        key = fragment_cache_key(
            organization.pk, name, [variable.resolve(context) for variable in self.vary_on]
        )
        html = cache.get(key)
        label = f"{FRAGMENT_PREFIX}{name}"
        if html is not None:
            CACHE_LOOKUPS.labels(name=label, result="hit").inc()
            return html
        CACHE_LOOKUPS.labels(name=label, result="miss").inc()
        html = self.nodelist.render(context)
        cache.set(key, html, DEFAULT_TIMEOUT)
        return html


@register.tag("organization_cache")
def organization_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' needs a fragment name, then the variables it varies on."
        )
    nodelist = parser.parse(("endorganization_cache",))
    parser.delete_first_token()
    return OrganizationCacheNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
    )
