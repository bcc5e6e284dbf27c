# MedPool ops commands, included by the main Makefile (`include infra/deploy.mk`). See infra/README.md.
#   make deploy STAGE=prod [WECHAT_APPID=wx..] [DOMAIN=api.example.cn CERTIFICATE_ARN=arn:..] [ALARM_EMAIL=..]
#   make deploy FUNCTION=approve STAGE=prod     only that function's Lambda: code, version, alias
#   make publish-layer STAGE=prod               a new layer version, put live on every function
#   make rollback FUNCTION=approve [TO=12]      the function's alias back to the previous (or given) version
#   make set-wechat-secret STAGE=prod           store the WeChat AppSecret in Secrets Manager
#   make synth                                  build/template.json (no AWS calls)
STAGE ?= prod
FUNCTION ?=
TO ?=
INFRA_PY ?= $(or $(PY),.venv/bin/python)
INFRA = $(INFRA_PY) -m infra.deploy

.PHONY: deploy publish-layer rollback set-wechat-secret synth

deploy: deps
ifeq ($(strip $(FUNCTION)),)
	$(INFRA) all --stage $(STAGE) $(if $(WECHAT_APPID),--wechat-appid $(WECHAT_APPID)) \
		$(if $(DOMAIN),--domain $(DOMAIN)) $(if $(CERTIFICATE_ARN),--certificate-arn $(CERTIFICATE_ARN)) \
		$(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL))
else
	$(INFRA) function $(FUNCTION) --stage $(STAGE)
endif

publish-layer: deps
	$(INFRA) layer --stage $(STAGE)

rollback: deps
	@test -n "$(FUNCTION)" || { echo "usage: make rollback FUNCTION=<name> [TO=<version>] [STAGE=prod]"; exit 1; }
	$(INFRA) rollback $(FUNCTION) --stage $(STAGE) $(if $(TO),--to $(TO))

set-wechat-secret: deps
	$(INFRA) set-wechat-secret --stage $(STAGE)

synth: deps
	$(INFRA_PY) -m infra.synth $(STAGE)
