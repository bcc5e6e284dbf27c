"""Run every benchmark section in order and print its figures."""
import importlib
import sys
import time

SECTIONS = ["bench.imports", "bench.login", "bench.loans", "bench.waitlist", "bench.bookings", "bench.lists", "bench.notify", "bench.overdue", "bench.stats", "bench.purchase", "bench.access", "bench.import_jobs", "bench.dossier", "bench.load", "bench.bundles", "bench.miniprogram"]


def main() -> None:
    only = sys.argv[1:]
    for name in SECTIONS:
        if only and name.split(".")[-1] not in only:
            continue
        started = time.perf_counter()
        print(f"== {name.split('.')[-1]} ==", flush=True)
        importlib.import_module(name).run()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main()
