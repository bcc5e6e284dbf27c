"""On DynamoDB Local: a stack upgraded in place keeps its data and gets what notifications now need — the
outbox table's stream and the users' role index are added to existing tables (`create_tables`), and
`medpool reindex-users` puts the managers written before the index into it."""
import boto3

from medpool.config import get_settings
from medpool.models.notify_event import NotifyEvent
from medpool.models.user import User
from medpool.services.notify import fanout
from medpool.tables import upgrade_table


def _client():
    settings = get_settings()
    return boto3.client("dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.region)


def test_an_existing_table_gets_its_missing_index_and_stream(monkeypatch):
    client, name = _client(), NotifyEvent.Meta.table_name + "-old"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    client.put_item(TableName=name, Item={"id": {"S": "kept"}, "event": {"S": "loan_approved"}, "at": {"S": "x"}})
    monkeypatch.setattr(NotifyEvent.Meta, "table_name", name)
    monkeypatch.setattr(NotifyEvent, "_connection", None)
    try:
        assert sorted(upgrade_table(NotifyEvent)) == [f"{name}/stream", f"{name}/sweep-at"]
        table = client.describe_table(TableName=name)["Table"]
        assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["sweep-at"]
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        assert client.get_item(TableName=name, Key={"id": {"S": "kept"}})["Item"]["event"]["S"] == "loan_approved"
        assert upgrade_table(NotifyEvent) == []  # idempotent
    finally:
        monkeypatch.undo()
        NotifyEvent._connection = None
        client.delete_table(TableName=name)


def test_reindex_users_puts_managers_written_before_the_index_into_it():
    from medpool.cli import main

    client = _client()
    for openid, role, status in (("old-manager", "manager", "active"), ("old-disabled", "manager", "disabled"),
                                 ("old-nurse", "applicant", "active")):
        client.put_item(TableName=User.Meta.table_name, Item={  # as written before notify_role existed
            "openid": {"S": openid}, "name": {"S": openid}, "department_id": {"S": "SBK"}, "role": {"S": role},
            "status": {"S": status}, "registered_at": {"S": "2025-01-01T00:00:00Z"}, "version": {"N": "1"}})
    assert "old-manager" not in fanout.managers()
    assert main(["reindex-users"]) == 0
    assert set(fanout.managers()) == {"demo-admin", "demo-manager", "old-manager"}
    assert main(["reindex-users"]) == 0  # idempotent
    assert User.get("old-manager").version == 2
