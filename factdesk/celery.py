"""The Celery app: configured from Django settings (CELERY_*), tasks discovered from the apps."""
import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")


class WorkerLimitedTask(Task):
    """A task whose time limits are the worker's (its ``CELERY_TASK_*TIME_LIMIT``), not the sender's.

    Celery stamps the sending process's configured limits on every message, and a worker obeys
    the stamp over its own settings: a web process, command or beat with other (or default)
    settings would decide how long the worker may run. Sending ``None`` leaves it to the worker.
    A caller may still pass an explicit limit for one message.
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, shadow=None,
                    **options):
        options.setdefault("time_limit", None)
        options.setdefault("soft_time_limit", None)
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)


app = Celery("factdesk", task_cls=WorkerLimitedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
