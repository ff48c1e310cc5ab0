"""The demo city, 江城市: `manage.py seed_demo` loads it once (see `load.load_demo`)."""
