"""`python -m infra.synth [STAGE]`: build the function bundles and write build/template.json
(layer ARN and AppID from the environment, placeholders otherwise), for review and linting."""
from __future__ import annotations

import json
import os
import sys

from infra.bundle import BUILD, build_function
from infra.project import discover
from infra.template import Build, synthesize

PLACEHOLDER_LAYER = "arn:aws-cn:lambda:cn-north-1:000000000000:layer:medpool-prod-layer:1"


def code_key(name: str, digest: str) -> str:
    return f"functions/{name}/{digest}.zip"


def synthesize_project(stage: str, layer_arn: str, wechat_appid: str, out_dir=BUILD) -> dict:
    """Build every bundle into out_dir and synthesize the template that deploys them."""
    from medpool.models import TABLES

    functions = discover()
    keys = {f.name: code_key(f.name, build_function(f.name, out_dir / "functions").digest) for f in functions}
    return synthesize(stage, functions, TABLES, Build(keys, layer_arn, wechat_appid))


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else "prod"
    template = synthesize_project(stage, os.environ.get("MEDPOOL_LAYER_ARN", PLACEHOLDER_LAYER),
                                  os.environ.get("MEDPOOL_WECHAT_APPID", "wx-placeholder"))
    out = BUILD / "template.json"
    out.write_text(json.dumps(template, indent=1, sort_keys=True))
    print(out)


if __name__ == "__main__":
    main()
