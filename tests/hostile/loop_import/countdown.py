"""An endless loop at import time."""

while True:
    pass
