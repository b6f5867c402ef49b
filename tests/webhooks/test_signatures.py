"""Each provider's verifier: a request signed as the provider signs it is accepted; a wrong secret, a
changed body, a missing signature, a stale Stripe timestamp or a body that cannot carry a signature is
refused with the right reason."""

from __future__ import annotations

import base64
import copy
import json
import time
from urllib.parse import quote, unquote

import pytest

from payments.webhooks import MALFORMED_BODY, SIGNATURE_MISMATCH, SIGNATURE_MISSING, SIGNATURE_STALE
from tests.webhooks.signing import (
    CHECKOUT_EVENT,
    STRIPE_EVENT,
    adyen_item,
    receiver_env,
    secrets_env,
    sign_adyen,
    sign_braintree,
    sign_braintree_payload,
    sign_checkout,
    sign_stripe,
    signed,
)
from webhooks.settings import ReceiverSettings
from webhooks.signatures import SignatureRejectedError, verifiers

PROVIDERS = ("stripe", "adyen", "braintree", "checkout")


@pytest.fixture
def env():
    return receiver_env()


@pytest.fixture
def verify(env):
    checks = verifiers(ReceiverSettings.from_env(env), stripe_tolerance_seconds=300)
    return lambda provider, request: checks[provider](request.body, _lower(request.headers))


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}  # as Starlette's Headers looks them up


def _refusal(verify, provider, request) -> str:
    with pytest.raises(SignatureRejectedError) as refused:
        verify(provider, request)
    return refused.value.reason


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_request_signed_with_the_stacks_secret_is_accepted(verify, env, provider):
    verify(provider, signed(provider, env))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_request_signed_with_another_secret_is_a_mismatch(verify, provider):
    assert _refusal(verify, provider, signed(provider, secrets_env())) == SIGNATURE_MISMATCH


def _change(provider: str, body: bytes) -> bytes:
    """The body with one amount changed, still well-formed."""
    if provider == "braintree":  # the amount sits in the base64 XML payload
        form = dict(pair.split("=", 1) for pair in body.decode().split("&"))
        xml = base64.b64decode(unquote(form["bt_payload"]))
        assert b"<amount>49.99</amount>" in xml
        form["bt_payload"] = quote(base64.encodebytes(xml.replace(b"49.99", b"94.99")).decode(), safe="")
        return "&".join(f"{k}={v}" for k, v in form.items()).encode()
    changed = body.replace(b"4250", b"4251").replace(b"1999", b"1998").replace(b"12500", b"12501")
    assert changed != body
    return changed


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_changed_body_is_a_mismatch(verify, env, provider):
    request = signed(provider, env)
    request.body = _change(provider, request.body)
    assert _refusal(verify, provider, request) == SIGNATURE_MISMATCH


@pytest.mark.parametrize("provider", ["stripe", "checkout"])
def test_a_request_without_its_signature_header_is_missing_one(verify, env, provider):
    request = signed(provider, env)
    request.headers = {"Content-Type": "application/json"}
    assert _refusal(verify, provider, request) == SIGNATURE_MISSING


def test_an_adyen_item_without_hmac_signature_is_missing_one(verify, env):
    body = json.dumps({"live": "false", "notificationItems": [{"NotificationRequestItem": adyen_item()}]})
    request = sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"])
    request.body = body.encode()
    assert _refusal(verify, "adyen", request) == SIGNATURE_MISSING


def test_a_braintree_form_without_bt_signature_is_missing_one(verify, env):
    request = sign_braintree(env)
    request.body = b"&".join(p for p in request.body.split(b"&") if not p.startswith(b"bt_signature="))
    assert _refusal(verify, "braintree", request) == SIGNATURE_MISSING


def test_stripe_tells_a_stale_timestamp_from_a_wrong_signature(verify, env):
    old = time.time() - 301
    stale = sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"], at=old)
    assert _refusal(verify, "stripe", stale) == SIGNATURE_STALE
    forged_and_old = sign_stripe(STRIPE_EVENT, secrets_env()["STRIPE_WEBHOOK_SECRET"], at=old)
    assert _refusal(verify, "stripe", forged_and_old) == SIGNATURE_MISMATCH
    verify("stripe", sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"], at=time.time() - 290))


def test_stripe_accepts_any_matching_v1_signature_among_several(verify, env):
    # Stripe sends one v1 per active secret while a secret is being rolled.
    request = sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"])
    other = sign_stripe(STRIPE_EVENT, secrets_env()["STRIPE_WEBHOOK_SECRET"]).headers["Stripe-Signature"]
    request.headers["Stripe-Signature"] = other + "," + request.headers["Stripe-Signature"].split(",")[1]
    verify("stripe", request)


def test_a_stripe_body_that_is_not_utf8_is_malformed(verify, env):
    request = sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"])
    request.body = b"\xff\xfe" + request.body
    assert _refusal(verify, "stripe", request) == MALFORMED_BODY


def test_every_item_of_an_adyen_batch_must_be_authentic(verify, env):
    key = env["ADYEN_HMAC_KEY"]
    good = [adyen_item("EDGE0000000000B1"), adyen_item("EDGE0000000000B2", 500), adyen_item("EDGE0000000000B3")]
    verify("adyen", sign_adyen(good, key))
    # The SDK, handed a whole notification, checks only its first item: a forged later item must still fail.
    batch = json.loads(sign_adyen(good, key).body)
    forged = sign_adyen([adyen_item("EDGE0000000000B9", 999999)], secrets_env()["ADYEN_HMAC_KEY"])
    batch["notificationItems"][2] = json.loads(forged.body)["notificationItems"][0]
    request = copy.copy(forged)
    request.body = json.dumps(batch).encode()
    assert _refusal(verify, "adyen", request) == SIGNATURE_MISMATCH


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"live": "false"}', b'{"notificationItems": []}', b"[1, 2]"],
    ids=["not-json", "no-items", "empty-items", "a-list"],
)
def test_an_adyen_body_without_notification_items_is_malformed(verify, env, body):
    request = sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"])
    request.body = body
    assert _refusal(verify, "adyen", request) == MALFORMED_BODY


def test_an_adyen_item_carrying_a_signed_item_inside_is_judged_by_its_own_fields(verify, env):
    # Adyen's SDK, given anything with `notificationItems`, checks that key's first item instead of the
    # object: a forged item wrapping an authentic one must not pass on the authentic one's signature.
    authentic = json.loads(sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"]).body)
    forged = adyen_item("FORGED0000000001", 99_999_999)
    forged["additionalData"]["hmacSignature"] = "bm90IGEgc2lnbmF0dXJl"
    forged["notificationItems"] = authentic["notificationItems"]
    request = sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"])
    request.body = json.dumps({"live": "false", "notificationItems": [{"NotificationRequestItem": forged}]}).encode()
    assert _refusal(verify, "adyen", request) == SIGNATURE_MISMATCH


@pytest.mark.parametrize("field", ["additionalData", "amount"])
def test_an_adyen_item_whose_objects_are_text_is_malformed(verify, env, field):
    request = sign_adyen([adyen_item()], env["ADYEN_HMAC_KEY"])
    doc = json.loads(request.body)
    doc["notificationItems"][0]["NotificationRequestItem"][field] = "text"
    request.body = json.dumps(doc).encode()
    assert _refusal(verify, "adyen", request) == MALFORMED_BODY


def test_an_adyen_item_without_the_signed_amount_is_malformed(verify, env):
    item = adyen_item()
    request = sign_adyen([item], env["ADYEN_HMAC_KEY"])
    doc = json.loads(request.body)
    del doc["notificationItems"][0]["NotificationRequestItem"]["amount"]
    request.body = json.dumps(doc).encode()
    assert _refusal(verify, "adyen", request) == MALFORMED_BODY


def test_braintree_refuses_a_signature_under_another_public_key(verify, env):
    other = secrets_env()
    request = sign_braintree({**env, "BRAINTREE_PUBLIC_KEY": other["BRAINTREE_PUBLIC_KEY"]})
    assert _refusal(verify, "braintree", request) == SIGNATURE_MISMATCH


def test_braintree_finds_its_pair_among_several_public_keys(verify, env):
    ours = sign_braintree(env)
    form = dict(pair.split(b"=", 1) for pair in ours.body.split(b"&"))
    form[b"bt_signature"] = b"0123abcd%7Cdeadbeef%26" + form[b"bt_signature"]  # "key|sig&" + ours
    ours.body = b"&".join(k + b"=" + v for k, v in form.items())
    verify("braintree", ours)


def test_an_authentic_braintree_payload_that_is_no_notification_is_malformed(verify, env):
    payload = base64.encodebytes(b"<not-a-notification/>")
    request = sign_braintree_payload(payload, env["BRAINTREE_PUBLIC_KEY"], env["BRAINTREE_PRIVATE_KEY"])
    assert _refusal(verify, "braintree", request) == MALFORMED_BODY


def test_a_braintree_body_that_is_no_form_is_malformed(verify, env):
    request = sign_braintree(env)
    request.body = b"\x00\xff binary"
    assert _refusal(verify, "braintree", request) == MALFORMED_BODY


def test_checkout_compares_any_header_value_without_error(verify, env):
    request = sign_checkout(CHECKOUT_EVENT, env["CHECKOUT_WEBHOOK_SECRET"])
    request.headers["Cko-Signature"] = "caf\u00e9"  # latin-1 text, as ASGI decodes header bytes
    assert _refusal(verify, "checkout", request) == SIGNATURE_MISMATCH


def test_a_refusal_never_carries_a_secret_or_the_signature(verify, env):
    request = signed("checkout", secrets_env())
    with pytest.raises(SignatureRejectedError) as refused:
        verify("checkout", request)
    text = str(refused.value)
    assert env["CHECKOUT_WEBHOOK_SECRET"] not in text
    assert request.headers["Cko-Signature"] not in text
