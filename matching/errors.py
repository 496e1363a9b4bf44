"""Errors raised by the matching package; each says who raises it and what to check."""
from __future__ import annotations


class MatchingError(Exception):
    """Base class for every error the matching package raises."""


class TaxonomyError(MatchingError):
    """Raised by load_taxonomy when a packaged data file is missing or malformed."""


class UnknownCodeError(MatchingError, KeyError):
    """Raised by Taxonomy lookups for a code, programme or FORD field that the data does not hold."""

    def __str__(self) -> str:  # KeyError quotes its message; a person should read it plainly
        return str(self.args[0]) if self.args else ""


class ModelError(MatchingError):
    """Raised by train_model and LearnedModel.from_bytes for unusable training data or bytes."""


class ResearchInputError(MatchingError):
    """Raised by check_research_text and build_research_profile (matching/research.py) for text too long to
    be a description of one person's research, or a profile with nothing to read."""
