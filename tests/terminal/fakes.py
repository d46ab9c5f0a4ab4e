"""A `Runner` that records what would have run, with programs that are absent or fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class FakeRunner:
    missing: frozenset[str] = frozenset()
    failing: frozenset[str] = frozenset()
    calls: list[tuple[tuple[str, ...], bytes | None, bool]] = field(default_factory=list)

    def __call__(
        self, argv: Sequence[str], *, input: bytes | None = None, wait: bool = True
    ) -> int:
        if argv[0] in self.missing:
            raise FileNotFoundError(argv[0])
        self.calls.append((tuple(argv), input, wait))
        return 1 if argv[0] in self.failing else 0

    @property
    def programs(self) -> list[str]:
        return [argv[0] for argv, _, _ in self.calls]
