"""`python -m fursa.cli`: the `fursa` command, for a child process started with this interpreter."""
from fursa.cli import app

app(prog_name="fursa")
