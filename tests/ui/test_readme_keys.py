"""The README's keys table against the real bindings: a binding missing from the table, a key
changed in the code, or a row for a binding that no longer exists fails here.

The expected table is printed on failure, ready to paste into README.md.
"""

from __future__ import annotations

from pathlib import Path

from textual.keys import format_key

from tui.screens.help import GROUP_NAMES, all_bindings

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| key | binding id | where | what |\n|---|---|---|---|"


def key_display(keys: str) -> str:
    def one(key: str) -> str:
        *modifiers, name = key.split("+") if len(key) > 1 else [key]
        return "+".join([*modifiers, format_key(name)])

    return " ".join(f"`{one(key)}`" for key in keys.split(","))


def keys_table() -> str:
    """The table as README.md holds it: grouped by where the keys work, in code order."""
    groups: dict[str, list[str]] = {}
    for cls, binding in all_bindings():
        where = GROUP_NAMES.get(cls.__name__, cls.__name__)
        what = binding.description + (f" ({binding.tooltip})" if binding.tooltip else "")
        row = f"| {key_display(binding.key)} | `{binding.id}` | {where} | {what} |"
        groups.setdefault(where, []).append(row)
    return "\n".join([HEADER, *(row for rows in groups.values() for row in rows)])


def readme_keys_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Keys\n")
    return text[start : text.index("\n## ", start + 1)]


def test_readme_keys_table_lists_every_binding_with_its_key() -> None:
    expected = keys_table()
    assert expected in readme_keys_section(), f"README ## Keys should hold:\n\n{expected}\n"


def test_the_table_has_one_row_per_binding() -> None:
    rows = keys_table().splitlines()[2:]
    assert len(rows) == len(all_bindings())
    assert "| `r` | `issues.resolve` | Issue list | Resolve |" in rows
    assert "| `space` | `issues.mark` | Issue list | Mark |" in rows
