"""Progress of a job that any process may read: in Redis when REDIS_URL is set (kept a day),
else in this process's memory (the job runs in a thread of the process that shows it).
Progress is advisory: should Redis fail, the job goes on and the reader sees none."""

from __future__ import annotations

import logging

from flask import Flask

from .queue import connection, redis_url

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
_memory: dict[str, tuple[int, int | None]] = {}


def is_shared(app: Flask) -> bool:
    """True when other processes read what `record` writes."""
    return redis_url(app) is not None


def _key(key: str) -> str:
    return f"mediation:progress:{key}"


def record(app: Flask, key: str, done: int, total: int | None) -> None:
    url = redis_url(app)
    if url is None:
        _memory[key] = (done, total)
        return
    try:
        redis = connection(url)
        redis.hset(_key(key), mapping={"done": done, "total": -1 if total is None else total})
        redis.expire(_key(key), TTL_SECONDS)
    except Exception:
        log.warning("progress of %s not recorded in Redis", key, exc_info=True)


def read(app: Flask, key: str) -> tuple[int, int | None] | None:
    url = redis_url(app)
    if url is None:
        return _memory.get(key)
    try:
        values = connection(url).hgetall(_key(key))
    except Exception:
        log.warning("progress of %s not readable from Redis", key, exc_info=True)
        return None
    if not values:
        return None
    total = int(values[b"total"])
    return int(values[b"done"]), None if total < 0 else total


def clear(app: Flask, key: str) -> None:
    url = redis_url(app)
    if url is None:
        _memory.pop(key, None)
        return
    try:
        connection(url).delete(_key(key))
    except Exception:
        log.warning("progress of %s not cleared from Redis", key, exc_info=True)
