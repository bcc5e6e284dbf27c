# MedPool ops commands on the AWS SAM CLI, included by the main Makefile. See infra/README.md.
#   make deploy STAGE=prod [WECHAT_APPID=wx..] [DOMAIN=api.example.cn CERTIFICATE_ARN=arn:..] [ALARM_EMAIL=..]
#                                  sam build + sam deploy of the whole stage (changed functions shift gradually)
#   make deploy FUNCTION=approve   only that function's new code, through the same gradual shift
#   make rollback FUNCTION=approve [TO=12]   stop its running deployment, or move `live` back
#   make logs FUNCTION=approve     tail its logs (sam logs)
#   make sync FUNCTION=approve STAGE=dev     fast code push around CloudFormation (stages that allow it)
#   make set-wechat-secret / rotate-signing-key STAGE=prod
#   make synth                     build/sam/<stage>/template.json and its sources (no AWS calls)
#   make sam-cli                   the pinned SAM CLI in .venv-sam (infra/requirements-sam.txt)
STAGE ?= prod
FUNCTION ?=
TO ?=
DEPLOYMENT ?=
DEPLOYED_TEMPLATE ?=
INFRA_PY ?= $(or $(PY),.venv/bin/python)
SAM_VENV ?= .venv-sam
SAM ?= $(SAM_VENV)/bin/sam
# The pinned CLI is installed only when it is the one used (SAM=sam takes the one on PATH).
SAM_CLI := $(if $(filter $(SAM_VENV)/bin/sam,$(SAM)),$(SAM_VENV)/.installed)
SAM_DIR = build/sam/$(STAGE)
SAM_TEMPLATE = $(SAM_DIR)/template.json
SAM_BUILT = $(SAM_DIR)/built
STACK = medpool-$(STAGE)
OPS = $(INFRA_PY) -m infra.ops
SAM_PARAMETERS = $(strip $(if $(WECHAT_APPID),WechatAppId=$(WECHAT_APPID)) $(if $(DOMAIN),DomainName=$(DOMAIN)) \
	$(if $(CERTIFICATE_ARN),CertificateArn=$(CERTIFICATE_ARN)) $(if $(ALARM_EMAIL),AlarmEmail=$(ALARM_EMAIL)) \
	$(if $(SECRET_REVISION),SecretRevision=$(SECRET_REVISION)))
SAM_DEPLOY = $(SAM) deploy --stack-name $(STACK) --capabilities CAPABILITY_IAM --resolve-s3 \
	--no-confirm-changeset --no-fail-on-empty-changeset $(if $(AWS_REGION),--region $(AWS_REGION))

.PHONY: deploy rollback logs sync set-wechat-secret rotate-signing-key synth sam-cli

sam-cli: $(SAM_VENV)/.installed

$(SAM_VENV)/.installed: infra/requirements-sam.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install $(PIP_FLAGS) -r infra/requirements-sam.txt
	touch $@

synth: deps
	$(INFRA_PY) -m infra.synth $(STAGE) $(if $(DEPLOYMENT),--deployment $(DEPLOYMENT))

deploy: synth $(SAM_CLI)
	$(SAM) build --template-file $(SAM_TEMPLATE) --build-dir $(SAM_BUILT) --cached --cache-dir $(SAM_DIR)/cache --parallel
ifeq ($(strip $(FUNCTION)),)
	@$(OPS) shift --template $(SAM_TEMPLATE)
	$(SAM_DEPLOY) --template-file $(SAM_BUILT)/template.yaml $(if $(SAM_PARAMETERS),--parameter-overrides $(SAM_PARAMETERS))
else
	$(OPS) pin $(FUNCTION) --stage $(STAGE) --built $(SAM_BUILT)/template.yaml --out $(SAM_DIR)/deploy-$(FUNCTION).json \
		$(if $(DEPLOYED_TEMPLATE),--deployed $(DEPLOYED_TEMPLATE))
	@$(OPS) shift $(FUNCTION) --template $(SAM_DIR)/deploy-$(FUNCTION).json
	$(SAM_DEPLOY) --template-file $(SAM_DIR)/deploy-$(FUNCTION).json
endif

rollback: deps
	@test -n "$(FUNCTION)" || { echo "usage: make rollback FUNCTION=<name> [TO=<version>] [STAGE=prod]"; exit 1; }
	$(OPS) rollback $(FUNCTION) --stage $(STAGE) $(if $(TO),--to $(TO))

logs: synth $(SAM_CLI)
	@test -n "$(FUNCTION)" || { echo "usage: make logs FUNCTION=<name> [STAGE=prod]"; exit 1; }
	names="$$($(OPS) flags $(FUNCTION) --template $(SAM_TEMPLATE) --flag=--name)" && \
	$(SAM) logs --stack-name $(STACK) $$names --tail

sync: synth $(SAM_CLI)
	@test -n "$(FUNCTION)" || { echo "usage: make sync FUNCTION=<name> STAGE=dev"; exit 1; }
	flags="$$($(OPS) flags $(FUNCTION) --stage $(STAGE) --sync --template $(SAM_TEMPLATE) --flag=--resource-id)" && \
	$(SAM) sync --code $$flags --stack-name $(STACK) --template-file $(SAM_TEMPLATE) --no-watch \
		$(if $(AWS_REGION),--region $(AWS_REGION))

set-wechat-secret: deps
	$(OPS) set-wechat-secret --stage $(STAGE)

rotate-signing-key: deps
	$(OPS) rotate-signing-key --stage $(STAGE)
