"""The errors every backend raises: transport and HTTP failures mapped to a human message."""

from __future__ import annotations


class BackendError(Exception):
    """Anything that went wrong talking to a server; `str()` is a message for the user.

    `transient`: the same request may succeed later (a gateway error, a timeout, a reset).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class ConnectionFailed(BackendError):
    """The server could not be reached (DNS, refused connection, timeout)."""


class AuthError(BackendError):
    """401/403: the token is missing, wrong, or lacks a scope."""


class NotFound(BackendError):
    """404: the issue, event or organisation does not exist (or the token cannot see it)."""


class RateLimited(BackendError):
    """429 after the retries ran out; `retry_after` is in seconds when the server said."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, transient: bool = True
    ) -> None:
        super().__init__(message, transient=transient)
        self.retry_after = retry_after


class ServerError(BackendError):
    """5xx after the retries ran out, or any other unexpected status."""


class InvalidResponse(BackendError):
    """The server answered, but not with what the API promises (bad JSON, missing fields)."""


class Unsupported(BackendError):
    """The backend cannot do this (an event kind or a status change the server lacks)."""


class UntrustedURL(BackendError):
    """The server named a URL on another origin; following it would hand over the token."""
