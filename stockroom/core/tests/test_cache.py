from stockroom.core.cache import (
    bump_organization_cache,
    cache_hit_ratio,
    cached_for_organization,
    organization_cache_version,
)


def test_cache_keys_are_scoped_and_versioned(organization, other_organization):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_for_organization(organization.pk, "probe", compute) == 1
    assert cached_for_organization(organization.pk, "probe", compute) == 1
    assert cached_for_organization(other_organization.pk, "probe", compute) == 2
    version = organization_cache_version(organization.pk)
    bump_organization_cache(organization.pk)
    assert organization_cache_version(organization.pk) == version + 1
    assert cached_for_organization(organization.pk, "probe", compute) == 3


def test_cache_lookups_are_counted(organization):
    assert cache_hit_ratio().get("ratio-probe") is None
    for _ in range(4):
        cached_for_organization(organization.pk, "ratio-probe", lambda: 1)
    assert cache_hit_ratio()["ratio-probe"] == 0.75
