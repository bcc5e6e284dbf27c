import pytest

from medpool import clock
from tests.support import reconfigure


@pytest.fixture(autouse=True)
def _on_module_tables(real_tables, dynamodb_local):
    """Unit tests may have pointed the models elsewhere; point them back at this module's tables."""
    reconfigure(MEDPOOL_DYNAMODB_ENDPOINT=dynamodb_local, MEDPOOL_TABLE_PREFIX=real_tables)


@pytest.fixture
def wx(standin):
    """The WeChat stand-in's messages, empty at the start and the end; the clock unfrozen afterwards."""
    _, state = standin
    state.reset_messages()
    yield state
    state.reset_messages()
    clock.freeze(None)


@pytest.fixture
def notifier(_on_module_tables):
    """The notifier on DynamoDB Local's stream of this module's outbox table, from now on: `drain()`
    processes everything committed since through the Lambda's own handler."""
    from local.notify_stream import StreamWorker

    return StreamWorker()
