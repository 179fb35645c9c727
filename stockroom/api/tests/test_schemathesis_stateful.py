"""Schemathesis, stateful: sequences of calls chained by the links it infers from the schema
(a list's or a create's ids feed the detail, update, delete and action operations), over every
operation, as a real owner pinned to their organization. Any 5xx or a response that breaks its
documented schema fails the run."""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from django.core.cache import cache
from django.db import transaction

from .conftest import access_token_for
from .test_schema import keep_test_connection, schema, seeded_owner, unthrottled  # noqa: F401

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _rule_name(path: str) -> str:
    """The path as schemathesis names it in a link rule: "/api/v1/a-b/{id}/" -> "api_v1_a_b_id"."""
    return path.strip("/").replace("/", "_").replace("-", "_").replace("{id}", "id")


def test_links_reach_every_operation():
    """The inferred links name every operation with an `{id}`: the stateful run can reach
    each one with real ids, not only with random ones."""
    workflow = schema.as_state_machine()
    linked = {
        name.rsplit("__", 1)[1]
        for name in dir(workflow)
        if name.count("__") >= 2 and "_200_" in name
    }
    operations = {
        f"{method.upper()}_{_rule_name(path)}_"
        for path, methods in schema.raw_schema["paths"].items()
        if "{id}" in path
        for method in methods
        if method in ("get", "put", "patch", "delete", "post")
    }

    assert operations - linked == set()


# Bounded: a few scenarios of a few steps each keep the run near a minute on two cores; CI runs
# it on PostgreSQL, the production engine.
@pytest.mark.postgres
def test_linked_calls_conform_to_the_schema(seeded_owner, unthrottled, keep_test_connection):  # noqa: F811
    headers = {
        "Authorization": f"Bearer {access_token_for(seeded_owner)}",
        "X-Organization": str(seeded_owner.organization_id),
    }

    class Workflow(schema.as_state_machine()):
        def setup(self):
            # Each scenario starts from the seeded rows: hypothesis replays a failing scenario to
            # report it, and rows left by earlier scenarios would make the replay differ.
            self._scenario = transaction.atomic()
            self._scenario.__enter__()
            cache.clear()

        def teardown(self):
            transaction.set_rollback(True)
            self._scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            # The generated X-Organization is random: pin it to the owner's organization so the
            # calls reach real rows instead of stopping at the membership check.
            case.headers = {**(case.headers or {}), **headers}
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
