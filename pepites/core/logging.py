"""Logs: one line per event on the standard output, JSON in production (LOG_FORMAT=json:
timestamp, level, logger, message, request id) or plain text for a person (text).

The request id comes from RequestIdMiddleware (pepites/core/middleware.py) through a
context variable, so that every line logged while a request is served carries it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import math
from datetime import UTC, datetime
from json.encoder import encode_basestring  # json.dumps' own C escaper

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# Attributes of every LogRecord: anything else was passed through `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx/5xx answer once the middleware are done: its record
            # carries the request, which carries the id.
            request = getattr(record, "request", None)
            record.request_id = request_id.get() or getattr(request, "request_id", "")
        return True


def _plain(value):
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


ACCESS_LOGGER = "granian.access"

# The logging HOWTO's « Optimization »: what no line shows is not collected (thread and
# process names, the caller's file and line), since the access log writes one per request.
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False
logging._srcfile = None


def _json(value) -> str:
    """A JSON value as json.dumps(…, ensure_ascii=False) writes it, for the plain values of
    an access line, without its per-call setup."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(_plain(value), ensure_ascii=False)


class _Second:
    """The date and time of the current second, written once for all its lines (one
    tuple, replaced whole: the threads of a server read it without a lock)."""

    written: tuple[int, str] = (-1, "")


def _line_time(created: float) -> str:
    second = int(created)
    written, text = _Second.written
    if written != second:
        text = datetime.fromtimestamp(second, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _Second.written = (second, text)
    return f"{text}.{int((created - second) * 1000):03d}+00:00"


class JsonFormatter(logging.Formatter):
    """A JSON object per line. Granian's access log passes its fields as a dict of
    arguments: they become fields of the line too."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == ACCESS_LOGGER and isinstance(record.args, dict):
            return self.format_access(record)
        return self.format_any(record)

    def format_access(self, record: logging.LogRecord) -> str:
        """A line of Granian's access log: the same line as format_any() makes of it,
        written out directly (one per request: a 304 costs the server little more)."""
        args = record.args
        assert isinstance(args, dict)
        parts = [
            '{"time": "',
            _line_time(record.created),
            '", "level": ',
            _json(record.levelname),
            ', "logger": ',
            _json(record.name),
            ', "message": ',
            _json(record.msg % args),
        ]
        for name, value in args.items():
            if name != "time" and name[0] != "_":
                parts += [', "', name, '": ', _json(value)]  # Granian's names: plain words
        header = args.get("_h0", "-")
        rid = request_id.get() or ("" if header == "-" else str(header))
        if rid:
            parts += [', "request_id": ', _json(rid)]
        parts.append("}")
        return "".join(parts)

    def format_any(self, record: logging.LogRecord) -> str:
        line = {
            "time": _line_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if isinstance(record.args, dict):
            # Granian's access log: its header atom (X-Request-ID, see config/server.py)
            # arrives as "_h0", "-" when absent.
            header = str(record.args.get("_h0", "-"))
            rid = rid or ("" if header == "-" else header)
            for name, value in record.args.items():
                if not name.startswith("_"):
                    line.setdefault(name, _plain(value))
        if rid:
            line["request_id"] = rid
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                line.setdefault(name, _plain(value))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING: everything to stdout through one handler, in `log_format`."""
    formatter = (
        {"()": "pepites.core.logging.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pepites.core.logging.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (mail to admins, the console only in DEBUG) give way
            # to the root's, so its lines are formatted like every other.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            # The cache's unavailability and recovery are always worth a line.
            "pepites.cache": {"level": "WARNING"},
        },
    }


def init_error_reporting(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Send unhandled errors and ERROR log lines to a Sentry-compatible service. No
    personal data (addresses, cookies, user) is sent; the request id goes as a tag."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    def tag_request_id(event, hint):
        rid = request_id.get()
        if rid:
            event.setdefault("tags", {})["request_id"] = rid
        return event

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=tag_request_id,
    )
