"""The case list's filter offers the institutions and regions of the reader's region. They
are kept per process (not read on every page): a change made here shows on the next page,
a change made by another process (another web worker, an import command) within a minute."""

from sqlalchemy import update

from mediation_app.directory import choices
from mediation_app.directory.models import Region


def _filter_offers(client, name: str) -> bool:
    return f">{name}</option>" in client.get("/cases/").get_data(as_text=True)


def test_an_institution_added_in_this_process_is_offered_on_the_next_page(make, login):
    dispatcher = make.user(role="dispatcher")
    make.commit()
    client = login(dispatcher)
    assert not _filter_offers(client, "新设调委会")
    make.institution(name="新设调委会", region=dispatcher.institution.region)
    make.commit()
    assert _filter_offers(client, "新设调委会")


def test_a_region_renamed_elsewhere_shows_its_new_name_once_the_copy_is_a_minute_old(
        make, login, session, monkeypatch):
    dispatcher = make.user(role="dispatcher")
    town = make.region(level="town", parent=dispatcher.institution.region, name="旧镇")
    make.commit()
    client = login(dispatcher)
    assert _filter_offers(client, "\u3000旧镇")
    # as another process would: no change passes through this process's sessions
    session.execute(update(Region).where(Region.id == town.id).values(name="新镇"))
    session.commit()
    assert _filter_offers(client, "\u3000旧镇")
    later = choices.time.monotonic() + choices.STALE_SECONDS + 1
    monkeypatch.setattr(choices.time, "monotonic", lambda: later)
    assert _filter_offers(client, "\u3000新镇")
