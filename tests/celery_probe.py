"""The Celery app of config, with a probe: each task's end (and each publish) written to a Redis list.

`celery -A tests.celery_probe worker|beat` runs the real app; tests read PROBE_REDIS_URL's lists to see what
ran where and how many times.
"""

import os

import redis
from celery.signals import before_task_publish, task_postrun

from config.celery import app

__all__ = ["app"]

_probe = redis.Redis.from_url(os.environ["PROBE_REDIS_URL"])
_role = os.environ.get("PROBE_ROLE", "worker")


@task_postrun.connect
def _ran(task_id=None, task=None, state=None, **kwargs):
    _probe.rpush("probe:ran", f"{task.name} {task_id} {state} {os.getpid()}")


@before_task_publish.connect
def _sent(sender=None, headers=None, **kwargs):
    _probe.rpush("probe:sent", f"{sender} {headers['id']} {_role}")
