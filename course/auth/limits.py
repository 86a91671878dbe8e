"""Sign-in limits that stop guessing without locking a class out, after OWASP's device cookies.

Only failed sign-ins count. A browser that signed in to an account before holds a signed device cookie naming it;
for that account it is limited on its own (LOGIN_LIMITS per device), so guesses sent from elsewhere cannot lock the
student out of their own device. Every other client counts against the account (LOGIN_LIMITS) and its address
(LOGIN_ADDRESS_LIMITS). Keys and cookies hold keyed digests of the typed username, never the typed text."""

import hashlib
import hmac
import secrets

from flask import after_this_request, current_app, g, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.auth.usernames import fold_username

DEVICE_COOKIE = "lanyard_device"
DEVICE_DAYS = 365
# A classroom PC is shared by a whole class; the cookie remembers the most recent accounts, newest first.
DEVICE_ACCOUNTS = 40
ACCOUNT_TAG = 16  # hex digits of an account's digest kept in the device cookie


def account_digest(username: str) -> str:
    """A fixed-length stand-in for a typed username, keyed with the secret so a Redis dump lists no usernames."""
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, fold_username(username).encode(), hashlib.sha256).hexdigest()


def _posted_account() -> str:
    return account_digest(request.form.get("username", ""))


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    if secret is None:  # create_app always sets one (from the instance folder unless configured)
        raise RuntimeError("SECRET_KEY is not set: build the app with create_app")
    return URLSafeTimedSerializer(secret, salt="lanyard-device-cookie")


def _device() -> dict | None:
    """This browser's device cookie, when it is one we signed and it has not expired."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        return _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None


def is_trusted_device() -> bool:
    """Whether this browser signed in to the account being tried before."""
    if "trusted_device" not in g:
        device = _device()
        g.trusted_device = device is not None and _posted_account()[:ACCOUNT_TAG] in device["accounts"]
    return g.trusted_device


def is_untrusted_client() -> bool:
    return not is_trusted_device()


def address_key() -> str:
    return get_remote_address()


def account_key() -> str:
    return _posted_account()


def device_key() -> str:
    """One counter per device and account: guessing on a trusted device locks out that device only."""
    device = _device()
    if device is None:  # the limit using this key is exempt for untrusted clients, so a device cookie is there
        raise RuntimeError("device_key is only for trusted devices (exempt_when=is_untrusted_client)")
    return hashlib.sha256(f"{device['nonce']}:{_posted_account()}".encode()).hexdigest()


def sign_in_failed(response) -> bool:
    """Deduct from the limits only when a password was checked and was wrong."""
    return g.get("sign_in_failed", False)


def trust_this_device(username: str) -> None:
    """After a successful sign-in, add the account to this browser's device cookie (created if missing)."""
    device = _device() or {"nonce": secrets.token_urlsafe(16), "accounts": []}
    tag = account_digest(username)[:ACCOUNT_TAG]
    device["accounts"] = [tag, *(other for other in device["accounts"] if other != tag)][:DEVICE_ACCOUNTS]
    value = _serializer().dumps(device)

    @after_this_request
    def set_device_cookie(response):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 86400,
            path="/login",
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
        return response
