#!/usr/bin/env python3
"""A stand-in for the `sam` command (tests/infra/test_infra_make.py): records its arguments, and
for `build` writes the built template as sam build does (each CodeUri -> the resource's folder)."""
import json
import os
import sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["SAM_STUB_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")


def option(name):
    return args[args.index(name) + 1]


if args[0] == "build":
    template = json.loads(Path(option("--template-file")).read_text())
    built = Path(option("--build-dir"))
    for rid, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in properties:
                (built / rid).mkdir(parents=True, exist_ok=True)
                properties[key] = rid
    (built / "template.yaml").write_text(json.dumps(template))
print(f"[sam stub] sam {' '.join(args)}")
