"""The Workflow API client: :class:`Client` (sync) and :class:`AsyncClient` (async), typed and httpx-based.

Both expose the same methods with the API's names; only the I/O differs. ``endpoints``
describes each request, ``base`` decides retries and errors, ``multipart`` streams uploads,
``http_errors`` writes the one-paragraph exceptions, ``secret`` keeps the key out of sight.
"""

from __future__ import annotations

from .aio import AsyncClient
from .base import DEFAULT_TIMEOUT
from .protocol import ClientProtocol
from .retry import RetryPolicy
from .sync import Client

__all__ = ["DEFAULT_TIMEOUT", "AsyncClient", "Client", "ClientProtocol", "RetryPolicy"]
