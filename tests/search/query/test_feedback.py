"""Feedback (RM3) for questions: the words a question's best entries share reorder what
it found; short keyword queries and operator queries are ranked by their own words."""

from collections import Counter

import pytest

from archive.search.analysis import multilingual_analyzer
from archive.search.query import feedback
from tests.search.helpers import run, titles

# Asked as a question (five words and more): about libraries lending books.
QUESTION = "how do public libraries lend their books to readers"

LIBRARY_WORDS = "circulation desks record loans, renewals and reservations in the catalogue"


@pytest.fixture
def libraries(make_entry, committed, empty_index):
    with committed():
        for town in ("Osaka", "Tomsk", "Kobe", "Irkutsk", "Sendai"):
            make_entry(
                title=f"The public libraries of {town}",
                body=f"Public libraries lend books to readers. {LIBRARY_WORDS}.",
            )
        # About lending, in the libraries' own words, naming one word of the question.
        make_entry(
            title="Loans at the circulation desk",
            body=f"In libraries, {LIBRARY_WORDS}; loans and renewals by post and telephone.",
        )
        # Two of the question's words, in another sense: account books and their readers.
        make_entry(
            title="Merchant accounts",
            body="Merchants kept books and books of accounts, read by readers.",
        )
        for subject in ("Fisheries", "Energy", "Visas", "Sakhalin", "Shipping"):
            make_entry(title=f"{subject} talks", body=f"{subject} talks between the governments.")


def without_feedback(monkeypatch):
    monkeypatch.setattr(feedback, "FEEDBACK_WORDS", 0)


def test_a_question_is_reordered_by_the_words_its_best_entries_share(libraries, monkeypatch):
    page = run(QUESTION)
    assert page.reading == "question"
    order = titles(page)
    # The loans entry shares the best entries' words: it comes before the accounts.
    assert order.index("Loans at the circulation desk") < order.index("Merchant accounts")
    without_feedback(monkeypatch)
    plain = run(QUESTION)
    assert titles(plain).index("Loans at the circulation desk") > titles(plain).index(
        "Merchant accounts"
    )
    # Feedback reorders; it finds nothing the question did not.
    assert page.total == plain.total
    assert sorted(order) == sorted(titles(plain))


def test_feedback_adds_no_entry_the_question_did_not_find(libraries, make_entry, committed):
    with committed():
        make_entry(title="Reservations", body=f"{LIBRARY_WORDS}.")  # no word of the question
    page = run(QUESTION)
    assert "Reservations" not in titles(page)


def test_short_keyword_queries_and_operators_get_no_feedback(libraries, monkeypatch):
    asked = []
    original = feedback.feedback_query
    monkeypatch.setattr(
        feedback,
        "feedback_query",
        lambda *args: asked.append(args) or original(*args),
    )
    assert run("libraries books").reading == "all"
    assert run('"public libraries" OR readers').reading == "operators"
    assert run(QUESTION, sort="newest").total
    assert not asked
    run(QUESTION)
    assert len(asked) == 1


def test_a_specific_question_gets_no_feedback(libraries, monkeypatch):
    """Rare words on average (a specific subject): its best entries' other words would
    lead away from it."""
    asked = []
    monkeypatch.setattr(feedback, "feedback_query", lambda *args: asked.append(args))
    run("what did the Irkutsk and Tomsk and Sendai talks decide")
    assert not asked


def test_an_entry_of_a_few_words_does_not_lend_them_a_whole_pages_weight():
    analyzer = multilingual_analyzer()
    short = "Lending policies"
    long = "Interlibrary lending between university libraries " * 5 + "shelving and binding"
    model = feedback.relevance_model([(1.0, short), (1.0, long)], analyzer)
    words = Counter(token.text for token in analyzer(long))
    # Plain tf / length would give "polici" (once in two words) the weight of a half.
    assert model["polici"] < model["lend"]
    assert model["lend"] == pytest.approx(
        0.5 / (2 + feedback.SMOOTHING) + 0.5 * words["lend"] / (sum(words.values()) + 100)
    )
