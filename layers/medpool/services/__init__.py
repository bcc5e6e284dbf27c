"""Domain rules. Services take and return domain objects and raise medpool.errors; they know nothing of HTTP."""
