"""A bounded Schemathesis run against the served OpenAPI document, as a mediator and as a
dispatcher, with a fixed seed: no answer may be a 5xx or break the document (status codes,
content types, response schemas). PostgreSQL only (where ids beyond its integer and NUL
characters used to fail); part of `make test` when TEST_DATABASE_URL points at it."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="needs TEST_DATABASE_URL pointing at PostgreSQL"),
]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 15))


@pytest.fixture
def tokens(make):
    """A mediator with a case of their own and a dispatcher of the same district."""
    mediator = make.user()
    make.case(by=mediator)
    dispatcher = make.user(role="dispatcher", institution=make.institution(
        kind="governance_centre", region=mediator.institution.region))
    secrets = {"mediator": make.token(mediator), "dispatcher": make.token(dispatcher)}
    make.commit()
    return secrets


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_api_answer_is_a_server_error_or_breaks_the_document(app, tokens):
    operations = _operations(app)
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @seed(20261201)
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def probe(case):
            for role in ("mediator", "dispatcher"):
                case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"},
                                       checks=CHECKS)

        probe()
