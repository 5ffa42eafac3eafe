"""Print `name==floor` for every training dependency declared in pyproject's `train` extra.

`make test-lowest` installs with these constraints (and constraints.txt, which pins torch), so the
training tests run against the LOWEST versions the project declares, not just the newest.
"""

import re
import sys
from pathlib import Path

import tomllib

# torch stays at constraints.txt's CPU build; matplotlib only draws plots
SKIP = {"torch", "matplotlib"}

root = Path(__file__).resolve().parents[1]
extra = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]["train"]
for requirement in extra:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", requirement.strip())
    if not match:
        sys.exit(f"train extra: {requirement!r} has no plain >= floor")
    name, floor = match.groups()
    if name.lower() not in SKIP:
        print(f"{name}=={floor}")
