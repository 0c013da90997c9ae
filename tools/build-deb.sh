#!/usr/bin/env bash
# Builds a Debian package of dbanon from an existing build folder (no rebuild):
#   tools/build-deb.sh [BUILD_DIR [OUT_DIR]]      (defaults: build, BUILD_DIR)
# `meson install` into a staging root (the binary stripped, the manual page
# and the bash completion), moved from the build's prefix to /usr; Depends
# from the shared libraries the binary links (dpkg-shlibdeps); dpkg-deb
# --build; then lintian, when installed, must report no error. Prints the
# path of the .deb on its last line. Needs dpkg-dev (and lintian to check).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=$(mkdir -p "${2:-$build}" && cd "${2:-$build}" && pwd)

version=$(meson introspect --projectinfo "$build" | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
prefix=$(meson introspect --buildoptions "$build" |
         python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
arch=$(dpkg --print-architecture)
name="dbanon_${version}_${arch}"

stage=$(mktemp -d "${TMPDIR:-/tmp}/dbanon-deb-XXXXXX")
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --no-rebuild --strip --destdir "$stage/install" >/dev/null

pkg="$stage/$name"
mkdir -p "$pkg/usr" "$pkg/DEBIAN"
cp -a "$stage/install$prefix/." "$pkg/usr/"
# Debian policy: manual pages gzip -9n, a copyright file and a changelog.
find "$pkg/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +
doc="$pkg/usr/share/doc/dbanon"
mkdir -p "$doc"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: dbanon"
  echo
  echo "Files: *"
  echo "Copyright: 2026 the dbanon developers"
  echo "License: Expat"
  sed 's/^$/./; s/^/ /' "$root/LICENSE" | tail -n +2
} > "$doc/copyright"
{
  echo "dbanon ($version) unstable; urgency=medium"
  echo
  echo "  * Built from the dbanon source tree by tools/build-deb.sh."
  echo
  echo " -- dbanon developers <dbanon@users.noreply.github.com>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")"
} | gzip -9n > "$doc/changelog.gz"
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg/usr" -type f -exec chmod 0644 {} +
chmod 0755 "$pkg/usr/bin/dbanon"

# dpkg-shlibdeps reads debian/control of a source tree: a minimal one here.
mkdir -p "$stage/src/debian"
printf 'Source: dbanon\n\nPackage: dbanon\nArchitecture: any\n' > "$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/dbanon" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$depends" ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: dbanon
Version: $version
Architecture: $arch
Maintainer: dbanon developers <dbanon@users.noreply.github.com>
Installed-Size: $size
Depends: $depends
Section: database
Priority: optional
Homepage: https://github.com/dbanon/dbanon
Description: anonymize database dumps without a database
 dbanon reads a dump written by pg_dump (plain, custom, directory or tar),
 mysqldump/mariadb-dump or sqlite3 .dump, rewrites the configured columns
 and writes a dump that restores with the real clients. Everything not
 configured comes out byte for byte as it went in. It reads DbToolsBundle
 YAML configurations as they are.
CONTROL

dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out/$name.deb" >/dev/null
if command -v lintian >/dev/null; then
  # Errors fail the build; warnings are printed.
  lintian --fail-on error "$out/$name.deb" >&2
fi
echo "$out/$name.deb"
