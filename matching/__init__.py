"""Matching: the taxonomy, text normalization, tagging and profile scoring.

Pure functions over text and the packaged data files in matching/data/; no database, no network.
"""
from __future__ import annotations

from .colleges import college_of
from .countries import Country, countries_named, find_host_country, load_countries
from .coverage import COVERAGES, find_coverage
from .details import COVERS, DETAILS_VERSION, CallDetails, find_details
from .amounts import Amount, find_amounts, parse_number
from .durations import Duration, find_duration
from .requirements import (DOCUMENTS, AgeLimit, LanguageTests, find_age_limit, find_language_tests, language_name,
                           study_language_codes)
from .deadlines import find_deadline
from .documents import SEARCH_VERSION, Searchable, search_document, search_terms
from .errors import MatchingError, ModelError, TaxonomyError, UnknownCodeError
from .language import detect_language
from .learned import LabeledExample, LearnedModel, train_model
from .normalize import normalize_arabic, normalize_english, normalize_text
from .partners import PartnerIndex, PartnerMention, PartnerNames, find_partners
from .profiles import Match, MatchItem, Profile, Reason, score_profile
from .research import (
    CallIndex, ProfileTerm, ResearchInputError, ResearchMatch, ResearchProfile, build_research_profile,
    check_research_text, shared_words,
)
from .records import KINDS, LEVELS, Evidence, FoundDeadline, Tag, Tagging
from .tagger import RuleScores, score_rules, tag_item
from .tagger import read_call_audiences
from .taxonomy import College, Field, FordField, Programme, Taxonomy, load_taxonomy
from .vocabulary import codes_for_category

__all__ = [
    "KINDS", "LEVELS", "College", "Evidence", "Field", "FordField", "FoundDeadline", "LabeledExample",
    # the search text of a call, its host country and how much it pays for
    "COVERAGES", "SEARCH_VERSION", "Country", "Searchable", "countries_named", "find_coverage", "find_host_country",
    "load_countries", "search_document", "search_terms",
    "LearnedModel", "Match", "MatchItem", "MatchingError", "ModelError", "Profile", "Programme",
    "Reason", "RuleScores", "Tag", "Tagging", "Taxonomy", "TaxonomyError", "UnknownCodeError",
    "codes_for_category", "detect_language", "find_deadline", "load_taxonomy", "normalize_arabic",
    "normalize_english", "normalize_text", "score_profile", "score_rules", "tag_item", "train_model",
    # partner institutions named in a call
    "PartnerIndex", "PartnerMention", "PartnerNames", "find_partners",
    # who a call is for (issue 15.4)
    "read_call_audiences",
    # what a call pays and asks (16.3)
    "COVERS", "DETAILS_VERSION", "DOCUMENTS", "AgeLimit", "Amount", "CallDetails", "Duration", "LanguageTests",
    "find_age_limit", "find_amounts", "find_details", "find_duration", "find_language_tests", "language_name",
    "parse_number", "study_language_codes",
    # a faculty member's research profile and the calls that share its words
    "CallIndex", "ProfileTerm", "ResearchInputError", "ResearchMatch", "ResearchProfile", "build_research_profile",
    "check_research_text", "shared_words",
    # the PPU college a profile's fields point to (reach, issue 15.6)
    "college_of",
]
