"""Run actions at the same moment from many threads."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from medpool.errors import Conflict


def race(actions: list[Callable[[], object]]) -> tuple[list[object], list[Conflict]]:
    """Start every action together (a barrier); return (results, conflicts). Other errors propagate."""
    barrier = threading.Barrier(len(actions))

    def attempt(action: Callable[[], object]) -> object:
        barrier.wait()
        try:
            return action()
        except Conflict as error:
            return error

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        outcomes = list(pool.map(attempt, actions))
    return ([o for o in outcomes if not isinstance(o, Conflict)],
            [o for o in outcomes if isinstance(o, Conflict)])
