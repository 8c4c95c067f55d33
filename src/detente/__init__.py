"""detente: a sourced, queryable record of conflict and diplomacy read from the news."""

from detente.errors import DetenteError, EvalError, InputError, ResourceError, StoreError
from detente.pipeline import Extractor
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Attribution,
    Delegation,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Position,
    Proposal,
    Provision,
    Reading,
    Round,
    Span,
    TimeValue,
    to_dict,
)

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "ActorMention",
    "Article",
    "Attribution",
    "Delegation",
    "DetenteError",
    "EvalError",
    "Event",
    "Evidence",
    "Extractor",
    "InputError",
    "Place",
    "PlaceMention",
    "Position",
    "Proposal",
    "Provision",
    "Reading",
    "ResourceError",
    "Round",
    "Span",
    "StoreError",
    "TimeValue",
    "__version__",
    "to_dict",
]
