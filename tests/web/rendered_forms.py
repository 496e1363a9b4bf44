"""A form as the page renders it, submitted the way a browser would submit it untouched.

Tests that say "save it unchanged" must send what the page offered, not a dictionary the test
wrote by hand: a hand-built form hides exactly the fields the page forgot to show.
"""
from __future__ import annotations

from bs4 import BeautifulSoup

_TEXTUAL = {"text", "email", "hidden", "search", "url", "tel", "number", "password", ""}


def rendered_form(html: str, action_prefix: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser sends for the first form whose action starts with
    `action_prefix`, when the person changes nothing (HTML's form-submission algorithm, for the
    controls Fursa's forms use: inputs, checkboxes, radios, selects, text areas)."""
    soup = BeautifulSoup(html, "html.parser")
    form = next((f for f in soup.find_all("form") if (f.get("action") or "").startswith(action_prefix)), None)
    assert form is not None, f"the page has no form posting to {action_prefix}"
    pairs: list[tuple[str, str]] = []
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "select":
            options = control.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            pairs.extend((name, o.get("value", o.get_text())) for o in chosen[:1])
        elif control.name == "textarea":
            pairs.append((name, control.get_text()))
        else:
            kind = (control.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                if control.has_attr("checked"):
                    pairs.append((name, control.get("value", "on")))
            elif kind in _TEXTUAL:
                pairs.append((name, control.get("value", "")))
    return pairs


def as_data(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """`pairs` in the shape the test client posts (repeated names kept, in order)."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def replaced(pairs: list[tuple[str, str]], name: str, *values: str) -> list[tuple[str, str]]:
    """`pairs` with every value of `name` replaced by `values` (one changed control)."""
    return [pair for pair in pairs if pair[0] != name] + [(name, value) for value in values]
