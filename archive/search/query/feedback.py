"""Pseudo-relevance feedback for questions (RM3): the words the best entries share
reorder the entries a question found.

A question pasted as prose names its subject in its own words, rarely in the words the
archive's entries use. The first ranking's best entries are mostly about the subject:
their words, weighed by how well each entry ranked and how much of its text a word is,
form a model of the subject (Lavrenko and Croft's relevance model). Its strongest words
are added to the question's own, which keep most of the weight (Jaleel et al.'s RM3).

Two choices make it hold on collections unlike each other (docs/relevance.md):

- An entry's words are weighed as ``tf / (length + SMOOTHING)`` (a Dirichlet-smoothed
  document model without its background part), so an entry of eight words (a title
  alone) does not lend each of them the weight of a whole page's subject: with plain
  ``tf / length`` such entries' words crowded out the rest, and feedback hurt CACM.
- The added words only reorder what the question found (their scores are added to its
  RERANKED best matches, ``Matches.add_scores``, as rerankers do: the cost follows that
  number, not the archive's size): the total, the facets and the snippets are the
  question's own, as the searcher asked it.

Short keyword queries and operator queries never get feedback: the searcher chose every
word. Words in a single entry of the archive are left out (they tell no entries apart),
as are numbers and one-character words.
"""

import math
import statistics
from collections import Counter

from archive.search.fields import DEFAULT_FIELD_BOOSTS
from archive.search.query.ranking import CombinedFields, inverse_document_frequency

FEEDBACK_ENTRIES = 10  # the best entries of the first ranking read for their words
FEEDBACK_WORDS = 20  # words added to the question
QUESTION_SHARE = 0.6  # the question's words' share of the weight; feedback has the rest
SMOOTHING = 100  # μ: words an entry's length is counted as having beyond its own
TEXT_CHARACTERS = 5_000  # of each entry's text read (a long entry's start says enough)
RERANKED = 1000  # the question's best entries the added words reorder
# Where an added word counts, weighted as a question's words are: title and text (a
# summary mostly repeats the text; each field is another posting list to read).
FEEDBACK_FIELDS = {field: DEFAULT_FIELD_BOOSTS[field] for field in ("title", "body")}
SPECIFIC_QUESTION = 0.45  # mean idf / log(entries) from which a question is specific


def question_words(query) -> list:
    """The question's words (``CombinedFields``), as its query holds them."""
    if isinstance(query, CombinedFields):
        return [query]
    return [word for child in query.children() for word in question_words(child)]


def is_specific(question, index_statistics) -> bool:
    """Whether the question's words are rare on average (their mean idf, against that of
    a word in one entry): a specific subject, about which few entries are, so the best
    entries' other words would lead away from it."""
    documents = index_statistics.documents
    words = question_words(question)
    if not words or documents < 2:
        return True
    rarity = statistics.fmean(
        inverse_document_frequency(
            documents,
            max(index_statistics.doc_frequency(field, text) for field, text in word.terms()),
        )
        for word in words
    )
    return rarity / math.log(documents) >= SPECIFIC_QUESTION


def question_weight(query) -> float:
    """The sum of the question's words' weights (each as often as it is written)."""
    return sum(word.boost for word in question_words(query))


def relevance_model(scored_texts, analyzer) -> Counter:
    """P(word | subject) up to a constant: each entry's ``tf / (length + μ)``, weighted
    by its share of the entries' scores. ``scored_texts``: (score, text) pairs."""
    total = sum(score for score, _ in scored_texts) or 1.0
    model: Counter = Counter()
    for score, text in scored_texts:
        counts = analyzer.word_counts(text)
        length = sum(counts.values())
        for word, count in counts.items():
            model[word] += (score / total) * count / (length + SMOOTHING)
    return model


def feedback_words(model: Counter, index_statistics) -> list[tuple[str, float]]:
    """The model's strongest words that tell entries apart, with their weights."""
    chosen = []
    for word, weight in model.most_common():
        if len(chosen) == FEEDBACK_WORDS:
            break
        if max(index_statistics.doc_frequency(field, word) for field in FEEDBACK_FIELDS) > 1:
            chosen.append((word, weight))
    return chosen


def feedback_query(question, scored_texts, analyzer, index_statistics) -> list[CombinedFields]:
    """The words of the question's best entries (``scored_texts``: their scores and
    texts), each weighted to be added to the question's scores; none if there are none."""
    words = feedback_words(relevance_model(scored_texts, analyzer), index_statistics)
    total = sum(weight for _, weight in words)
    if not total:
        return []
    # RM3 interpolates QUESTION_SHARE × question / its weight + the rest × model / its
    # weight; multiplied through by the question's weight / QUESTION_SHARE, the
    # question's clauses keep their boosts and only the added words need one.
    scale = (1 - QUESTION_SHARE) / QUESTION_SHARE * question_weight(question) / total
    return [
        CombinedFields(
            [(field, word, boost) for field, boost in FEEDBACK_FIELDS.items()],
            boost=scale * weight,
        )
        for word, weight in words
    ]
