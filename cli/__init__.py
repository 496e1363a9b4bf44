"""`fursa`: one command line over the same jobs the scheduler and the staff desk run."""
from fursa.cli.app import app

__all__ = ["app"]
