"""The demo city, 江城市: `manage.py seed_demo` loads it once (see `load.load_demo`).

What the city is — its units, people, publications and items, the call for information and the
archive's extra items — is data in `data/*.toml`, read by `directory`, `items`, `bulletins` and
`insight`; how it is written is code: `load` writes the directory and plays each
item's history through the actions, then each other app's part of the story is loaded by its own
module here (`emergencies`, `bulletins`, `accountability`, `insight`, `scoring`, `archive`,
`notify`). Every date derives from one instant and the official calendar (`clock`).
"""

import tomllib
from importlib.resources import files
from typing import Any


def read_data(name: str) -> dict[str, Any]:
    """One of the demo's data files, `data/<name>.toml`, parsed."""
    return tomllib.loads(files(__name__).joinpath("data", f"{name}.toml").read_text("utf-8"))
