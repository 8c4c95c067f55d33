"""Direction of weekdays from the parse: the tagger with `grammar.tense_at` (slow: spaCy)."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from detente.grammar import tense_at
from detente.timex import TimeTagger

pytestmark = pytest.mark.slow

ANCHOR = date(2025, 6, 4)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The delegations met on Monday in Istanbul.", "2025-06-02"),
        ("The delegations will meet on Monday in Istanbul.", "2025-06-09"),
        ("The truce had been due to expire on Friday.", "2025-05-30"),
        ("The truce is expected to expire on Friday.", "2025-06-06"),
        ("Officials said on Wednesday that talks resume.", "2025-06-04"),
        ("The minister is to visit Ankara on Monday.", "2025-06-09"),  # "is to": a plan
        ("The minister was in Ankara on Monday.", "2025-06-02"),
        ("Officials postponed the vote until Monday.", "2025-06-09"),  # a deadline
        ("The guests stayed until Monday.", "2025-06-02"),
    ],
)
def test_weekday_direction_from_the_clause_tense(nlp: Language, text: str, value: str) -> None:
    doc = nlp(text)
    tagger = TimeTagger(tense_of=lambda offset: tense_at(doc, offset))
    [found] = [v for v in tagger.tag(text, article_id="a", anchor=ANCHOR) if v.type == "DATE"]
    assert found.value == value
