"""Every route × every role × own / foreign jurisdiction, with the expected answer.

"own" is a case the role's user may reach through their institution or region;
"foreign" is a case in another district, handled by another institution."""

import io

import pytest
from sqlalchemy import select

from mediation_app.auth.models import ApiToken

from mediation_app.cases import services
from mediation_app.db import utcnow
from mediation_app.storage import Storage

ROLES = ["anonymous", "mediator", "liaison", "dispatcher", "committee", "admin"]

# route -> expected status per role, for the role's own case
OWN_CASE = {
    "GET /cases/{id}":                       [302, 200, 200, 200, 200, 404],
    "GET /cases/{id}/edit":                  [302, 200, 200, 200, 403, 404],
    "GET /cases/{id}/parties/new":           [302, 200, 200, 200, 403, 404],
    "POST /cases/{id}/attachments":          [302, 302, 302, 302, 403, 404],
    "GET /cases/{id}/attachments/{att}":     [302, 200, 200, 200, 200, 404],
    "GET /api/v1/cases/{id}":                [401, 200, 200, 200, 200, 404],
}
# the same routes on a case of another district: nothing leaks
FOREIGN_CASE = {route: [302 if not route.startswith("GET /api") else 401] + [404] * 5
                for route in OWN_CASE}
GLOBAL = {
    "GET /":                                 [302, 200, 200, 200, 200, 302],
    "GET /cases/":                           [302, 200, 200, 200, 200, 403],
    "GET /cases/new":                        [302, 200, 200, 200, 403, 403],
    "GET /admin/users":                      [302, 403, 403, 403, 403, 200],
    "GET /admin/users/new":                  [302, 403, 403, 403, 403, 200],
    "GET /admin/regions":                    [302, 403, 403, 403, 403, 200],
    "GET /admin/institutions":               [302, 403, 403, 403, 403, 200],
    "GET /admin/tokens":                     [302, 403, 403, 403, 403, 200],
    "GET /api/v1/cases":                     [401, 200, 200, 200, 200, 200],
    "POST /api/v1/cases":                    [401, 422, 422, 422, 403, 403],
    "GET /admin/users/{uid}":                [302, 403, 403, 403, 403, 200],
    "POST /admin/users/{uid}/password":      [302, 403, 403, 403, 403, 302],
    "POST /admin/users/{uid}/active":        [302, 403, 403, 403, 403, 302],
    "GET /admin/institutions/{iid}":         [302, 403, 403, 403, 403, 200],
    "POST /admin/tokens/{tid}/revoke":       [302, 403, 403, 403, 403, 302],
    "GET /admin/users/{foreign_uid}":        [302, 403, 403, 403, 403, 404],
    "GET /admin/institutions/{foreign_iid}": [302, 403, 403, 403, 403, 404],
    "POST /admin/tokens/{foreign_tid}/revoke": [302, 403, 403, 403, 403, 404],
    "GET /healthz":                          [200, 200, 200, 200, 200, 200],
    "GET /api/v1/openapi.json":              [200, 200, 200, 200, 200, 200],
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(make, session, app):
    city = make.region()
    district = make.region(level="district", parent=city)
    town = make.region(level="town", parent=district)
    other_district = make.region(level="district", parent=city)
    users = {
        "mediator": make.user(role="mediator", institution=make.institution(region=town)),
        "liaison": make.user(role="liaison", institution=make.institution(kind="court",
                                                                           region=district)),
        "dispatcher": make.user(role="dispatcher", institution=make.institution(
            kind="governance_centre", region=district)),
        "committee": make.user(role="committee", institution=make.institution(
            kind="committee", region=district)),
        "admin": make.user(role="admin", institution=make.institution(kind="committee",
                                                                      region=district)),
    }
    own = {role: make.case(by=users[role]) for role in ("mediator", "liaison", "dispatcher")}
    own["committee"] = own["admin"] = own["mediator"]
    foreign_mediator = make.user(institution=make.institution(region=other_district))
    foreign = make.case(by=foreign_mediator)
    storage = Storage(app.config["MEDIATION_STORAGE"])
    attachments = {}
    for case, holder in [(own["mediator"], users["mediator"]), (own["liaison"], users["liaison"]),
                         (own["dispatcher"], users["dispatcher"]), (foreign, foreign_mediator)]:
        attachments[case.id] = services.add_attachment(
            session, case, filename="a.png", content=PNG, storage=storage,
            allowed=("image/png",), max_bytes=1024, actor=holder, now=utcnow()).id
    tokens = {role: make.token(user) for role, user in users.items()}
    make.token(foreign_mediator)
    make.commit()
    token_ids = {token.user_id: token.id for token in session.scalars(select(ApiToken))}
    ids = {
        "uid": users["mediator"].id, "iid": users["mediator"].institution_id,
        "tid": token_ids[users["mediator"].id], "foreign_uid": foreign_mediator.id,
        "foreign_iid": foreign_mediator.institution_id,
        "foreign_tid": token_ids[foreign_mediator.id],
    }
    return {"users": users, "own": own, "foreign": foreign, "attachments": attachments,
            "tokens": tokens, "ids": ids}


def _request(client, world, role, route, case=None):
    method, path = route.split(" ", 1)
    if case is not None:
        path = path.format(id=case.id, att=world["attachments"][case.id])
    else:
        path = path.format(**world["ids"])
    headers = {}
    if path.startswith("/api/") and role != "anonymous":
        headers["Authorization"] = f"Bearer {world['tokens'][role]}"
    if path == "/api/v1/cases" and method == "POST":
        return client.post(path, headers=headers, json={})
    data = {"file": (io.BytesIO(b""), "")} if path.endswith("/attachments") else None
    return client.open(path, method=method, headers=headers, data=data)


def _client_for(app, login, world, role):
    if role == "anonymous":
        return app.test_client()
    return login(world["users"][role])


def _cells(table):
    return [(route, role, expected[i]) for route, expected in table.items()
            for i, role in enumerate(ROLES)]


@pytest.mark.parametrize("route, role, expected", _cells(OWN_CASE))
def test_own_case_routes(app, login, world, route, role, expected):
    client = _client_for(app, login, world, role)
    case = world["own"].get(role, world["own"]["mediator"])
    assert _request(client, world, role, route, case).status_code == expected


@pytest.mark.parametrize("route, role, expected", _cells(FOREIGN_CASE))
def test_foreign_case_routes(app, login, world, route, role, expected):
    client = _client_for(app, login, world, role)
    assert _request(client, world, role, route, world["foreign"]).status_code == expected


@pytest.mark.parametrize("route, role, expected", _cells(GLOBAL))
def test_global_routes(app, login, world, route, role, expected):
    client = _client_for(app, login, world, role)
    assert _request(client, world, role, route).status_code == expected


PLACEHOLDERS = {"{id}": "<int:case_id>", "{att}": "<int:attachment_id>",
                "{uid}": "<int:user_id>", "{foreign_uid}": "<int:user_id>",
                "{iid}": "<int:institution_id>", "{foreign_iid}": "<int:institution_id>",
                "{tid}": "<int:token_id>", "{foreign_tid}": "<int:token_id>"}


def _as_rule(path: str) -> str:
    for placeholder, converter in PLACEHOLDERS.items():
        path = path.replace(placeholder, converter)
    return path


def test_every_route_is_in_the_matrix(app):
    covered = {_as_rule(route.split(" ", 1)[1]) for table in (OWN_CASE, GLOBAL) for route in table}
    public = {"/static/<path:filename>", "/login", "/logout", "/language/<code>"}
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes - covered - public == set()
