"""FactDesk: editorial fact-tracking. Loads the Celery app with Django so tasks bind to it."""
from .celery import app as celery_app

__all__ = ["celery_app"]
