"""The key never shows: in reprs, in what a server echoes (in any encoding), in tracebacks at any %xmode."""

from __future__ import annotations

import base64
import pickle
from urllib.parse import quote, quote_plus

import pytest

from tests.fake_api import FakeAPI, Reply
from unstructured_nb.client.secret import Secret
from unstructured_nb.errors import AuthenticationError

KEY = "sk-TEST-5ecr3t/KEY+9f8e7d6c5b4a=="


@pytest.mark.parametrize("prefix", ["", "a", "ab", "Authorization: Basic "])
@pytest.mark.parametrize("suffix", ["", "x", "xy", ":pass"])
def test_base64_echoes_are_masked_at_every_alignment(prefix: str, suffix: str) -> None:
    secret = Secret(KEY)
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        echoed = encode((prefix + KEY + suffix).encode()).decode()
        masked = secret.mask(f"server said {echoed}")
        assert "***" in masked and echoed not in masked


def test_plain_url_encoded_hex_and_case_changed_echoes_are_masked() -> None:
    secret = Secret(KEY)
    for echo in (
        KEY,
        quote(KEY, safe=""),
        quote_plus(KEY),
        quote(KEY, safe="").lower(),  # %2f as some servers write it
        KEY.swapcase(),
        KEY.upper(),
        KEY.lower(),
        KEY.encode().hex(),
        KEY.encode().hex().upper(),
    ):
        assert secret.mask(f"<{echo}>") == "<***>", echo
    assert secret.mask({"detail": [KEY, {"k": KEY}], KEY: 1}) == {"detail": ["***", {"k": "***"}], "***": 1}


def test_a_secret_never_prints_and_cannot_be_pickled() -> None:
    secret = Secret(KEY)
    assert repr(secret) == str(secret) == f"{secret}" == f"{secret!r}" == "'***'"
    assert KEY not in repr([secret, {"key": secret}])
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert secret.reveal() == KEY


def test_a_server_echoing_the_key_in_every_encoding_is_masked_in_the_error() -> None:
    fake = FakeAPI()
    echo = f"{KEY} {quote(KEY, safe='')} {base64.b64encode(KEY.encode()).decode()} {KEY.upper()}"
    fake.script("GET", "/api/v1/jobs/", Reply(401, {"detail": f"bad key {echo}"}))
    with fake.client(api_key=KEY) as client, pytest.raises(AuthenticationError) as info:
        client.list_jobs()
    shown = str(info.value) + repr(info.value) + repr(info.value.detail)
    assert KEY not in shown and KEY.upper() not in shown and quote(KEY, safe="") not in shown
    assert base64.b64encode(KEY.encode()).decode() not in shown
    assert fake.requests[0].headers["unstructured-api-key"] == KEY  # sent, as it must be


@pytest.mark.parametrize("mode", ["Plain", "Context", "Verbose", "Minimal"])
def test_no_traceback_shows_the_key_at_any_xmode(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from IPython.testing.globalipapp import get_ipython
    from IPython.utils.capture import capture_output

    monkeypatch.setenv("UNSTRUCTURED_API_KEY", KEY)
    ip = get_ipython()  # type: ignore[no-untyped-call]  # IPython's testing helpers are untyped
    ip.run_line_magic("xmode", mode)
    try:
        cells = [
            # our own error: one paragraph, no frames
            "from unstructured_nb import Client\nClient('http://127.0.0.1:9', max_retries=0).list_jobs()",
            # a programming error inside the client: frames and (Verbose) their locals
            "from unstructured_nb import Client\nClient('http://127.0.0.1:9').list_workflows(bogus=1)",
            # a bad URL while the key is being set up
            "import os\nfrom unstructured_nb import Client\nClient('ftp://nowhere', api_key=os.environ['UNSTRUCTURED_API_KEY'])",
        ]
        for cell in cells:
            with capture_output() as captured:
                ip.run_cell(cell)
            shown = captured.stdout + captured.stderr
            assert "Error" in shown, shown
            assert KEY not in shown and KEY.upper() not in shown, shown
    finally:
        ip.run_line_magic("xmode", "Context")


def _every_form(key: str) -> list[str]:
    raw = key.encode()
    return [
        key,
        key.upper(),
        key.lower(),
        quote(key, safe=""),
        quote(key, safe="").lower(),
        quote_plus(key),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
    ]


def test_a_failing_calls_verbose_traceback_shows_the_key_in_no_form() -> None:
    from IPython.core import ultratb

    fake = FakeAPI()
    raw = KEY.encode()
    echo = " ".join(
        [
            KEY,
            KEY.upper(),
            KEY.lower(),
            quote(KEY, safe=""),
            quote(KEY, safe="").lower(),
            quote_plus(KEY),
            base64.b64encode(raw).decode(),
            base64.urlsafe_b64encode(raw).decode(),
            base64.b64encode(b"Basic:" + raw).decode(),
            raw.hex().upper(),
        ]
    )
    fake.script("GET", "/api/v1/jobs/", Reply(401, {"detail": f"bad key {echo}"}))
    try:
        with fake.client(api_key=KEY) as client:
            client.list_jobs()
    except AuthenticationError as error:
        info = (type(error), error, error.__traceback__)
    else:  # pragma: no cover
        pytest.fail("the 401 did not raise")
    verbose = ultratb.VerboseTB(theme_name="nocolor", include_vars=True)
    texts = {"VerboseTB": verbose.text(*info)}
    for mode in ("Verbose", "Context", "Plain", "Minimal"):
        formatter = ultratb.AutoFormattedTB(mode=mode, theme_name="nocolor")  # type: ignore[no-untyped-call]  # IPython's ultratb is untyped
        texts[mode] = formatter.text(*info)
    assert "self = Client(" in texts["VerboseTB"]  # Verbose does print the frames' locals
    for name, shown in texts.items():
        assert "AuthenticationError" in shown, (name, shown)
        assert "***" in shown, name  # the echo is there, masked
        for form in _every_form(KEY):
            assert form not in shown, (name, form)
    assert fake.requests[0].headers["unstructured-api-key"] == KEY
