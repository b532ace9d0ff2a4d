"""The REST API (FastAPI): ``kg serve``; every response carries the ids for the next call."""
