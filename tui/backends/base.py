"""The interface every backend implements; the UI and the CLI see nothing else."""

from __future__ import annotations

from typing import Protocol

from tui.model import (
    Activity,
    Assignee,
    Capabilities,
    Change,
    Event,
    Issue,
    IssuePage,
    IssueQuery,
    StatusAction,
)

EVENT_LATEST = "latest"
EVENT_OLDEST = "oldest"
EVENT_RECOMMENDED = "recommended"


class Backend(Protocol):
    """An error-tracking server, as stackdeck uses it.

    `event` arguments are `"latest"`, `"oldest"`, `"recommended"` or an event id; backends that
    cannot serve one raise `Unsupported`. Triage goes through `tui.triage`, which uses `apply`
    and, where a backend has one, `bulk_apply(issue_ids, change) -> list[Issue | BackendError]`
    (one request naming every id, each issue read back).
    """

    @property
    def name(self) -> str: ...

    @property
    def sort_options(self) -> tuple[str, ...]:
        """Sort keys the issue list accepts, the default first."""
        ...

    @property
    def status_actions(self) -> frozenset[StatusAction]: ...

    @property
    def event_refs(self) -> frozenset[str]:
        """Which of latest/oldest/recommended the server can fetch."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """Which richer triage features work, and why the others do not."""
        ...

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage: ...

    async def get_issue(self, issue_id: str) -> Issue: ...

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event: ...

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        """Ask the server to change the status; return the issue as the server then reports it."""
        ...

    async def apply(self, issue_id: str, change: Change) -> Issue:
        """Send a status change or an assignment; return the issue as the server confirms it."""
        ...

    async def members(self) -> tuple[Assignee, ...]:
        """Who issues can be assigned to: users, then teams or roles."""
        ...

    async def me(self) -> Assignee:
        """The user the token belongs to."""
        ...

    async def activity(self, issue_id: str) -> tuple[Activity, ...]: ...

    async def comment(self, issue_id: str, text: str) -> Activity:
        """Add a comment; return it as the server stored it."""
        ...

    async def check(self) -> str:
        """Call the server once to prove the token works; return a one-line description."""
        ...

    async def aclose(self) -> None: ...
