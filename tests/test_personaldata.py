"""Parties' ID numbers and phones are encrypted at rest (AES-GCM, key outside the
database), found by a keyed blind index, and re-encrypted by `flask data-keys rotate`."""

import secrets

from sqlalchemy import text

from mediation_app.casefile.models import Party
from mediation_app.cases.queries import CaseFilters, list_cases
from mediation_app.extensions import db
from mediation_app.warnings.services import repeats_between_same_parties

from .api.test_cases_api import _auth
from .factories import id_number
from .test_migrations import scratch_app  # noqa: F401  (fixture)

PHONE = "13912345678"


def _stored(session, party_id):
    return session.execute(text("SELECT id_number, phone, id_number_index FROM parties "
                                "WHERE id = :id"), {"id": party_id}).one()


def test_id_numbers_and_phones_are_stored_encrypted_and_read_back_plain(make, session):
    number = id_number()
    case = make.case(parties=[make.party(id_number=number, phone=PHONE), make.party()])
    make.commit()
    party = case.parties[0]
    stored_number, stored_phone, index = _stored(session, party.id)
    assert stored_number.startswith("enc1:") and number not in stored_number
    assert stored_phone.startswith("enc1:") and PHONE not in stored_phone
    assert len(index) == 64 and number not in index
    session.expire_all()
    assert (session.get(Party, party.id).id_number, session.get(Party, party.id).phone) == \
        (number, PHONE)


def test_the_same_number_is_encrypted_differently_each_time(make, session):
    number = id_number()
    case = make.case(parties=[make.party(id_number=number), make.party(id_number=number)])
    make.commit()
    first, second = (_stored(session, party.id) for party in case.parties)
    assert first.id_number != second.id_number and first.id_number_index == second.id_number_index


def test_the_case_list_finds_a_case_by_a_whole_id_number_or_phone(make, session):
    number = id_number()
    mediator = make.user()
    case = make.case(by=mediator, parties=[make.party(id_number=number, phone=PHONE),
                                           make.party()])
    make.case(by=mediator)
    make.commit()
    for text_searched in (number, number.lower(), PHONE, "139 1234 5678"):
        page = list_cases(session, mediator, CaseFilters(text=text_searched), cursor=None,
                          per_page=25)
        assert [found.id for found in page.items] == [case.id], text_searched


def test_the_case_list_page_and_api_search_by_id_number(make, login, client):
    number = id_number()
    mediator = make.user()
    case = make.case(by=mediator, parties=[make.party(id_number=number), make.party()])
    secret = make.token(mediator)
    make.commit()
    body = client.get(f"/api/v1/cases?q={number}", headers=_auth(secret)).json
    assert [item["id"] for item in body["items"]] == [case.id]
    assert case.case_no in login(mediator).get(f"/cases/?q={number}").get_data(as_text=True)


def test_a_repeat_dispute_is_still_recognised_through_the_blind_index(make, session):
    number = id_number()
    mediator = make.user()
    make.case(by=mediator, parties=[make.party(id_number=number),
                                    make.party(name="李四", phone=PHONE)])
    later = make.case(by=mediator, parties=[make.party(id_number=number),
                                            make.party(name="李四", phone=PHONE)])
    make.commit()
    assert repeats_between_same_parties(session, later, months=12)


def test_rotation_re_encrypts_under_the_new_key_which_alone_reads_them(
        app, make, session, other_app):
    number = id_number()
    case = make.case(parties=[make.party(id_number=number, phone=PHONE), make.party()])
    make.commit()
    party_id = case.parties[0].id
    key_before = _stored(session, party_id).id_number.split(":")[1]
    session.commit()
    rotated = other_app(DATA_KEY=secrets.token_bytes(32), DATA_OLD_KEYS=[app.config["DATA_KEY"]])
    with rotated.app_context():
        result = rotated.test_cli_runner().invoke(args=["data-keys", "rotate"])
        assert result.exit_code == 0 and "of 2 parties" in result.output
        key_after = _stored(db.session, party_id).id_number.split(":")[1]
        db.session.remove()
    assert key_after != key_before
    only_the_new_key = other_app(DATA_KEY=rotated.config["DATA_KEY"], DATA_OLD_KEYS=[])
    with only_the_new_key.app_context():
        assert db.session.get(Party, party_id).id_number == number
        db.session.remove()


def test_the_migration_encrypts_existing_values_and_its_downgrade_restores_them(
        scratch_app):  # noqa: F811  (the fixture imported above)
    from flask_migrate import downgrade, upgrade

    from mediation_app.personaldata import blind_index

    from .factories import Factories

    number = id_number()
    with scratch_app.app_context():
        upgrade()
        make = Factories(db.session)
        case = make.case(parties=[make.party(id_number=number, phone=PHONE), make.party()])
        party_id = case.parties[0].id
        db.session.commit()
        downgrade(revision="e5c7a9b1d3f5-1")
        assert _stored_plain(party_id) == (number, PHONE)
        upgrade()
        stored_number, stored_phone, index = _stored(db.session, party_id)
        assert stored_number.startswith("enc1:") and stored_phone.startswith("enc1:")
        assert index == blind_index(number)
        assert db.session.get(Party, party_id).id_number == number
        db.session.remove()


def _stored_plain(party_id):
    with db.engine.connect() as connection:
        return tuple(connection.execute(text("SELECT id_number, phone FROM parties WHERE id = :id"),
                                        {"id": party_id}).one())
