"""`python -m infra.synth STAGE [--deployment TYPE]`: the SAM template of a stage and its sources,
in build/sam/<stage>/ (template.json, src/<function>/, src/layer/, src/hook/), for `sam build`.
No AWS calls."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from infra.bundle import BUILD, stage_function, stage_hook, stage_layer
from infra.names import SHIFTS, VALID_STAGES
from infra.project import discover
from infra.template import synthesize
from infra.template.functions import SOURCE


def stage_dir(stage: str) -> Path:
    return BUILD / "sam" / stage


def discovery_environment() -> None:
    """Importing the functions (to read their routes) must not configure them for production, nor
    let medpool's local defaults put placeholder AWS credentials in this process's environment."""
    os.environ["MEDPOOL_STAGE"] = "local"
    os.environ["MEDPOOL_DYNAMODB_ENDPOINT"] = "aws"


def synthesize_project(stage: str, out: Path | None = None, deployment: str | None = None) -> Path:
    """Write the template and stage every source it names; returns the template's path."""
    from medpool.models import TABLES

    out = out or stage_dir(stage)
    functions = discover()
    template = synthesize(stage, functions, TABLES, deployment=deployment)
    for function in functions:
        stage_function(function.name, out / SOURCE)
    stage_layer(out / SOURCE)
    stage_hook(out / SOURCE)
    path = out / "template.json"
    path.write_text(json.dumps(template, indent=1, sort_keys=True, ensure_ascii=False))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.synth", description=__doc__)
    parser.add_argument("stage", choices=VALID_STAGES)
    parser.add_argument("--deployment", choices=sorted(SHIFTS), help="override the stage's traffic shift")
    args = parser.parse_args(argv)
    discovery_environment()
    print(synthesize_project(args.stage, deployment=args.deployment or None))


if __name__ == "__main__":
    main()
