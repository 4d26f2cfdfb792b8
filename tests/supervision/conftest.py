import pytest
from flask import g

from ..factories import PASSWORD
from ..pdfs import pdf_fonts, pdf_text  # noqa: F401  (fixtures)


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
def as_user(app):
    """A fresh client signed in as the user (the test's context forgets its last user)."""
    def sign_in(user):
        g.pop("_login_user", None)
        client = app.test_client()
        assert client.post("/login", data={"username": user.username,
                                           "password": PASSWORD}).status_code == 302
        g.pop("_login_user", None)
        return client

    return sign_in


@pytest.fixture
def committees(make, world):
    """Political-legal committees (政法委) with one reader each: the district's (the centre's
    level), the city's above it, and another district's."""
    city = world["district"].parent
    other = make.region(level="district", parent=city)

    def reader(region):
        return make.user(role="committee",
                         institution=make.institution(kind="committee", region=region))

    return {"district": reader(world["district"]), "city": reader(city),
            "other": reader(other)}
