"""Errors raised inside web/; app.py turns each into a page a person can act on."""

from starlette.exceptions import HTTPException as StarletteHTTPException


class WebError(Exception):
    """Base class of every error web/ raises."""


class LoginRequiredError(WebError):
    """Raised by auth.staff_user when a staff page is asked for without a signed-in account."""

    def __init__(self, next_path: str):
        super().__init__(f"sign in to see {next_path}")
        self.next_path = next_path


class ForbiddenError(WebError):
    """Raised by auth.admin_user when a curator asks for something only an admin may do."""


class CsrfError(WebError):
    """Raised by csrf.verify_csrf when a form arrives without the token of the visitor's session."""


class PageNotFoundError(WebError):
    """Raised by handlers when the call, source or subscriber in the URL does not exist (or is not public)."""


class FeatureUnavailableError(WebError):
    """Raised when a page needs a package (crawlers, digests, matching) that does not offer what it needs."""


class FilterError(StarletteHTTPException):
    """Raised by filters.read_query when the address asks the list for a value it does not know; a
    400 whose detail is each problem in the visitor's language (a page, or JSON under /api/)."""

    def __init__(self, problems: list[str]):
        super().__init__(status_code=400, detail=" ".join(problems))
        self.problems = tuple(problems)
