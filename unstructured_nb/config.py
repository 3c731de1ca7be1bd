"""Where the API is and which key to send: arguments first, then the environment.

With no URL anywhere, callers fall back to the embedded local engine
(``unstructured_nb.local.discovery.ensure_local_engine``).
"""

from __future__ import annotations

import os

#: The API's base URL; unset means the embedded local engine.
ENV_URL = "UNSTRUCTURED_API_URL"
#: The key sent in the ``unstructured-api-key`` header.
ENV_KEY = "UNSTRUCTURED_API_KEY"
#: Where the local engine keeps its workflows, jobs and files.
ENV_DATA_DIR = "UNSTRUCTURED_NB_DATA_DIR"
#: The key an ``unstructured-nb serve`` engine requires (kept out of the command line).
ENV_SERVER_KEY = "UNSTRUCTURED_NB_SERVER_API_KEY"
#: Set (to anything but 0/false/no) in CI and docs builds: runs block and show only the final table.
ENV_NONINTERACTIVE = "UNSTRUCTURED_NB_NONINTERACTIVE"
API_PREFIX = "/api/v1"


def normalize_api_url(url: str) -> str:
    """Strip whitespace, trailing ``/`` and a trailing ``/api/v1`` (both doc conventions)."""
    url = url.strip().rstrip("/")
    while url.endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)].rstrip("/")
    return url


def resolve_api_url(api_url: str | None = None) -> str | None:
    """The base URL (without ``/api/v1``), or None when neither argument nor env sets one."""
    url = api_url if api_url else os.environ.get(ENV_URL, "")
    url = url.strip() if url else ""
    return normalize_api_url(url) if url else None


def resolve_api_key(api_key: str | None = None) -> str | None:
    key = api_key if api_key is not None else os.environ.get(ENV_KEY)
    key = key.strip() if key else None
    return key or None


def mask_key(key: str | None) -> str:
    """What a repr shows instead of the key."""
    return "None" if not key else "'***'"
