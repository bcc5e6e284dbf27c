"""`medpool`: operations commands (any stage; the stage and tables come from the environment)."""
from __future__ import annotations

import argparse
import sys

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
        departments.create_department(_cli_actor(), args.department, args.department_name, True)
        print(f"department {args.department} ({args.department_name}) created")
    user = users.create_admin("cli", args.openid, args.name, args.department)
    print(f"admin {user.openid} ({user.name}) is active in {user.department_id}; "
          f"log in from the mini program with that WeChat account")


def _seed_demo(args: argparse.Namespace) -> None:
    from medpool.demo import seed_demo

    created = seed_demo()
    print("demo data: " + ", ".join(f"{count} {kind} created" for kind, count in created.items()))


def _cli_actor():
    from medpool.demo import SYSTEM

    return SYSTEM


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
    commands.add_parser("seed-demo", help="create missing demo data").set_defaults(run=_seed_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except MedpoolError as error:
        print(f"error: {error.code}: {error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
