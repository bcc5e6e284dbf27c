"""`medpool`: operations commands (any stage; the stage and tables come from the environment)."""
from __future__ import annotations

import argparse
import sys

from medpool.demo import SYSTEM
from medpool.errors import MedpoolError


def _create_tables(args: argparse.Namespace) -> None:
    from medpool.tables import create_tables

    created = create_tables()
    print(f"tables created: {', '.join(created) if created else 'none (all exist)'}")


def _create_admin(args: argparse.Namespace) -> None:
    from medpool.services import departments, users

    try:
        departments.get_department(args.department)
    except MedpoolError:
        departments.create_department(SYSTEM, args.department, args.department_name, True)
        print(f"department {args.department} ({args.department_name}) created")
    user = users.create_admin("cli", args.openid, args.name, args.department)
    print(f"admin {user.openid} ({user.name}) is active in {user.department_id}; "
          f"log in from the mini program with that WeChat account")


def _seed_demo(args: argparse.Namespace) -> None:
    from medpool.demo import seed_demo

    created = seed_demo(demo_year=not args.no_year)
    print("demo data: " + ", ".join(f"{count} {kind} created" for kind, count in created.items()))


def _overdue_check(args: argparse.Namespace) -> None:
    import json

    from medpool.services import overdue

    print(json.dumps(overdue.run(), ensure_ascii=False, indent=2))


def _verify_records(args: argparse.Namespace) -> int:
    """Check the audit records' hash chains; name every record found changed, missing or out of its chain."""
    from medpool.services.record_check import verify

    checked = broken = records = unsealed = 0
    for result in verify(args.subject):
        checked, records, unsealed = checked + 1, records + result.records, unsealed + result.unsealed
        if result.problems:
            broken += 1
            for problem in result.problems:
                print(f"BROKEN {result.subject} {problem}")
        elif args.verbose:
            how = "chain" if result.anchored else "digests only"
            print(f"ok {result.subject}: {result.records} records ({result.chained} chained, {result.loose} loose, "
                  f"{result.unsealed} from before the chain; {how})")
    print(f"{checked} subjects, {records} records checked ({unsealed} written before records were chained): "
          + (f"{broken} subjects with problems" if broken else "every chain intact"))
    return 1 if broken else 0


def _rekey_periods(args: argparse.Namespace) -> None:
    import json

    from medpool.services.period_keys import rekey_periods
    from medpool.services.stat_counters.rebuild import rebuild_counters

    print(json.dumps(rekey_periods(), indent=2))
    print(json.dumps(rebuild_counters(), indent=2))  # entries moved between months: their cells follow


def _backfill_list_keys(args: argparse.Namespace) -> None:
    import json

    from medpool.services.list_keys import backfill_list_keys

    def progress(table: str, counts: dict) -> None:
        print(f"{table}: {counts['read']} read, {counts['updated']} updated", file=sys.stderr, flush=True)

    print(json.dumps(backfill_list_keys(progress), indent=2))


def _recount_availability(args: argparse.Namespace) -> None:
    from medpool.services import availability

    for row in availability.recount(dry_run=args.dry_run):
        counts = ", ".join(f"{status} {count}" for status, count in row["counted"].items())
        stored = ", ".join(f"{status} {'-' if count is None else count}" for status, count in row["stored"].items())
        verdict = ("differed (not written: --dry-run)" if args.dry_run else "corrected") if row["changed"] else "agree"
        print(f"{row['category_id']}: {counts}" + (f"  [{verdict}; stored: {stored}]" if row["changed"] else
                                                  f"  [{verdict}]"))


def _reindex_users(args: argparse.Namespace) -> None:
    from medpool.services.users import reindex_roles

    print(f"users re-indexed: {reindex_roles()}")


def _rebuild_counters(args: argparse.Namespace) -> None:
    import json

    from medpool.services.stat_counters.rebuild import rebuild_counters

    print(json.dumps(rebuild_counters(), indent=2))


def _progress_bar(job, out=None) -> None:
    """One line, redrawn: [#####-----] written/total rows."""
    out = out or sys.stderr
    total, written = int(job.total), int(job.cursor)
    filled = 30 * written // total if total else 30
    end = "\n" if job.status != "running" else ""
    print(f"\r{job.id} [{'#' * filled}{'-' * (30 - filled)}] {written}/{total} rows", end=end, file=out, flush=True)


def _report_job(job) -> None:
    print(f"job {job.id}: {job.status}, {int(job.total)} rows: {int(job.imported)} imported, "
          f"{int(job.already_imported)} already imported, {int(job.repaired)} repaired, {int(job.skipped)} skipped")
    for conflict in job.conflicts or []:
        print(f"line {conflict['line']}: {conflict['reason']}", file=sys.stderr)
    if job.status != "done":
        raise MedpoolError(f"导入任务未完成：{job.last_error or job.status}", code="import_failed")


def _import(args: argparse.Namespace) -> None:
    """Validate the whole file; print every problem (line, column, reason) and import nothing if any.
    Loans are then written as an import job driven here, in the foreground, with a progress bar."""
    from pathlib import Path

    from medpool.services import device_io, importing
    from medpool.services.imports import jobs, worker

    path = Path(args.file)
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    try:
        if args.command == "import-loans":
            rows = importing.validate_loans(path.read_bytes(), fmt)
        else:
            result = device_io.import_devices(SYSTEM, path.read_bytes(), fmt, args.dry_run)
    except MedpoolError as error:
        for problem in error.details if isinstance(error.details, list) else []:
            print(f"line {problem['line']}, column {problem['column']}: {problem['reason']}", file=sys.stderr)
        raise
    if args.command == "import-devices":
        verb = "would be imported (dry run)" if args.dry_run else "imported"
        print(f"{path}: {result['rows']} rows, {result['imported'] if not args.dry_run else result['rows']} {verb}")
        return
    already = sum(row["already"] for row in rows)
    if args.dry_run:
        print(f"{path}: {len(rows)} rows, {len(rows) - already} would be imported (dry run)"
              + (f", {already} already imported" if already else ""))
        return
    job = jobs.create(SYSTEM.openid, rows, fmt)
    print(f"{path}: {len(rows)} rows valid; import job {job.id} (if interrupted: medpool import-resume {job.id})",
          file=sys.stderr)
    job = worker.drive(job.id, step_seconds=1, on_progress=_progress_bar)
    print(f"{path}: {len(rows)} rows, {int(job.imported)} imported"
          + (f", {int(job.already_imported)} already imported" if job.already_imported else "")
          + (f", {int(job.repaired)} repaired" if job.repaired else ""))
    _report_job(job)


def _import_resume(args: argparse.Namespace) -> None:
    """Continue import jobs from their cursors (one, or every running one)."""
    from medpool.services.imports import jobs, worker

    ids = [args.job] if args.job else [job.id for job in jobs.running()]
    if not ids:
        print("no running import job")
    for job_id in ids:
        _report_job(worker.drive(job_id, step_seconds=1, on_progress=_progress_bar))


def _export_devices(args: argparse.Namespace) -> None:
    from pathlib import Path

    from medpool.services import device_io

    path = Path(args.file)
    path.write_bytes(device_io.export_devices("xlsx" if path.suffix.lower() == ".xlsx" else "csv"))
    print(f"devices exported to {path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medpool", description="MedPool operations")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create-tables", help="create missing DynamoDB tables").set_defaults(run=_create_tables)
    admin = commands.add_parser("create-admin", help="bootstrap an admin account")
    admin.add_argument("--openid", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--department", default="SBK", help="department code (created if missing)")
    admin.add_argument("--department-name", default="设备科")
    admin.set_defaults(run=_create_admin)
    seed = commands.add_parser("seed-demo", help="create missing demo data (with the reference hospital's year)")
    seed.add_argument("--no-year", action="store_true", help="without the 2023-04..2024-03 demo loans")
    seed.set_defaults(run=_seed_demo)
    for name, what in (("import-loans", "historical loans"), ("import-devices", "devices")):
        command = commands.add_parser(name, help=f"import {what} from FILE.csv or FILE.xlsx (all or nothing)")
        command.add_argument("file")
        command.add_argument("--dry-run", action="store_true", help="validate only")
        command.set_defaults(run=_import)
    resume = commands.add_parser("import-resume", help="continue an interrupted loan import job from where it stopped")
    resume.add_argument("job", nargs="?", help="job id (default: every running job)")
    resume.set_defaults(run=_import_resume)
    export = commands.add_parser("export-devices", help="write the device inventory to FILE.csv or FILE.xlsx")
    export.add_argument("file")
    export.set_defaults(run=_export_devices)
    commands.add_parser("rekey-periods", help="once, after upgrading: move records' days and ledger months "
                        "written as UTC periods to Beijing periods").set_defaults(run=_rekey_periods)
    commands.add_parser("rebuild-counters", help="recompute the statistics and billing counters from the ledger "
                        "(after an upgrade, a bulk load or a repair; idempotent)").set_defaults(run=_rebuild_counters)
    commands.add_parser("backfill-list-keys", help="once, after upgrading: give loans, records and announcements "
                        "written before lists were read by key their list keys (idempotent; rerun to resume)"
                        ).set_defaults(run=_backfill_list_keys)
    recount = commands.add_parser("recount-availability", help="recompute each category's availability counts "
                                  "from its devices (after an upgrade, an import or a repair)")
    recount.add_argument("--dry-run", action="store_true", help="only compare, write nothing")
    recount.set_defaults(run=_recount_availability)
    commands.add_parser("reindex-users", help="once, after upgrading: put active managers and admins in the "
                        "users' role index (who the notifier tells of new requests)").set_defaults(run=_reindex_users)
    verify = commands.add_parser("verify-records", help="check the audit records' hash chains against the heads on "
                                 "their subjects (a record edited or deleted in the table is named); exit 1 if any")
    verify.add_argument("--subject", help="one subject only, e.g. loan#L2026... or device#MON-001")
    verify.add_argument("--verbose", "-v", action="store_true", help="list every subject checked")
    verify.set_defaults(run=_verify_records)
    commands.add_parser("overdue-check", help="run the overdue check and the notifier's sweep now "
                        "(safe next to the schedule: each loan is notified once)").set_defaults(run=_overdue_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except MedpoolError as error:
        print(f"error: {error.code}: {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
