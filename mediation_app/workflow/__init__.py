"""The workflow engine: definitions loaded from YAML, checked, and fired.

Pure Python: imports neither Flask nor SQLAlchemy. Guards are looked up by name in
`guards.GUARDS`; nothing in a definition file is evaluated as code."""

from .definition import Deadline, Definition, ReferralRule, State, Transition
from .engine import Option, TransitionRefused, available, fire
from .loader import DefinitionInvalid, Problem, load_definition, parse_definition

__all__ = [
    "Deadline", "Definition", "DefinitionInvalid", "Option", "Problem", "ReferralRule", "State",
    "Transition", "TransitionRefused", "available", "fire", "load_definition", "parse_definition",
]
