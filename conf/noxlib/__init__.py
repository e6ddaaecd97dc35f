"""nox session modules; ``noxfile.py`` imports them so their sessions register."""
