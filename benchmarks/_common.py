"""What the benchmark process and its fake Bot API server process share."""

from __future__ import annotations

# The fake server's bot token: shaped like a BotFather token, and no secret.
TOKEN = "424242424:AAE-benchmark-token-not-a-secret_01234"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
