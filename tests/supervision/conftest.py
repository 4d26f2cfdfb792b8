import pytest
from flask import g


@pytest.fixture
def world(make):
    """A district with its governance centre (dispatcher), a town committee (mediator, who
    files the case) and another district whose mediator must see none of it."""
    city = make.region()
    district = make.region(level="district", parent=city)
    town = make.region(level="town", parent=district)
    other = make.region(level="district", parent=city)
    centre = make.institution(kind="governance_centre", region=district)
    return {
        "district": district, "town": town, "centre": centre,
        "dispatcher": make.user(role="dispatcher", institution=centre),
        "mediator": make.user(institution=make.institution(region=town)),
        "stranger": make.user(institution=make.institution(region=other)),
        "foreign_dispatcher": make.user(role="dispatcher", institution=make.institution(
            kind="governance_centre", region=other)),
    }


@pytest.fixture
def as_user(login):
    """A client signed in as the user (forgetting whoever the test context signed in)."""
    def sign_in(user):
        g.pop("_login_user", None)
        client = login(user)
        g.pop("_login_user", None)
        return client

    return sign_in
