import os
import uuid

from django.conf import settings
from django.core.cache import cache


def test_cache_round_trip_on_the_configured_backend():
    key, value = f"test-{uuid.uuid4()}", {"centres": 20}
    cache.set(key, value, timeout=30)
    assert cache.get(key) == value
    cache.delete(key)
    assert cache.get(key) is None


def test_redis_url_selects_the_shared_redis_cache():
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "pepites.core.cache.ResilientRedisCache"
        cache.probe()  # the shared Redis answers
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
