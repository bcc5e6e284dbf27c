"""The notifier in the transformed template: the outbox table streams its new images; the notify function
reads that stream through an event source mapping on its `live` alias (small batches, no batching wait,
bisect on error, bounded retries and record age, partial batch failures, a dead-letter queue), is alarmed on
its iterator age and errors, reads only its own stream and sends only to its own queue, and deploys like
every function (alias, canary, pre-traffic hook)."""
from infra.names import function_name
from infra.template.functions import STREAM_READ, unit_ids
from infra.template.tables import table_logical_id
from tests.infra.conftest import of_type


def _notify(functions):
    [unit] = [u for f in functions for u in f.units if u.stream]
    return unit


def test_the_outbox_table_streams_new_images_and_no_other_table_streams(resources):
    streaming = {name: r["Properties"]["StreamSpecification"] for name, r in of_type(resources, "AWS::DynamoDB::Table").items()
                 if "StreamSpecification" in r["Properties"]}
    assert streaming == {table_logical_id("notify_events"): {"StreamViewType": "NEW_IMAGE"}}


def test_the_notify_function_reads_the_stream_through_its_alias(resources, functions):
    unit = _notify(functions)
    assert (unit.function, unit.handler, unit.stream.table) == ("notify", "functions.notify.handler.handler",
                                                                 "notify_events")
    [mapping] = of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    properties = mapping["Properties"]
    assert properties["FunctionName"] == {"Ref": unit_ids(unit)["alias"]}  # the live version, never $LATEST
    assert properties["EventSourceArn"] == {"Fn::GetAtt": [table_logical_id("notify_events"), "StreamArn"]}
    assert properties["StartingPosition"] == "TRIM_HORIZON"
    assert properties["BatchSize"] == 10 and properties["MaximumBatchingWindowInSeconds"] == 0
    assert properties["BisectBatchOnFunctionError"] is True
    assert properties["MaximumRetryAttempts"] == 5 and properties["MaximumRecordAgeInSeconds"] == 3600
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = unit_ids(unit)["dlq"]
    assert properties["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}
    assert resources[queue]["Type"] == "AWS::SQS::Queue"
    assert resources[queue]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_it_deploys_like_every_function(resources, functions):
    unit = _notify(functions)
    ids = unit_ids(unit)
    assert resources[ids["alias"]]["Type"] == "AWS::Lambda::Alias"
    group = resources[ids["group"]]["Properties"]
    assert [a["Name"] for a in group["AlarmConfiguration"]["Alarms"]] == [{"Ref": ids["errors"]}, {"Ref": ids["latency"]}]
    hook = resources[ids["hook"]]["Properties"]
    assert hook["Environment"]["Variables"]["MEDPOOL_PROBES"] == '[{"dry_run":true}]'
    assert resources[ids["function"]]["Properties"]["Timeout"] == 120


def test_alarms_on_iterator_age_errors_and_dead_letters(resources, functions):
    unit = _notify(functions)
    ids = unit_ids(unit)
    age = resources[ids["iterator_age"]]["Properties"]
    assert (age["MetricName"], age["Statistic"], age["Threshold"]) == ("IteratorAge", "Maximum", 60000)
    assert age["Dimensions"] == [{"Name": "FunctionName", "Value": function_name("prod", unit.name)}]
    errors = resources[ids["all_errors"]]["Properties"]
    assert (errors["MetricName"], errors["Threshold"]) == ("Errors", 1)
    depth = resources[ids["dlq_depth"]]["Properties"]
    assert (depth["Namespace"], depth["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert all(resources[i]["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
               for i in (ids["iterator_age"], ids["all_errors"], ids["dlq_depth"]))


def test_it_reads_only_its_stream_and_sends_only_to_its_queue(resources, functions):
    unit = _notify(functions)
    ids = unit_ids(unit)
    statements = {s["Sid"]: s for p in resources[ids["role"]]["Properties"]["Policies"]
                  for s in p["PolicyDocument"]["Statement"]}
    assert statements["ReadItsStream"]["Action"] == STREAM_READ
    assert statements["ReadItsStream"]["Resource"] == [
        {"Fn::Sub": "${%s.Arn}/stream/*" % table_logical_id("notify_events")}]
    assert statements["DeadLetters"] == {"Sid": "DeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                                         "Resource": {"Fn::GetAtt": [ids["dlq"], "Arn"]}}
    writes = {s["Sid"] for s in statements.values() if "dynamodb:PutItem" in s["Action"]}
    # its own tables, and the loan state machine's: the system's reservation of a freed device for an emergency
    # heading the waiting list is an approval (services/notify/freed.py)
    assert writes == {"NotifyEventsWrite", "NotificationsWrite", "WechatTokensWrite", "LoansWrite", "DevicesWrite",
                      "CategoriesWrite", "RecordsAppend", "BookingsWrite", "LedgerAppend", "LedgerCountersWrite"}
