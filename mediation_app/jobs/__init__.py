"""Long work as jobs: ledger imports, requested monthly reports, issued documents (a party's
last signature by link included) and PDFs rendered for download. With REDIS_URL set they go
on an RQ queue that `flask jobs worker` processes run, and no web request renders a PDF;
without it they run in-process as they always did (an import in a thread of the web process;
a requested report in the scheduler process, which polls the requests; a document or a PDF
in the request that asks for it). Jobs are named in `registry` by the dotted path of a
function, so this package imports none of the features it runs."""

from .queue import Handle, Outcome, enqueue, outcome, redis_url

__all__ = ["Handle", "Outcome", "enqueue", "outcome", "redis_url"]
