from django.http import JsonResponse
from django.urls import path

BODY = {"status": "ok", "items": [{"id": n, "sku": f"SKU-{n:04d}"} for n in range(5)]}


def fixed_json(request):
    # A plain (sync) view, as Stockroom's views are: under ASGI it runs in the same thread
    # pool hop, so the ceiling carries the same per-request cost of that hop.
    return JsonResponse(BODY)


urlpatterns = [path("ceiling/", fixed_json), path("healthz", fixed_json)]
