"""`*` masks personal data in every string on screen and unmasks it again, at once."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList, Static
from textual.widgets._footer import FooterKey

from tests.ui.driver import SIZE, make_app, notices, settle, static_text
from tests.ui.fakes import FakeBackend, make_issues, python_event
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.model import Activity, Breadcrumb, Event, ExceptionValue, Frame, Stacktrace
from tui.render.text import plain
from tui.widgets.issue_table import IssueTable
from tui.widgets.lines import LineList

EMAIL = "jane.doe@example.com"
IP = "203.0.113.77"
CARD = "4242 4242 4242 4242"
TOKEN = "sk_live_51HabcdEFGH1234567"
SECRETS = (EMAIL, IP, CARD, TOKEN)


def _private_event(issue_id: str) -> Event:
    frame = Frame(
        filename="app/billing.py",
        function="charge",
        lineno=12,
        in_app=True,
        pre_context=(f"    customer = '{EMAIL}'",),
        context_line=f"    stripe.api_key = '{TOKEN}'",
        post_context=(f"    card = '{CARD}'",),
        vars={"email": EMAIL, "card": CARD},
    )
    exc = ExceptionValue(
        type="CardError", value=f"declined for {EMAIL}", stacktrace=Stacktrace((frame,))
    )
    return replace(
        python_event(issue_id),
        exceptions=(exc,),
        breadcrumbs=(Breadcrumb(category="http", message=f"POST from {IP}"),),
        tags=(("client_ip", IP),),
        contexts={"billing": {"type": "default", "card": CARD}},
        user={"email": EMAIL, "ip_address": IP},
        request={"url": f"https://shop.example.com/pay?token={TOKEN}"},
    )


def _shown(app: StackdeckApp) -> str:
    """Every string the issue screen draws: header, bar, trace (variables open), both lists."""
    parts = [static_text(app, "#issue-header"), static_text(app, "#event-bar")]
    parts.append(visible_text(trace_view(app)))
    for list_id in ("#breadcrumb-list", "#context-list"):
        view = app.screen.query_one(list_id, LineList)
        parts += [view.render_line(y).text for y in range(len(view._rows))]
    return "\n".join(parts)


async def test_star_masks_every_string_on_the_issue_screen_and_unmasks_it() -> None:
    issue = replace(make_issues(1)[0], title=f"CardError: declined for {EMAIL}", culprit=IP)
    backend = FakeBackend([issue])
    backend.events["latest"] = _private_event(issue.id)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("v")  # the crashing frame's variables
        await pilot.pause()
        before = _shown(app)
        assert all(secret in before for secret in SECRETS)

        await pilot.press("asterisk")
        await settle(app, pilot)
        masked = _shown(app)
        assert not [secret for secret in SECRETS if secret in masked]
        for mask in ("j***@example.com", "***.***.***.***", "**** **** **** 4242", "sk_live_***"):
            assert mask in masked
        assert app.screen.query_one("#pii-mask-mark", Static).render().plain.strip() == (
            "PII masked"
        )

        await pilot.press("asterisk")
        await settle(app, pilot)
        assert all(secret in _shown(app) for secret in SECRETS)
        assert not app.screen.query("#pii-mask-mark")


async def test_the_list_and_toasts_are_masked_and_mask_pii_starts_masked() -> None:
    issue = replace(make_issues(1)[0], title=f"login failed for {EMAIL}")
    app = StackdeckApp(FakeBackend([issue]), profile_name="test", mask_pii=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        title = app.screen.query_one(IssueTable).get_cell(issue.id, "title").plain
        assert title.startswith("login failed for j***@")  # the cell may cut the domain
        mark = app.screen.query_one("#pii-mask-mark", Static)
        # The mark sits beside the keys, not over them: every key the footer fits is on screen.
        keys = list(app.screen.query(FooterKey))
        assert [k.key for k in keys][:2] == ["enter", "slash"]
        assert mark.region.right <= min(k.region.x for k in keys)
        assert max(k.region.right for k in keys) <= SIZE[0]
        app.notify(f"could not reach {IP}")
        await pilot.pause()
        assert notices(app)[-1] == "could not reach ***.***.***.***"
        await pilot.press("asterisk")
        await settle(app, pilot)
        title = app.screen.query_one(IssueTable).get_cell(issue.id, "title").plain
        assert title.startswith("login failed for jane.doe@")


async def test_activity_opened_while_masked_is_masked() -> None:
    backend = FakeBackend()
    issue = next(iter(backend.issues.values()))
    note = Activity(None, EMAIL, "note", f"called back from {IP}, card {CARD}")
    backend.activities[issue.id] = [note]
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("asterisk", "H")
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        shown = "\n".join(str(options.get_option_at_index(i).prompt) for i in range(1))
        assert "j***@example.com" in shown and "**** **** **** 4242" in shown
        assert not [secret for secret in SECRETS if secret in shown]


async def test_any_line_list_redraws_its_rows_when_toggled() -> None:
    """The symbol-sets screen, the raw trace and the tabs are line lists: each redraws."""
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        probe = LineList(id="probe")
        await app.screen.mount(probe)
        probe.show_rows([f"uploaded by {EMAIL}"], plain)
        await pilot.pause()
        assert EMAIL in probe.render_line(0).text
        await pilot.press("asterisk")
        await pilot.pause()
        assert "uploaded by j***@example.com" in probe.render_line(0).text


async def test_the_palette_and_help_offer_the_mask() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Mask PII" in [command.title for command in app.get_system_commands(app.screen)]
        await pilot.press("question_mark")
        await pilot.pause()
        assert "app.mask_pii" in static_text(app, "#help-text")
