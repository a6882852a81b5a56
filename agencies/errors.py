"""The one base of every refusal the system explains to people.

Raise a subclass with a translated Vietnamese sentence; views, the API, the admin and commands show
`error.message` as it is (never a traceback). Subclasses add only what a caller needs to react
differently (an HTTP status, the current version, per-field errors).
"""


class UserError(Exception):
    """A refused or failed operation; `message` is Vietnamese, for people.

    `http_status` and `details` say how the API answers it: {"detail": message, **details}."""

    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def details(self) -> dict:
        return {}
