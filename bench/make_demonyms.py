"""Regenerate kg/data/demonyms.json: nationality adjectives -> the country kg names ("Israeli" -> Israel).

The adjectives come from the npm package i18n-nationality (MIT, (c) 2016 widdix GmbH), joined to
kg's GeoNames countries by ISO code, with a few corrections news needs. Run by hand:

    npm pack i18n-nationality && tar xzf i18n-nationality-*.tgz
    .venv/bin/python bench/make_demonyms.py package/langs/en.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.data.gazetteer import canonical_alias  # noqa: E402

#: Adjectives the source lacks or spells otherwise, and what news means by them.
CORRECTIONS = {
    "Palestinian": "Palestine", "Argentine": "Argentina", "Soviet": "Soviet Union", "Bosnian": "Bosnia and Herzegovina",
    "Central African": "Central African Republic", "Emirati": "United Arab Emirates", "Dutch": "Netherlands",
    "Czech": "Czech Republic", "Russian": "Russia", "Taiwanese": "Taiwan", "Kosovar": "Kosovo",
}
#: Source entries that are not adjectives a text would use.
DROPPED = {"Antiguans"}


def main(source: Path) -> None:
    nationalities: dict[str, str] = json.loads(source.read_text("utf-8"))["nationalities"]
    countries = json.loads((ROOT / "kg" / "data" / "places.json").read_text("utf-8"))["countries"]
    by_iso = {details["iso"]: name for name, details in countries.items()}
    demonyms: dict[str, str] = {"_source": "i18n-nationality (MIT, (c) 2016 widdix GmbH) joined to GeoNames "
                                "countries by ISO code, with corrections; made by bench/make_demonyms.py"}
    for iso, adjective in sorted(nationalities.items()):
        country = by_iso.get(iso)
        if (country is None or adjective in DROPPED or adjective == country or not adjective.replace(" ", "").isalpha()
                or any(word in adjective.split() for word in ("and", "or", "Island", "Islands", "Saint"))):
            continue  # not an adjective a text would use: a place name, or two in one
        demonyms[adjective] = canonical_alias(country)
    demonyms.update(CORRECTIONS)
    licence = source.parent.parent / "LICENSE"  # the package's MIT notice travels with the data
    demonyms["_licence"] = " ".join(licence.read_text("utf-8").split())
    target = ROOT / "kg" / "data" / "demonyms.json"
    target.write_text(json.dumps(demonyms, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {target}: {sum(not key.startswith('_') for key in demonyms)} demonyms")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
