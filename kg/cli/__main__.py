"""``python -m kg.cli``: the same app as the ``kg`` console script (kg.bench and tests run it this way)."""

from kg.cli import app

if __name__ == "__main__":
    app()
