"""An in-memory Backend for UI tests: fixed issues and events, controllable status changes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tui.backends.errors import NotFound
from tui.model import (
    Activity,
    AssignChange,
    Assignee,
    Breadcrumb,
    Capabilities,
    Change,
    Event,
    ExceptionValue,
    Frame,
    Issue,
    IssuePage,
    IssueQuery,
    IssueStatus,
    Mechanism,
    Stacktrace,
    StatusAction,
)

NOW = datetime(2026, 8, 21, 18, 0, 0, tzinfo=UTC)
HOSTILE = "[bold red]pwned[/] \x1b[31mred\x1b[0m\r\x00 $accent"


ME = Assignee("user", "1", "Jane Doe", "jane@example.com")
MEMBERS = (
    ME,
    Assignee("user", "2", "Omar Haddad", "omar@example.com"),
    Assignee("team", "7", "payments"),
)
STATUS_AFTER = {
    StatusAction.RESOLVE: IssueStatus.RESOLVED,
    StatusAction.RESOLVE_NEXT_RELEASE: IssueStatus.RESOLVED,
    StatusAction.REOPEN: IssueStatus.UNRESOLVED,
    StatusAction.IGNORE: IssueStatus.IGNORED,
}


def fixed_clock() -> datetime:
    return NOW


def make_issues(count: int = 3) -> list[Issue]:
    titles = [
        (
            "ValueError: card declined: insufficient_funds",
            "app.services.billing in charge",
            "error",
        ),
        ("TypeError: Cannot read properties of undefined (reading 'price')", "n(index)", "error"),
        ("DeprecationWarning: datetime.utcnow() is deprecated", "app.jobs.nightly", "warning"),
    ]
    issues = []
    for i in range(count):
        title, culprit, level = titles[i % len(titles)]
        issues.append(
            Issue(
                id=str(4829301773 + i),
                short_id=f"BILLING-API-{i + 1:X}",
                title=title if i < len(titles) else f"{title} #{i}",
                culprit=culprit,
                level=level,
                count=1432 - i * 100,
                user_count=87 - i,
                first_seen=NOW - timedelta(days=5 + i),
                last_seen=NOW - timedelta(minutes=3 + i * 70),
                project="billing-api",
                platform="javascript" if i % 3 == 1 else "python",
                permalink=f"https://sentry.example.com/issues/{4829301773 + i}/",
            )
        )
    return issues


def _frame(path: str, function: str, lineno: int, lines: list[str], *, in_app: bool) -> Frame:
    at = len(lines) // 2
    return Frame(
        filename=path,
        abs_path=f"/srv/{path}",
        function=function,
        module=path.removesuffix(".py").replace("/", "."),
        lineno=lineno,
        in_app=in_app,
        pre_context=tuple(lines[:at]),
        context_line=lines[at],
        post_context=tuple(lines[at + 1 :]),
        vars={"amount": "4999", "customer": "<Customer cus_Q1w2E3r4>"} if in_app else {},
    )


def python_event(issue_id: str, event_id: str = "5b0f3e1d9c2a4f7e8a6b1c2d3e4f5a6b") -> Event:
    cause = ExceptionValue(
        type="CardError",
        value="Your card has insufficient funds.",
        module="stripe._error",
        mechanism=Mechanism(type="chained", source="__context__", exception_id=1, parent_id=0),
        stacktrace=Stacktrace(
            frames=(
                _frame(
                    "app/services/billing.py",
                    "charge",
                    40,
                    [
                        "    def charge(self, customer, amount):",
                        "        try:",
                        "            return self.client.charges.create(customer=customer.id)",
                        "        except stripe.CardError as exc:",
                        '            raise ValueError(f"card declined: {exc.code}")',
                    ],
                    in_app=True,
                ),
                _frame(
                    "stripe/_api_requestor.py",
                    "_interpret_response",
                    402,
                    [
                        "        if not 200 <= rcode < 300:",
                        "            self.handle_error_response(rbody, rcode, resp.data)",
                        "        return resp",
                    ],
                    in_app=False,
                ),
            )
        ),
    )
    raised = ExceptionValue(
        type="ValueError",
        value="card declined: insufficient_funds",
        mechanism=Mechanism(type="django", handled=False, exception_id=0),
        stacktrace=Stacktrace(
            frames=(
                _frame(
                    "django/core/handlers/exception.py",
                    "inner",
                    56,
                    [
                        "        try:",
                        "            response = get_response(request)",
                        "        except:",
                    ],
                    in_app=False,
                ),
                _frame(
                    "django/core/handlers/base.py",
                    "_get_response",
                    197,
                    ["        try:", "            response = wrapped(request)", "        except:"],
                    in_app=False,
                ),
                _frame(
                    "app/api/charges.py",
                    "create_charge",
                    27,
                    [
                        "    order = Order.objects.get(pk=order_id)",
                        "    billing = BillingService()",
                        "    return billing.charge(order.customer, order.total_cents)",
                        "",
                        "",
                    ],
                    in_app=True,
                ),
                _frame(
                    "app/services/billing.py",
                    "charge",
                    42,
                    [
                        "            return self.client.charges.create(customer=customer.id)",
                        "        except stripe.CardError as exc:",
                        '            raise ValueError(f"card declined: {exc.code}")',
                        "",
                        "    def refund(self, charge_id):",
                    ],
                    in_app=True,
                ),
            ),
            frames_omitted=(2, 5),
        ),
    )
    return Event(
        id=event_id,
        issue_id=issue_id,
        title="ValueError: card declined: insufficient_funds",
        platform="python",
        timestamp=NOW - timedelta(minutes=7, seconds=20),
        release="billing-api@2.14.1",
        environment="production",
        exceptions=(raised, cause),
        breadcrumbs=(
            Breadcrumb(
                timestamp=NOW - timedelta(minutes=7, seconds=21),
                category="http",
                type="http",
                data={
                    "method": "POST",
                    "url": "https://api.stripe.com/v1/charges",
                    "status_code": 402,
                },
            ),
            Breadcrumb(
                timestamp=NOW - timedelta(minutes=7, seconds=20),
                category="django.db",
                level="warning",
                message="SELECT ... FROM orders WHERE id = %s",
            ),
        ),
        tags=(("environment", "production"), ("server_name", "billing-7d9f8-abcde")),
        contexts={"runtime": {"type": "runtime", "name": "CPython", "version": "3.12.4"}},
        user={"id": "u_1842", "email": "jane@example.com"},
        previous_event_id="0e6a0d4c3b2a41f0a9b8c7d6e5f4a3b2",
        next_event_id=None,
    )


class FakeBackend:
    """Implements the Backend protocol over in-memory data.

    `hold_status`/`hold_list` (asyncio.Events) keep `set_status`/`list_issues` pending until
    set, `hold_more` only the requests for a next page; `fail_status`/`fail_list` make them
    raise (any exception, to test what the UI does with the unexpected). Every call is
    recorded for assertions. Triage: `capabilities` is settable, `fail_apply` maps an issue id
    to the error its `apply` raises, `applied` records every change sent.
    """

    name = "fake"
    sort_options = ("date", "new", "freq", "user")
    status_actions = frozenset(StatusAction)
    event_refs = frozenset({"latest", "oldest", "recommended"})

    def __init__(self, issues: list[Issue] | None = None, page_size: int = 50) -> None:
        self.issues = {issue.id: issue for issue in issues or make_issues()}
        self.page_size = page_size
        self.queries: list[tuple[IssueQuery, str | None]] = []
        self.status_calls: list[tuple[str, StatusAction]] = []
        self.event_calls: list[tuple[str, str]] = []
        self.issue_calls: list[str] = []
        self.hold_status: asyncio.Event | None = None
        self.fail_status: Exception | None = None
        self.fail_list: Exception | None = None
        self.hold_list: asyncio.Event | None = None
        self.hold_more: asyncio.Event | None = None
        self.events: dict[str, Event] = {}
        self.capabilities = Capabilities()
        self.applied: list[tuple[str, Change]] = []
        self.fail_apply: dict[str, Exception] = {}
        self.activities: dict[str, list[Activity]] = {}
        """Issue id -> its activity, newest first."""
        self.comments: list[tuple[str, str]] = []

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        self.queries.append((query, cursor))
        if self.hold_list is not None:
            await self.hold_list.wait()
        if self.hold_more is not None and cursor is not None:
            await self.hold_more.wait()
        if self.fail_list is not None:
            raise self.fail_list
        issues = list(self.issues.values())
        start = int(cursor or 0)
        end = start + self.page_size
        next_cursor = str(end) if end < len(issues) else None
        return IssuePage(tuple(issues[start:end]), next_cursor)

    async def get_issue(self, issue_id: str) -> Issue:
        self.issue_calls.append(issue_id)
        try:
            return self.issues[issue_id]
        except KeyError:
            raise NotFound(f"issue {issue_id} not found") from None

    async def get_event(self, issue_id: str, event: str = "latest") -> Event:
        self.event_calls.append((issue_id, event))
        if event in self.events:
            return self.events[event]
        return python_event(issue_id)

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        self.status_calls.append((issue_id, action))
        if self.hold_status is not None:
            await self.hold_status.wait()
        if self.fail_status is not None:
            raise self.fail_status
        self.issues[issue_id] = replace(self.issues[issue_id], status=STATUS_AFTER[action])
        return self.issues[issue_id]

    async def apply(self, issue_id: str, change: Change) -> Issue:
        self.applied.append((issue_id, change))
        if issue_id in self.fail_apply:
            raise self.fail_apply[issue_id]
        if isinstance(change, AssignChange):
            issue = replace(await self.get_issue(issue_id), assignee=change.assignee)
        else:
            # Through `set_status`, so that its hold, failure and record apply here too.
            issue = await self.set_status(issue_id, change.action)
            until = change.until if change.action is StatusAction.IGNORE else None
            issue = replace(issue, ignore_until=until)
        self.issues[issue_id] = issue
        return issue

    async def members(self) -> tuple[Assignee, ...]:
        return MEMBERS

    async def me(self) -> Assignee:
        return ME

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        return tuple(self.activities.get(issue_id, ()))

    async def comment(self, issue_id: str, text: str) -> Activity:
        self.comments.append((issue_id, text))
        note = Activity(NOW, ME.name, "note", text)
        self.activities.setdefault(issue_id, []).insert(0, note)
        return note

    async def check(self) -> str:
        return "fake backend"

    async def aclose(self) -> None:
        return None
