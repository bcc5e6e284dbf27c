"""Local development stack: DynamoDB Local, the WeChat stand-in, the `make run` orchestrator."""
