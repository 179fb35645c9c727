"""Rate limits backed by the default cache. Rates are read at request time, not import time,
so `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` changes (and test overrides) take effect."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRates:
    @property
    def THROTTLE_RATES(self):  # the attribute name DRF's SimpleRateThrottle reads
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_LiveRates, throttling.ScopedRateThrottle):
    """`throttle_scope = "auth"` on token endpoints, `"bulk"` on bulk actions."""
