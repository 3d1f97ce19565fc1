"""One order's context, computed once and shared by every document of its set: the validated answers,
the derived values (facts/derived.py) and the pre-deposit assessment (risk/). A document adds only
`term`, what it calls itself (`this {{ term.en }}` / `本{{ term.zh }}`), and `party`, what it calls the
parties (`{{ party.seller.zh }}`: 卖方, or 受托方 in the manufacturing agreement), so one clause serves
every document."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from ..core.errors import InputError, Problem
from ..core.messages import message
from ..core.text import Text
from ..facts.derived import DERIVED_NAMES, derive
from ..interview.definitions import Interview
from ..risk.assess import Assessment, assess
from ..risk.summary import summary_context
from .bilingual import order_strings


@dataclass(frozen=True)
class OrderContext:
    answers: Mapping  # validated answers, as validation returned them; read, never changed
    interview: Interview  # the questions those answers were validated against
    assessment: Assessment
    values: Mapping  # what clause text and tables see: answers, derived values and `risk`
    # The documents built together from these answers: their interview decided which answers count
    # (a derived value uses an answer only when the interview asks it), so a document rebuilt to verify
    # it is rebuilt with the same set (its manifest's `set`).
    documents: tuple[str, ...] = ()

    @cached_property
    def strings(self) -> tuple[frozenset[str], frozenset[str]]:
        """bilingual.order_strings of the answers: what every document of the set checks its Chinese with."""
        return order_strings(self.answers, self.interview)

    def for_document(self, term: Text, roles: tuple[Text, Text] | None = None, document: str | None = None) -> dict:
        buyer, seller = roles or DEFAULT_ROLES
        named = {"document": document} if document else {}  # which document: the NNN's own forum
        return {**self.values, **named, "term": {"en": term.en, "zh": term.zh},
                "party": {"buyer": {"en": buyer.en, "zh": buyer.zh}, "seller": {"en": seller.en, "zh": seller.zh}}}


# what a document calls the parties unless its definition says otherwise (templates/<doc>.yaml `parties`)
DEFAULT_ROLES = (Text("Buyer", "买方"), Text("Seller", "卖方"))


_COMPUTED = message("expected.not_computed", "no answer of this name (it is a computed value)")
_AN_ANSWER = message("found.answer", "an answer")

def order_context(answers: dict, interview: Interview, source: str = "answers",
                  documents: tuple[str, ...] = ()) -> OrderContext:
    clash = DERIVED_NAMES & answers.keys()
    if clash:  # a derived value would hide the answer, or the answer the derived value
        raise InputError([Problem(source, name, _COMPUTED(), _AN_ANSWER())
                          for name in sorted(clash)])
    derived = derive(answers, interview)
    assessment = assess(answers, interview, derived=derived)
    values = {**answers, **derived, "risk": summary_context(assessment)}
    return OrderContext(answers, interview, assessment, values, documents)
