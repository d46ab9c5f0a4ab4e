"""The trend sparkline and the release cells, as pure functions."""

from __future__ import annotations

from tui.render.health import short_release, sparkline
from tui.render.issue import issue_columns


def test_sparkline_scales_to_the_peak_and_keeps_empty_buckets_lowest() -> None:
    assert sparkline((0, 1, 4, 8), 4) == "▁▃▅█"
    assert sparkline((0, 0, 0), 3) == "▁▁▁"
    assert sparkline((), 5) == ""


def test_sparkline_sums_neighbours_to_fit_keeping_the_newest_bucket_whole() -> None:
    # 5 buckets in 3 bars: the oldest one alone, then pairs.
    assert sparkline((9, 1, 1, 0, 2), 3) == sparkline((9, 2, 2), 3) == "█▃▃"
    assert len(sparkline(tuple(range(24)), 7)) == 6  # four hours a bar: six fit in seven


def test_short_release_drops_the_project() -> None:
    assert short_release("billing-api@2.14.1") == "2.14.1"
    assert short_release("2.14.1") == "2.14.1"


def test_80_columns_keep_the_trend_narrow_and_drop_the_releases() -> None:
    narrow = issue_columns(76, 13, True, trend=True, releases=True)
    keys = [c.key for c in narrow]
    assert "trend" in keys and "last_release" not in keys and "first_release" not in keys
    assert sum(c.width or 0 for c in narrow) + 2 * len(narrow) + 2 <= 76
