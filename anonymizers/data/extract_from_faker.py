#!/usr/bin/env python3
"""Regenerate the name/word dictionaries in anonymizers/data/ from Faker.

Sources, all Debian packages under the MIT/Expat licence, read from where
Debian installs them (nothing is downloaded):

* python3-fake-factory: the Python "Faker" library (Copyright 2012 Daniele
  Faraglia), imported as the `faker` module. All files.
* php-faker: the PHP Faker library (Copyright 2011 François Zaninotto), the
  static arrays of /usr/share/php/Faker/Provider/fr_*/Person.php. French
  names only.
* ruby-faker: the Ruby Faker gem (Copyright 2007-2010 Benjamin Curtis), the
  YAML files /usr/share/rubygems-integration/all/gems/faker-*/lib/locales/
  {fr/name.yml,fr-CA.yml,fr-CH.yml}. French names only.

    apt-get install -y python3-fake-factory python3-yaml php-faker ruby-faker
    /usr/bin/python3 anonymizers/data/extract_from_faker.py [OUTPUT_DIR]

Use the system interpreter (/usr/bin/python3) so that the Debian-installed
`faker` and `yaml` packages are importable. OUTPUT_DIR defaults to the
directory holding this script.

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

import glob
import os
import re
import subprocess
import sys
import unicodedata

import faker
import yaml
from faker.providers.address.en_US import Provider as AddrEnUS
from faker.providers.address.fr_FR import Provider as AddrFrFR
from faker.providers.lorem.en_US import Provider as LoremEnUS
from faker.providers.lorem.la import Provider as LoremLa
from faker.providers.person.en_GB import Provider as PersonEnGB
from faker.providers.person.en_NZ import Provider as PersonEnNZ
from faker.providers.person.en_US import Provider as PersonEnUS
from faker.providers.person.fr_CH import Provider as PersonFrCH
from faker.providers.person.fr_FR import Provider as PersonFrFR

# php-faker and ruby-faker, as Debian installs them.
PHP_FAKER_PROVIDERS = "/usr/share/php/Faker/Provider"
RUBY_FAKER_LOCALES_GLOB = (
    "/usr/share/rubygems-integration/all/gems/faker-*/lib/locales")


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


# --- php-faker: static arrays of a provider class -------------------------

_PHP_TOKEN = re.compile(r"""
      (?P<ws>\s+)
    | (?P<comment>//[^\n]*|\#[^\n]*|/\*.*?\*/)
    | '(?P<sq>(?:[^'\\]|\\.)*)'
    | "(?P<dq>[^"\\$]*)"
    | (?P<comma>,)
    | (?P<close>\])
    """, re.VERBOSE | re.DOTALL)


def php_static_array(path, name):
    """The string values of `protected static $name = [...];` in a PHP file.

    Only a list of string literals is accepted (single-quoted, with PHP's
    \\' and \\\\ escapes decoded, or double-quoted without escapes or
    variables); anything else raises, so a change upstream is noticed.
    """
    with open(path, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"static\s+\$" + re.escape(name) + r"\s*=\s*\[", src)
    if not m:
        raise ValueError(f"{path}: no array ${name}")
    pos, values = m.end(), []
    while True:
        t = _PHP_TOKEN.match(src, pos)
        if not t:
            raise ValueError(f"{path}: ${name}: unexpected {src[pos:pos + 30]!r}")
        pos = t.end()
        if t.lastgroup == "close":
            return values
        if t.lastgroup == "sq":
            values.append(re.sub(r"\\([\\'])", r"\1", t.group("sq")))
        elif t.lastgroup == "dq":
            values.append(t.group("dq"))


def php_faker_person(locale):
    path = os.path.join(PHP_FAKER_PROVIDERS, locale, "Person.php")
    first = (php_static_array(path, "firstNameMale")
             + php_static_array(path, "firstNameFemale"))
    return first, php_static_array(path, "lastName")


# --- ruby-faker: locale YAML files -----------------------------------------

def ruby_faker_name_section(relpath):
    """The `<locale>: faker: name:` mapping of a ruby-faker locale file."""
    dirs = glob.glob(RUBY_FAKER_LOCALES_GLOB)
    if len(dirs) != 1:
        raise ValueError(f"expected one ruby-faker gem, found {dirs}")
    with open(os.path.join(dirs[0], relpath), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    (locale_data,) = doc.values()
    return locale_data["faker"]["name"]


# --- French person names ----------------------------------------------------

# Lower-case particles a family name may start with (`de Dardel`).
_NAME_PARTICLES = {"d", "da", "de", "des", "di", "do", "dos", "du", "la",
                   "le", "van", "von"}
# Words of letters joined by one space, hyphen or apostrophe.
_NAME_RE = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")
# Typos in the sources, dropped by name.
_KNOWN_TYPOS = {
    "Dvnis",  # ruby-faker fr, fr-CA, fr-CH last_name: "Denis" mistyped
}


def french_names(*sources):
    """Union of name lists, cleaned for fr_first_names / fr_last_names.

    Drops what does not look like a name: digits or other non-letters
    (besides a single space, hyphen or apostrophe between words), a lower-case
    start other than a particle (python3-fake-factory fr_FR lists `daisy`),
    the typos above, and the less capitalised spelling of a name listed in
    two cases (`Da silva` next to `Da Silva`). Dropped entries are printed on
    stderr.
    """
    merged = set()
    for s in sources:
        s = list(s)
        for v in s:
            # YAML 1.1 reads a bare `No` or `On` as a boolean, for example.
            if not isinstance(v, str):
                raise ValueError(f"not a string: {v!r}")
        merged.update(clean(s))
    dropped = {}
    for v in sorted(merged):
        first_word = re.split(r"[ '-]", v)[0]
        if not _NAME_RE.fullmatch(v):
            dropped[v] = "not letters"
        elif not v[0].isupper() and first_word not in _NAME_PARTICLES:
            dropped[v] = "lower-case start"
        elif v in _KNOWN_TYPOS:
            dropped[v] = "known typo"
    kept = merged - dropped.keys()
    by_fold = {}
    for v in kept:
        by_fold.setdefault(v.casefold(), []).append(v)
    for spellings in by_fold.values():
        if len(spellings) > 1:
            best = min(spellings,
                       key=lambda v: (-sum(c.isupper() for c in v), v))
            for v in spellings:
                if v != best:
                    dropped[v] = f"case variant of {best}"
    for v, why in sorted(dropped.items()):
        print(f"  dropped {v!r}: {why}", file=sys.stderr)
    return sorted(merged - dropped.keys())


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
    # Python Faker fr_FR alone has 216 first names and 400 last names, so
    # the French-language person lists of the three Faker packages are
    # merged to get past 1,000 (male and female first names together).
    first, last = [], []
    for p in (PersonFrFR, PersonFrCH):
        first += list(p.first_names_male) + list(p.first_names_female)
        last += list(p.last_names)
    for locale in ("fr_FR", "fr_CH", "fr_CA", "fr_BE"):
        f, l = php_faker_person(locale)
        first += f
        last += l
    fr = ruby_faker_name_section("fr/name.yml")
    first += fr["female_first_name"] + fr["male_first_name"]
    last += fr["last_name"]
    for relpath in ("fr-CA.yml", "fr-CH.yml"):
        section = ruby_faker_name_section(relpath)
        first += section["first_name"]
        last += section["last_name"]
    print("fr_first_names.inc:", file=sys.stderr)
    files["fr_first_names.inc"] = french_names(first)
    print("fr_last_names.inc:", file=sys.stderr)
    files["fr_last_names.inc"] = french_names(last)

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
    for pkg in ("python3-fake-factory", "php-faker", "ruby-faker"):
        try:
            version = subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", pkg],
                capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            version = "?"
        print(f"({pkg} {version})")


if __name__ == "__main__":
    main()
