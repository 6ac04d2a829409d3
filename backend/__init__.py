"""Plain-Python core of ringboard: settings, database, accounts, presence and calls (no NiceGUI here)."""
