"""The Symbol sets screen (`S`): maps cached here, the server's sets, the maps frames missed.

`a` adds a map from a local file or folder to the cache (what `stackdeck symbols add` does);
`U` uploads a local minified file and its map to the server (PostHog), for the selected set's
chunk id, after a confirmation, and reports only what the server then lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from tui.backends.base import Backend
from tui.backends.errors import BackendError
from tui.model import Feature, ServerSymbolSet
from tui.render.symbol_sets import Row, overview_rows
from tui.render.text import plain
from tui.symbol_sets import (
    LocalSymbolSet,
    ServerSide,
    SymbolOverview,
    local_overview,
    read_local_set,
    server_side,
    upload,
)
from tui.symbols.cache import SymbolCache
from tui.symbols.missing import MissingMap
from tui.symbols.sources import LookupFailed
from tui.widgets.footer import KeyFooter
from tui.widgets.lines import LineList

ROW_STYLE = {
    "heading": "bold $text-accent",
    "note": "$text-muted italic",
    "failed": "$text-error",
    "detail": "$text-muted",
}


class SymbolRows(LineList):
    """The rows, with a cursor on the items (`j`/`k`), drawn only when on screen."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next", show=False, id="symbols.down"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="symbols.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Row] = ()
        self.cursor = 0

    def show(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        items = [i for i, r in enumerate(rows) if r.item is not None and r.kind != "detail"]
        self.cursor = items[0] if items else 0
        self.show_rows(range(len(rows)), self._line)

    @property
    def selected(self) -> Row | None:
        return self.rows[self.cursor] if self.cursor < len(self.rows) else None

    def action_move(self, step: int) -> None:
        """To the next item's first row (details and headings are skipped)."""
        index = self.cursor + step
        while 0 <= index < len(self.rows):
            row = self.rows[index]
            if row.item is not None and row.kind != "detail":
                self.cursor = index
                self._strips.clear()
                self.scroll_to_region(Region(0, index, 1, 1), animate=False)
                self.refresh()
                return
            index += step

    def _line(self, index: int) -> Content:
        row = self.rows[index]
        line = plain(row.text, ROW_STYLE.get(row.kind, ""))
        return line.stylize("reverse") if index == self.cursor and row.item else line


class PathPrompt(ModalScreen[str | None]):
    """A path typed in (`~` allowed); Enter submits, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, hint: str = "") -> None:
        super().__init__()
        self.question, self.hint = question, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-panel"):
            yield Static(plain(self.question, "bold"), classes="picker-title")
            yield Input(placeholder="a path, e.g. ~/app/dist", id="path-input")
            yield Static(plain(self.hint), classes="modal-keys")

    @on(Input.Submitted, "#path-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmUpload(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Upload", id="upload.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="upload.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-panel"):
            yield Static(plain(self.question, "bold"))
            yield Static(
                Content.assemble(("y", "bold"), " upload   ", ("n", "bold"), " cancel"),
                classes="modal-keys",
            )

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SymbolSetsScreen(Screen[None]):
    """For one profile: its backend, the symbol cache, and the name missing maps are kept by."""

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="symbols.back"),
        Binding("a", "add_map", "Add map", tooltip="from a local file or folder", id="symbols.add"),
        Binding("U", "upload_set", "Upload", tooltip="to the server", id="symbols.upload"),
        Binding("ctrl+r", "reload", "Reload", id="symbols.reload"),
    ]

    def __init__(
        self,
        backend: Backend,
        cache: SymbolCache,
        profile: str,
        *,
        title: str = "",
        read_only_profile: str | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.cache = cache
        self.profile = profile
        self.title_text = title or profile
        self.read_only_profile = read_only_profile
        self.overview = SymbolOverview((), ServerSide(unavailable="loading…"), ())

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Symbol sets · {self.title_text}", "bold"), id="symbols-title")
        yield SymbolRows(id="symbol-rows")
        yield Static(id="symbols-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SymbolRows).focus()
        self.action_reload()

    # -- loading ---------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load_overview()

    @work(exclusive=True, group="symbol-sets", exit_on_error=False)
    async def load_overview(self) -> None:
        """The cache and missing maps at once, then the server's sets when they arrive."""
        local = local_overview(self.cache, self.profile)
        self._show(dataclasses.replace(local, server=self.overview.server))
        self._status("asking the server for its symbol sets…")
        server = await server_side(self.backend)
        self._show(dataclasses.replace(local_overview(self.cache, self.profile), server=server))
        self._status("")

    def _show(self, overview: SymbolOverview) -> None:
        self.overview = overview
        self.query_one(SymbolRows).show(overview_rows(overview))
        self.refresh_bindings()

    def _status(self, text: str, style: str = "$text-muted") -> None:
        self.query_one("#symbols-status", Static).update(plain(text, style))

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "upload_set":
            return not self._upload_refusal()
        return True

    def disabled_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        return self._upload_refusal() if action == "upload_set" else None

    def _upload_refusal(self) -> str | None:
        if self.read_only_profile is not None:
            return f"profile {self.read_only_profile} is read-only"
        return self.backend.capabilities.why_not(Feature.SYMBOL_UPLOAD) or None

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_map(self) -> None:
        prompt = PathPrompt(
            "Add a map to the cache",
            "a .map, a minified .js with its map, or a build folder; enter adds, esc cancels",
        )
        self.app.push_screen(prompt, callback=self._add_chosen)

    def _add_chosen(self, path: str | None) -> None:
        if not path:
            return
        if "://" not in path and not Path(path).expanduser().exists():
            # Said plainly here: the cache's own refusal would be the OS's `[Errno 2] …`.
            message = f"no such file or folder: {path}"
            self.notify(message, title="Add map", severity="error", markup=False)
            return
        self.add_maps(path)

    @work(exclusive=True, group="symbol-add", exit_on_error=False)
    async def add_maps(self, path: str) -> None:
        from tui.symbols import commands

        [result] = await commands.add(self.cache, [path])
        if "error" in result:
            self.notify(result["error"], title="Add map", severity="error")
        else:
            count = len(result["added"])
            self.notify(f"{count} map{'s' if count != 1 else ''} added from {path}")
        self.load_overview()

    def action_upload_set(self) -> None:
        chunk_id = _chunk_id_of(self._selected_item())
        wanted = f" for chunk id {chunk_id}" if chunk_id else ""
        prompt = PathPrompt(
            f"Upload a minified file and its map{wanted}",
            "the .js (its map beside it, or named by sourceMappingURL); enter, then confirm",
        )
        self.app.push_screen(prompt, callback=lambda path: self._upload_chosen(path, chunk_id))

    def _upload_chosen(self, path: str | None, chunk_id: str) -> None:
        if not path:
            return
        try:
            local = read_local_set(Path(path), chunk_id)
        except (OSError, LookupFailed) as exc:
            self.notify(str(exc), title="Upload", severity="error")
            return
        question = f"Upload {local.location} to the server as symbol set {local.chunk_id}?"

        def answered(go: bool | None) -> None:
            if go:
                self.upload_local(local)

        self.app.push_screen(ConfirmUpload(question), callback=answered)

    @work(exclusive=True, group="symbol-upload", exit_on_error=False)
    async def upload_local(self, local: LocalSymbolSet) -> None:
        self._status("uploading…")
        try:
            stored = await upload(self.backend, local)
        except BackendError as exc:
            self._status("")
            self.notify(str(exc), title="Upload failed", severity="error")
            return
        self.notify(f"the server lists symbol set {stored.ref} as {stored.status.value}")
        self.load_overview()

    def _selected_item(self) -> object | None:
        row = self.query_one(SymbolRows).selected
        return row.item if row else None


def _chunk_id_of(item: object | None) -> str:
    """The chunk id a selected server set or missing map is known by, "" for others."""
    if isinstance(item, ServerSymbolSet):
        return item.ref
    if isinstance(item, MissingMap):
        return next((k.split(":", 1)[1] for k in item.keys if k.startswith("chunk_id:")), "")
    return ""
