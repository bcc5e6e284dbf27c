"""The whole stack as one CloudFormation template, synthesized in-process from the code: tables from
medpool.models.TABLES, Lambdas from functions/*/handler.py, API operations from ROUTES."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.names import API_STAGE, VALID_STAGES, secret_name, stack_name
from infra.project import Function
from infra.template.alarms import alarms_section
from infra.template.api import API, DOMAIN, api_section
from infra.template.functions import SECRET, functions_section
from infra.template.tables import tables_section


@dataclass(frozen=True)
class Build:
    """What a deploy produced before synthesis: each function's bundle key in the artifact bucket,
    the layer version to use, and the WeChat AppID (a public identifier, not a secret)."""

    code_keys: dict[str, str]
    layer_arn: str
    wechat_appid: str


PARAMETERS = {
    "ArtifactBucket": {"Type": "String", "Description": "S3 bucket holding the function bundles"},
    "DomainName": {"Type": "String", "Default": "",
                   "Description": "Custom API domain (ICP-registered, in the mini program's request domain list)"},
    "CertificateArn": {"Type": "String", "Default": "",
                       "Description": "ACM (or IAM server) certificate for DomainName, in this region"},
    "AlarmEmail": {"Type": "String", "Default": "", "Description": "Where alarms are mailed (optional)"},
}
CONDITIONS = {
    "HasDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DomainName"}, ""]}]},
    "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
}


def _secret(stage: str) -> dict[str, Any]:
    """Generated with a random token signing key; the WeChat AppSecret is set by the operator (README)."""
    return {SECRET: {"Type": "AWS::SecretsManager::Secret", "DeletionPolicy": "Retain",
                     "UpdateReplacePolicy": "Retain", "Properties": {
                         "Name": secret_name(stage), "Description": "MedPool: WeChat AppSecret, token signing key",
                         "GenerateSecretString": {
                             "SecretStringTemplate": json.dumps({"wechat_app_secret": "SET-ME"}),
                             "GenerateStringKey": "token_signing_key", "PasswordLength": 64,
                             "ExcludePunctuation": True}}}}


def _outputs() -> dict[str, Any]:
    return {
        "ApiUrl": {"Value": {"Fn::Sub": "https://${%s}.execute-api.${AWS::Region}.${AWS::URLSuffix}/%s/"
                                        % (API, API_STAGE)}},
        "DomainTarget": {"Condition": "HasDomain", "Description": "CNAME target of DomainName",
                         "Value": {"Fn::GetAtt": [DOMAIN, "RegionalDomainName"]}},
        "SecretArn": {"Value": {"Ref": SECRET}},
    }


def synthesize(stage: str, functions: list[Function], tables: dict[str, type], build: Build,
               grants: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """The template for one stage (grants default to infra.access.FUNCTION_TABLES)."""
    if stage not in VALID_STAGES:
        raise ValueError(f"stage must be one of {VALID_STAGES}, not {stage!r}")
    resources: dict[str, Any] = {}
    resources.update(tables_section(stage, tables))
    resources.update(_secret(stage))
    resources.update(functions_section(stage, functions, build.code_keys, build.layer_arn, build.wechat_appid,
                                       tables, grants))
    resources.update(api_section(stage, functions))
    resources.update(alarms_section(stage, functions, tables))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": f"MedPool ({stack_name(stage)})",
            "Parameters": PARAMETERS, "Conditions": CONDITIONS, "Resources": resources, "Outputs": _outputs()}
