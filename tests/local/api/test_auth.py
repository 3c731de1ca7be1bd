"""The API key: with one configured, every ``/api/`` request needs it, with the platform's exact 401 bodies."""

from __future__ import annotations

import uuid

import httpx
import pytest
from unstructured_client.models import errors

from tests.local.engine_http import KEY, sdk_client
from unstructured_nb.local import EngineServer

pytestmark = pytest.mark.engine

# the platform's wording, pinned here on purpose (not imported from the engine)
MISSING = "API key is missing, please provide an API key in the header."
INVALID = "API key is invalid, please provide a valid API key in the header."


def test_api_key_required_when_configured(keyed_engine: EngineServer) -> None:
    with httpx.Client(base_url=keyed_engine.url) as c:
        for path in ("/api/v1/workflows/", "/api/v1/jobs", f"/api/v1/jobs/{uuid.uuid4()}", "/api/v1/no-such-route"):
            r = c.get(path)
            assert (r.status_code, r.json()) == (401, {"detail": MISSING}), path
            r = c.get(path, headers={"unstructured-api-key": "wrong"})
            assert (r.status_code, r.json()) == (401, {"detail": INVALID}), path
            assert "wrong" not in r.text
        ok = c.get("/api/v1/workflows/", headers={"unstructured-api-key": KEY})
        assert ok.status_code == 200 and len(ok.json()) == 2
        # no route is open without the key: the health check, the schema, the docs
        for path in ("/healthz", "/openapi.json", "/docs", "/redoc"):
            assert c.get(path).status_code == 401, path
        health = c.get("/healthz", headers={"unstructured-api-key": KEY})
        assert health.status_code == 200 and KEY not in health.text and "pid" not in health.json()
        assert c.get("/openapi.json", headers={"unstructured-api-key": KEY}).status_code == 200
        assert c.get("/docs", headers={"unstructured-api-key": KEY}).status_code == 404  # no CDN page offline
        assert KEY not in repr(keyed_engine)


def test_api_key_errors_through_the_sdk(keyed_engine: EngineServer) -> None:
    anonymous = sdk_client(keyed_engine.url)  # kept referenced: the SDK closes on GC
    with pytest.raises(errors.SDKError) as err:
        anonymous.workflows.list_workflows(request={})
    assert err.value.status_code == 401 and "missing" in err.value.body
    good = sdk_client(keyed_engine.url, api_key=KEY)
    assert len(good.workflows.list_workflows(request={}).response_list_workflows) == 2
