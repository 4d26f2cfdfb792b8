"""Long work as jobs: ledger imports, requested monthly reports and issued documents. With
REDIS_URL set they go on an RQ queue that `flask jobs worker` processes run; without it they
run in-process as they always did (an import in a thread of the web process; a requested
report in the scheduler process, which polls the requests; a document in the request that
issues it). Jobs are named in `registry` by the dotted path of a function, so this package
imports none of the features it runs."""

from .queue import Handle, Outcome, enqueue, outcome, redis_url

__all__ = ["Handle", "Outcome", "enqueue", "outcome", "redis_url"]
