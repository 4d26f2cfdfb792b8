"""The workflow files hold Chinese labels; the English interface shows them in English from
workflows/translations/en.yaml, and the documents stay Chinese whatever the reader's
language."""

from mediation_app.handlings.catalog import catalog

ENGLISH = {"Accept-Language": "en"}


def test_a_workflow_page_in_english_shows_its_states_and_steps_in_english(make, login):
    client = login(make.user())

    page = client.get("/workflows/peoples_committee", headers=ENGLISH).get_data(as_text=True)

    assert "People&#39;s mediation committee" in page
    assert "Start mediation" in page and "开始调解" not in page


def test_a_workflow_page_in_chinese_keeps_the_labels_of_the_file(make, login):
    client = login(make.user())

    page = client.get("/workflows/peoples_committee").get_data(as_text=True)

    assert "人民调解委员会调解" in page and "开始调解" in page
    assert "Start mediation" not in page


def test_the_filing_form_offers_the_procedures_by_their_english_title(make, login):
    client = login(make.user(role="liaison", institution=make.institution(kind="court")))

    page = client.get("/cases/new", headers=ENGLISH).get_data(as_text=True)

    assert "Court mediation before filing" in page and "Court mediation during litigation" in page
    assert "法院诉前调解" not in page


def test_the_label_stays_chinese_in_the_data_the_engine_reads(app):
    with app.app_context():
        definition = catalog().get("peoples_committee")

    assert definition.title == "人民调解委员会调解"
    assert definition.state("mediating").label == "调解中"
