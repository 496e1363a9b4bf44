"""A form as the page renders it: the fields a browser would submit if the person pressed the button
without touching anything. Tests post that, not a hand-built copy, so a field the page forgets to
show (and so forgets to send back) shows up as a change."""
from __future__ import annotations

from bs4 import BeautifulSoup

_CHECKABLE = ("checkbox", "radio")
_NOT_SENT = ("submit", "button", "reset", "file", "image")


def rendered_form(html: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form posting to `action` sends as rendered, in document order
    (the HTML form-submission algorithm: checked boxes only, each select's selected options or its
    first, textareas' text, disabled controls left out)."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", attrs={"action": action})
    assert form is not None, f"the page has no form posting to {action}"
    pairs: list[tuple[str, str]] = []
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "input":
            kind = (control.get("type") or "text").lower()
            if kind in _NOT_SENT or (kind in _CHECKABLE and not control.has_attr("checked")):
                continue
            pairs.append((name, control.get("value", "on" if kind in _CHECKABLE else "")))
        elif control.name == "textarea":
            text = control.string or ""
            pairs.append((name, text[1:] if text.startswith("\n") else text))
        else:
            options = control.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            if control.has_attr("multiple"):
                chosen = [o for o in options if o.has_attr("selected")]
            pairs.extend((name, o.get("value", o.get_text())) for o in chosen)
    return pairs


def with_values(pairs: list[tuple[str, str]], **changes: str | list[str]) -> list[tuple[str, str]]:
    """The pairs with some fields replaced (a list for a multi-choice field), the rest untouched."""
    kept = [(name, value) for name, value in pairs if name not in changes]
    for name, value in changes.items():
        kept.extend((name, v) for v in ([value] if isinstance(value, str) else value))
    return kept
