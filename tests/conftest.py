"""Shared fixtures: the seed collection, editors and superusers, an entry factory, and a
small thesaurus (the Kuril Islands, the Northern Territories under them, Iturup under
those, and Motegi beside them)."""

import itertools

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.entities import gazetteer
from archive.models import Entry, Source, Status, Topic
from archive.services.importing import import_manifest
from archive.thesaurus.models import Concept, ConceptLabel

_counter = itertools.count(1)


@pytest.fixture
def seed(db):
    """The curated seed collection, loaded exactly as `manage.py load_seed` does."""
    import_manifest(settings.ARCHIVE_SEED_DIR)
    return {entry.external_id: entry for entry in Entry.objects.all()}


@pytest.fixture
def source(db):
    return Source.objects.create(name="Test Gazette", slug="test-gazette", kind="news_outlet")


@pytest.fixture
def make_entry(db):
    def make(**overrides):
        number = next(_counter)
        values = {
            "title": f"Test entry {number}",
            "body": f"Body text of test entry number {number}.",
            "language": "en",
            "status": Status.PUBLISHED,
        }
        values.update(overrides)
        return Entry.objects.create(**values)

    return make


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def verified_login(client, user):
    """Signed in with the password and a second factor (an authenticator app), as every
    staff session must be before it reaches the admin."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def editor_client(client, editor):
    return verified_login(client, editor)


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser("chief", password="correct horse battery")
    return verified_login(client, user)


@pytest.fixture(autouse=True)
def search_index_dir(settings, tmp_path):
    """Every test gets its own, initially empty, index folder."""
    from archive import search
    from archive.search.sync import storage

    settings.ARCHIVE_INDEX_DIR = tmp_path / "index"
    settings.ARCHIVE_INDEX_LOCK_TIMEOUT = 1
    storage.searchers.clear()
    yield settings.ARCHIVE_INDEX_DIR
    # A rebuild that search() started in the background must not outlive its test.
    search.wait_for_background_rebuild()
    storage.searchers.clear()


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch):
    """Commands speak the terminal's language: tests read them in English, whatever the
    machine's locale (a test of another language sets its own)."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def entities_by_command(settings):
    """Tests read an entry's people, places and organizations only when they ask for it
    (the models take seconds to load): the entity tests turn extraction on save back on."""
    settings.ARCHIVE_ENTITIES_ON_SAVE = "off"
    yield
    gazetteer.forget()  # the gazetteer a test's concepts made goes with its database


@pytest.fixture(autouse=True)
def ocr_in_the_request(settings):
    """A scan queued for OCR is read after the test's commit, in its own thread of
    control (not a background thread a test would have to wait for)."""
    settings.ARCHIVE_OCR_ON_CAPTURE = "now"


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in another language leaves it active in the thread: start each test in
    English, as a new request or command would."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Tests make requests faster than any person: only the tests of the limits (which
    set their own) meet them."""
    settings.ARCHIVE_RATE_LIMITS = {
        "search": "100000/m",
        "api": "100000/m",
        "export": "100000/m",
        "wildcard": "100000/m",
        "suggest": "100000/m",
    }


@pytest.fixture
def indexed_seed(seed):
    """The seed collection, published and indexed."""
    from archive import search

    search.rebuild()
    return seed


@pytest.fixture
def empty_index(db):
    from archive import search

    search.rebuild()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (index updates) as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


def create_concept(key: str, *labels, broader=(), **fields) -> Concept:
    """``labels``: (language, kind, text), kind "preferred", "alternative" or "hidden"."""
    concept = Concept.objects.create(key=key, **fields)
    for language, kind, text in labels:
        ConceptLabel.objects.create(concept=concept, language=language, kind=kind, text=text)
    concept.broader.set(broader)
    return concept


@pytest.fixture
def make_concept(db):
    """``make_concept(key, (language, kind, text), …, broader=[…], **fields)``."""
    return create_concept


@pytest.fixture
def kurils(db):
    islands = create_concept(
        "kuril-islands",
        ("en", "preferred", "Kuril Islands"),
        ("en", "alternative", "Kurils"),
        ("ru", "preferred", "Курильские острова"),
        ("ja", "preferred", "千島列島"),
        scope_note="The island chain between Hokkaido and Kamchatka.",
        note="Checked against the Wikipedia articles in three languages.",
    )
    territories = create_concept(
        "northern-territories",
        ("en", "preferred", "Northern Territories"),
        ("ru", "preferred", "Южные Курилы"),
        ("ja", "preferred", "北方領土"),
        ("ja", "alternative", "北方四島"),
        broader=[islands],
    )
    iturup = create_concept(
        "iturup",
        ("en", "preferred", "Iturup"),
        ("en", "hidden", "Iturup Island"),
        ("ru", "preferred", "Итуруп"),
        ("ja", "preferred", "択捉島"),
        broader=[territories],
    )
    motegi = create_concept(
        "toshimitsu-motegi",
        ("en", "preferred", "Toshimitsu Motegi"),
        ("en", "alternative", "Motegi"),
        ("ru", "preferred", "Тосимицу Мотэги"),
        ("ja", "preferred", "茂木敏充"),
    )
    return {"islands": islands, "territories": territories, "iturup": iturup, "motegi": motegi}


@pytest.fixture
def topic_tree(db, make_entry):
    """Twelve broad topics, Economy with Energy (and its Gas) and Fisheries under it, and
    entries carrying them; searched with "harbour". Indexed by a rebuild."""
    from archive import search

    economy = Topic.objects.create(name="Economy", slug="economy")
    energy = Topic.objects.create(name="Energy", slug="energy", parent=economy)
    gas = Topic.objects.create(name="Gas", slug="gas", parent=energy)
    fisheries = Topic.objects.create(name="Fisheries", slug="fisheries", parent=economy)
    broad = [
        Topic.objects.create(name=f"Broad topic {letter}", slug=f"broad-{letter}")
        for letter in "abcdefghijk"
    ]
    for topics in ([gas], [gas], [fisheries], [energy], *([topic] for topic in broad)):
        make_entry(body="A harbour in the north.").topics.set(topics)
    make_entry(body="An undated harbour note.")
    search.rebuild()
    return {"economy": economy, "energy": energy, "gas": gas, "fisheries": fisheries}
