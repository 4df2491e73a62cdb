"""Declarations: the retry policy of each task and the periodic jobs with their schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # total number of runs, the first included
    backoff: float  # seconds before the second run; doubled at each further one

    def delay(self, attempt: int) -> timedelta:
        """Delay before the run following the `attempt`-th (1-based) failed run."""
        return timedelta(seconds=self.backoff * 2 ** (attempt - 1))


RETRY_POLICIES: dict[str, RetryPolicy] = {}  # by task module path


def job(*, retries: int = 0, backoff: float = 60, **options: Any) -> Callable[[Callable], Task]:
    """A task (`django_tasks.task`) retried `retries` times after a failure, with exponential
    backoff, when run by `pepites worker`."""

    def decorate(function: Callable) -> Task:
        declared = task(**options)(function)
        if retries:
            RETRY_POLICIES[declared.module_path] = RetryPolicy(retries + 1, backoff)
        return declared

    return decorate


def retry_policy(task_path: str) -> RetryPolicy | None:
    return RETRY_POLICIES.get(task_path)


@dataclass(frozen=True)
class Every:
    """Every `interval`, counted from the previous run."""

    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval

    def __str__(self) -> str:
        minutes = int(self.interval.total_seconds() // 60)
        if minutes % (24 * 60) == 0:
            return f"tous les {minutes // (24 * 60)} jour(s)"
        if minutes % 60 == 0:
            return f"toutes les {minutes // 60} heure(s)"
        return f"toutes les {minutes} minute(s)"


WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass(frozen=True)
class Daily:
    """Each day (or each `weekday`, 0 = Monday) at `at`, local time (TIME_ZONE)."""

    at: time
    weekday: int | None = None

    def next_after(self, moment: datetime) -> datetime:
        local = timezone.localtime(moment)
        candidate = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        while candidate <= local or (
            self.weekday is not None and candidate.weekday() != self.weekday
        ):
            candidate = timezone.make_aware(
                datetime.combine(candidate.date() + timedelta(days=1), self.at)
            )
        return candidate

    def __str__(self) -> str:
        day = f"chaque {WEEKDAYS[self.weekday]}" if self.weekday is not None else "chaque jour"
        return f"{day} à {self.at:%H:%M}"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: Every | Daily
    task: Task
    description: str


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(
    *, name: str, schedule: Every | Daily, description: str = ""
) -> Callable[[Task], Task]:
    """Register a task (taking no argument) to be enqueued on `schedule` by the scheduler."""

    def register(declared: Task) -> Task:
        PERIODIC_JOBS[name] = PeriodicJob(name, schedule, declared, description)
        return declared

    return register
