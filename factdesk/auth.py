"""Sign-in with a brake on password guessing: failed attempts are counted per username and per
client address in Django's cache, and past a limit sign-in is refused for a while with a
clear "too many attempts, try again in …" message (HTTP 429 on the desk's login page).

Counting per username stops a guesser working through one account from many addresses;
counting per address stops one address trying many accounts. The per-address limit is higher
because a newsroom often shares one public address. Failures are counted for any submitted
username, existing or not, so the lockout never reveals which accounts exist. While locked,
the password is not even checked, so a right guess during the lockout teaches nothing.

Settings (read with defaults until settings.py names them):
``FACTDESK_LOGIN_MAX_ATTEMPTS`` failures per username (5), ``FACTDESK_LOGIN_MAX_ATTEMPTS_PER_IP``
failures per address (25), ``FACTDESK_LOGIN_LOCKOUT_SECONDS`` the counting window and the
lockout length (900). The default cache is per process: with several web processes, configure
a shared cache (Redis) so all of them see the same counts.
"""
from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import path
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

TOO_MANY_ATTEMPTS = "too_many_attempts"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("FACTDESK_LOGIN_MAX_ATTEMPTS", 5)


def max_attempts_per_ip() -> int:
    return _setting("FACTDESK_LOGIN_MAX_ATTEMPTS_PER_IP", 25)


def lockout_seconds() -> int:
    return _setting("FACTDESK_LOGIN_LOCKOUT_SECONDS", 900)


def client_address(request) -> str:
    """The address that sent the request. Behind the trusted TLS proxy (``BEHIND_TLS_PROXY``),
    the last X-Forwarded-For hop, which that proxy appended; anything earlier is client-supplied."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(kind: str, value: str) -> str:
    # Hashed so any username (spaces, control characters, any length) makes a valid cache key.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"factdesk:login:{kind}:{digest}"


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%d second", "%d seconds", seconds) % seconds
    minutes = math.ceil(seconds / 60)
    return ngettext("%d minute", "%d minutes", minutes) % minutes


class LoginThrottle:
    """Failure counts and lockouts for one sign-in attempt's username and address."""

    def __init__(self, username: str, address: str):
        self.limits = [
            (_key("user", (username or "").strip().casefold()), max_attempts()),
            (_key("ip", address), max_attempts_per_ip()),
        ]

    @classmethod
    def for_request(cls, request, username: str) -> LoginThrottle:
        return cls(username, client_address(request))

    def wait_seconds(self) -> int:
        """Seconds until sign-in is allowed again; 0 when it is allowed now."""
        now = time.time()
        until = max((cache.get(f"{key}:lock") or 0 for key, _ in self.limits), default=0)
        return max(0, math.ceil(until - now))

    def record_failure(self) -> None:
        window = lockout_seconds()
        for key, limit in self.limits:
            count_key = f"{key}:count"
            # The window starts at the first failure; add() does not extend an existing one.
            cache.add(count_key, 0, timeout=window)
            try:
                count = cache.incr(count_key)
            except ValueError:  # expired between add() and incr()
                cache.set(count_key, 1, timeout=window)
                count = 1
            if count >= limit:
                cache.set(f"{key}:lock", time.time() + window, timeout=window)
                cache.delete(count_key)
                logger.warning("sign-in locked for %ss after %s failures (%s)", window, count, key.split(":")[2])

    def record_success(self) -> None:
        # Only the account's own count resets: a success must not wipe an address's failures
        # (a guesser could otherwise interleave sign-ins to an account of their own).
        key, _ = self.limits[0]
        cache.delete(f"{key}:count")


class ThrottledFormMixin:
    """Refuse sign-in while locked out; count each failed attempt."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        throttle = LoginThrottle.for_request(self.request, username)
        self._refuse_if_locked(throttle)
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure()
            self._refuse_if_locked(throttle)
            raise
        if self.get_user() is not None:  # not merely "no password given", which checks nothing
            throttle.record_success()
        return cleaned

    def _refuse_if_locked(self, throttle: LoginThrottle) -> None:
        wait = throttle.wait_seconds()
        if wait:
            self.retry_after = wait
            raise ValidationError(
                "Too many failed sign-in attempts. For your account's safety, sign-in is paused: try again in %(wait)s.",
                code=TOO_MANY_ATTEMPTS,
                params={"wait": describe_wait(wait)},
            )


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    retry_after = 0


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    """For ``admin.site.login_form``, so the admin's sign-in page has the same brake."""

    retry_after = 0


class ThrottledLoginView(LoginView):
    """The desk's sign-in page: answers 429 with a Retry-After header while locked out."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, TOO_MANY_ATTEMPTS):
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


# Included under accounts/ by factdesk.urls; the sign-out route stays there.
urlpatterns = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
]
