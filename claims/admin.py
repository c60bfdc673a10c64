"""Django admin for claims: the review models, declarative; actions call claims.services."""
from claims import admin_webhooks  # noqa: E402,F401
