"""Detail-page URLs by primary key without a reverse() per object.

List pages link every row to its detail page (and often to its product and location too), and
one reverse() per link cost more than the page's queries (docs/performance.md). The URL is
reversed once per name, around a marker primary key, and the pk is put in its place. The cache
is keyed by the URLconf and the script prefix that reverse() itself depends on.
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PK_MARKER = 9_081_726_354_453_627


@lru_cache(maxsize=128)
def _around_pk(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    head, _marker, tail = reverse(name, urlconf=urlconf, kwargs={"pk": PK_MARKER}).partition(
        str(PK_MARKER)
    )
    return head, tail


def url_for_pk(name: str) -> Callable[[int], str]:
    """The URL named `name` (with a `pk` argument) for any primary key."""
    head, tail = _around_pk(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return lambda pk: f"{head}{pk}{tail}"


def pk_url(name: str, pk: int) -> str:
    """reverse(name, kwargs={"pk": pk}), from the cached parts."""
    return url_for_pk(name)(pk)
