"""Form letters: a digest rendered once per distinct content and filled in per person reads exactly as if rendered alone."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest

from fursa.digests import render_digest
from fursa.digests.compose import compose_digest
from fursa.digests.letters import FormLetters
from fursa.digests.selection import OpenCalls
from tests.digests.conftest import NOW, PERIOD
from tests.digests.test_render import CONFIG, call, person
from tests.digests.test_wire import NAMES

def digest_of(subscriber, sent=frozenset()):
    calls = [call(1), call(2, deadline=None), call(3, title="Closing <soon> & sent", deadline=NOW + timedelta(days=3))]
    return compose_digest(subscriber, OpenCalls(calls, now=NOW), sent_ids=set(sent), period=PERIOD, now=NOW,
                          config=CONFIG)


class CountingRender:
    def __init__(self, render=render_digest):
        self.render = render
        self.digests = []

    def __call__(self, digest, config):
        self.digests.append(digest)
        return self.render(digest, config)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language, disciplines, sent", [("en", ("0613",), ()), ("ar", ("0613",), (3,)),
                                                         ("en", (), (3,))])
def test_a_filled_letter_is_what_rendering_the_digest_alone_gives(language, disciplines, sent, name):
    digest = digest_of(person(language, name=name, disciplines=disciplines), sent=sent)
    letters = FormLetters(CONFIG, render_digest)
    letters._checked.add((language, bool(name)))  # compare here, not through the run's own self-check
    assert letters.render(digest) == render_digest(digest, CONFIG)


def test_subscribers_with_the_same_calls_share_one_rendering():
    counting = CountingRender()
    letters = FormLetters(CONFIG, counting)
    people = [replace_id(person("en", name=f"Person {number}"), number) for number in range(1, 6)]
    filled = [letters.render(digest_of(subscriber)) for subscriber in people]
    assert len(counting.digests) == 2, "one blank letter, and one direct rendering for the self-check"
    assert [letter.digest.subscriber_id for letter in filled] == [1, 2, 3, 4, 5]
    assert all(f"Hello Person {number}," in letter.text for number, letter in enumerate(filled, 1))
    assert len({letter.html for letter in filled}) == 5, "each has its own name and links"


def test_a_template_that_prints_the_name_another_way_turns_form_letters_off(caplog):
    def shouting(digest, config):  # as if a template printed {{ digest.name|upper }}
        rendered = render_digest(digest, config)
        return replace(rendered, text=rendered.text + digest.name.upper())

    letters = FormLetters(CONFIG, shouting)
    letters.render(digest_of(person("en", name="")))  # a reader without a name shows nothing amiss
    assert letters.enabled
    digest = digest_of(person("en", name="Lina"))
    with caplog.at_level(logging.ERROR):
        first = letters.render(digest)
    assert first.text.endswith("LINA") and not letters.enabled
    assert "rendering every digest directly" in caplog.text
    assert letters.render(digest_of(person("en", name="Omar"))).text.endswith("OMAR")


def test_a_digest_whose_links_are_not_in_the_usual_form_is_rendered_directly():
    counting = CountingRender()
    digest = replace(digest_of(person("en")), preferences_url="https://fursa.ppu.edu/preferences?token=a/b c")
    assert FormLetters(CONFIG, counting).render(digest) == render_digest(digest, CONFIG)
    assert counting.digests == [digest]


def replace_id(subscriber, number):
    values = dict(vars(subscriber), id=number, email=f"person{number}@ppu.edu")
    return type(subscriber)(**values)
