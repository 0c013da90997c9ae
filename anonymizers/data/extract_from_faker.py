#!/usr/bin/env python3
"""Regenerate the name/word dictionaries in anonymizers/data/ from Faker.

Source: Debian package python3-fake-factory (the Python "Faker" library,
MIT/Expat licence, Copyright 2012 Daniele Faraglia).

    apt-get install -y python3-fake-factory
    /usr/bin/python3 anonymizers/data/extract_from_faker.py [OUTPUT_DIR]

Use the system interpreter (/usr/bin/python3) so that the Debian-installed
`faker` package is importable. OUTPUT_DIR defaults to the directory holding
this script.

Each .inc file holds one C++ string literal per line followed by a comma,
e.g. `"Aaron",`, and nothing else, so it can be #included inside an array
initializer:

    constexpr std::string_view kFirstNames[] = {
    #include "anonymizers/data/first_names.inc"
    };

Lists are de-duplicated and sorted by Unicode code point (== UTF-8 byte
order) unless the table below says the order is kept ("parallel" files must
stay index-aligned with their partner file).
"""

import os
import sys
import unicodedata

import faker
from faker.providers.address.en_US import Provider as AddrEnUS
from faker.providers.address.fr_FR import Provider as AddrFrFR
from faker.providers.lorem.en_US import Provider as LoremEnUS
from faker.providers.lorem.la import Provider as LoremLa
from faker.providers.person.en_GB import Provider as PersonEnGB
from faker.providers.person.en_NZ import Provider as PersonEnNZ
from faker.providers.person.en_US import Provider as PersonEnUS
from faker.providers.person.fr_FR import Provider as PersonFrFR


def clean(values, *, ascii_only=False):
    """NFC-normalise, strip, drop empties, validate."""
    out = []
    for v in values:
        v = unicodedata.normalize("NFC", str(v)).strip()
        if not v:
            continue
        if '"' in v or "\\" in v or any(ord(c) < 0x20 for c in v):
            raise ValueError(f"unsafe entry for a C++ literal: {v!r}")
        if ascii_only and not v.isascii():
            continue
        out.append(v)
    return out


def sorted_unique(*sources, ascii_only=False):
    merged = set()
    for s in sources:
        merged.update(clean(s, ascii_only=ascii_only))
    return sorted(merged)


def ordered_unique(values):
    seen, out = set(), []
    for v in clean(values):
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def build():
    files = {}

    # --- English / world person names -----------------------------------
    # en_US alone has 690 distinct first names; en_GB and en_NZ are added to
    # get past 1,000. (first_names / last_names are dicts name->weight in
    # some locales; iterating yields the names.)
    en_sources = (PersonEnUS, PersonEnGB, PersonEnNZ)
    files["first_names.inc"] = sorted_unique(
        *(p.first_names for p in en_sources), ascii_only=True)
    files["last_names.inc"] = sorted_unique(
        *(p.last_names for p in en_sources), ascii_only=True)

    # --- French person names ---------------------------------------------
    files["fr_first_names.inc"] = sorted_unique(PersonFrFR.first_names)
    files["fr_last_names.inc"] = sorted_unique(PersonFrFR.last_names)

    # --- English (US) address building blocks ----------------------------
    files["en_street_suffixes.inc"] = sorted_unique(AddrEnUS.street_suffixes)
    files["en_city_prefixes.inc"] = sorted_unique(AddrEnUS.city_prefixes)
    files["en_city_suffixes.inc"] = sorted_unique(AddrEnUS.city_suffixes)
    # Parallel arrays: en_states[i] <-> en_state_abbrs[i] (50 states, DC
    # excluded so the two lists line up). Faker lists both alphabetically by
    # state name.
    states = list(AddrEnUS.states)
    abbrs = [a for a in AddrEnUS.states_abbr if a != "DC"]
    if len(states) != len(abbrs):
        raise ValueError("en_US states / states_abbr do not line up")
    for s, a in zip(states, abbrs):
        if s[0] != a[0]:
            raise ValueError(f"state/abbr mismatch: {s} / {a}")
    files["en_states.inc"] = clean(states)
    files["en_state_abbrs.inc"] = clean(abbrs)
    # All US postal abbreviations: 50 states + DC + 8 territories.
    files["en_state_territory_abbrs.inc"] = sorted_unique(
        AddrEnUS.states_and_territories_abbr)
    files["en_postcode_formats.inc"] = ordered_unique(AddrEnUS.postcode_formats)

    # --- French address building blocks ----------------------------------
    # fr_FR has no list of street names or city names (Faker composes them
    # from person names), only these fragments.
    files["fr_street_prefixes.inc"] = sorted_unique(AddrFrFR.street_prefixes)
    files["fr_city_prefixes.inc"] = sorted_unique(AddrFrFR.city_prefixes)
    files["fr_city_suffixes.inc"] = sorted_unique(AddrFrFR.city_suffixes)
    files["fr_regions.inc"] = sorted_unique(AddrFrFR.regions)
    # Parallel arrays in Faker order (by department code).
    files["fr_department_codes.inc"] = clean(c for c, _ in AddrFrFR.departments)
    files["fr_departments.inc"] = clean(n for _, n in AddrFrFR.departments)
    files["fr_postcode_formats.inc"] = ordered_unique(AddrFrFR.postcode_formats)

    # --- Filler words ----------------------------------------------------
    # Faker's Latin lorem list (la) has only 182 words in this version, so
    # the en_US lorem list is merged in to exceed 1,000.
    files["words.inc"] = sorted_unique(
        LoremLa.word_list, LoremEnUS.word_list, ascii_only=True)

    return files


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    files = build()
    for name, entries in files.items():
        with open(os.path.join(out_dir, name), "w", encoding="utf-8",
                  newline="\n") as f:
            for e in entries:
                f.write(f'"{e}",\n')
        print(f"{name}: {len(entries)}")
    print(f"(faker {faker.VERSION} from {os.path.dirname(faker.__file__)})")


if __name__ == "__main__":
    main()
