"""Names for the people behind openids (loan applicants, record actors): what lists and timelines show instead of ids."""
from __future__ import annotations

from collections.abc import Iterable

from medpool.models.user import User

SYSTEM = "system"  # actor of what the system does by itself (auto reservation, scheduled checks)
BATCH = 100  # BatchGetItem's limit per call


def lookup(openids: Iterable[str | None]) -> dict[str, User]:
    """The users of these openids by openid: one BatchGetItem per 100 distinct ids (none for an empty set); unknown
    ids and "system" are left out. Eventually consistent: a name is shown, never decided on."""
    wanted = sorted({o for o in openids if o and o != SYSTEM})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), BATCH):
        for user in User.batch_get(wanted[start:start + BATCH]):
            found[user.openid] = user
    return found
