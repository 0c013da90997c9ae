#!/usr/bin/env bash
# End-to-end throughput of dbanon on a pg_dump custom-format archive, beside
# `pg_restore -f - ARCHIVE | gzip`, measured in the same run.
#
#   bench/archive_e2e.sh                  # a ~1 GiB `pg_dump -Fc -Z5` archive, median of 3 runs
#   bench/archive_e2e.sh --size 256M --runs 1     # a quicker look
#
# What it does: builds a release dbanon (or uses $DBANON), starts a throwaway
# PostgreSQL (initdb in a temporary folder, unix socket only, stopped at the
# end), fills a `users` table of 8 columns with generate_series until
# `pg_dump -Fc -Z5` (DbToolsBundle's backup command) writes about --size
# bytes, then times, each --runs times (median reported, MB/s = archive bytes
# / wall seconds):
#   pg_restore -f - | gzip    the reference: what anonymizing through a
#                             restore-and-redump path costs at the least
#   pg_restore -f -           decompression alone, for scale
#   dbanon -o FILE            4 columns anonymized (email, first_name,
#                             last_name, phone as md5), -j = cores, output
#                             an archive with patched data offsets
#   dbanon | cat              the same to a pipe
# and checks that pg_restore -l reads dbanon's output. Files go to
# $DBANON_BENCH_DIR (default: a temporary folder under /var/tmp), removed at
# the end unless --keep.
set -euo pipefail

size=1G
runs=3
keep=0
while (($#)); do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$size" in
  *G) target=$(( ${size%G} << 30 )) ;;
  *M) target=$(( ${size%M} << 20 )) ;;
  *) target=$size ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${DBANON:-}" ]]; then
  bash "$root/tools/install-deps.sh" --test
  build="$root/build-bench-archive"
  [[ -d "$build" ]] || meson setup "$build" --buildtype=release >/dev/null
  ninja -C "$build" src/dbanon >/dev/null
  DBANON="$build/src/dbanon"
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d "${DBANON_BENCH_DIR:-/var/tmp}/dbanon-archive-bench-XXXXXX")
as_pg=()
if [[ $(id -u) == 0 ]]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  if ((keep)); then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
mkdir -p "$work/sock"
if [[ ${#as_pg[@]} != 0 ]]; then chown postgres "$work/sock"; fi
cat >> "$work/data/postgresql.auto.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$work/sock'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
autovacuum = off
shared_buffers = '256MB'
EOF
"${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -l "$work/server.log" -w start >/dev/null
export PGHOST="$work/sock" PGPORT=5432 PGUSER=postgres
psql() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# About 37 bytes of -Z5 archive per row of this table (measured); fill in
# slices of 2M rows until the estimate reaches the target.
rows=$(( target / 37 ))
echo "# generating $rows rows for a ~$size archive" >&2
psql -d postgres -c "CREATE DATABASE bench"
psql -d bench -c "CREATE TABLE users (id bigint PRIMARY KEY, email text, first_name text, last_name text,
  phone text, city text, created_at timestamptz, note text)"
for ((from = 1; from <= rows; from += 2000000)); do
  to=$(( from + 1999999 < rows ? from + 1999999 : rows ))
  psql -d bench -c "INSERT INTO users SELECT i, 'user' || i || '@example.com',
    (ARRAY['Alice','Bob','Carol','Dave','Eve','Frank','Grace','Heidi'])[1 + i % 8],
    (ARRAY['Smith','Jones','Brown','Taylor','Wilson','Davies','Evans'])[1 + (i / 8) % 7],
    '+33 6 ' || lpad((i * 7919 % 100000000)::text, 8, '0'),
    (ARRAY['Paris','Lyon','Marseille','Toulouse','Nice','Nantes'])[1 + (i / 3) % 6],
    timestamptz '2020-01-01' + (i % 100000) * interval '1 minute', md5(i::text)
    FROM generate_series($from::bigint, $to::bigint) AS i"
done
archive="$work/bench.dump"
"$bindir/pg_dump" -Fc -Z5 -d bench -f "$archive"
bytes=$(stat -c %s "$archive")
cat > "$work/dbanon.toml" <<'EOF'
salt = "bench salt, long enough"
[tables.users]
email = "email"
first_name = "firstname"
last_name = "lastname"
phone = "md5"
EOF
threads=$(nproc)

# Median wall seconds of `runs` runs of a shell command.
measure() {
  local name=$1 cmd=$2 t times=()
  for ((r = 0; r < runs; r++)); do
    local start end
    start=$(date +%s.%N)
    bash -o pipefail -c "$cmd" >/dev/null 2>"$work/err" || { echo "$name failed: $(cat "$work/err")" >&2; exit 1; }
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  done
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
  awk -v n="$name" -v t="$t" -v b="$bytes" 'BEGIN { printf "%-28s %8.2f s %9.1f MB/s\n", n, t, b / t / 1e6 }'
}

echo "# archive: $bytes bytes (pg_dump -Fc -Z5 of $rows rows), $runs run(s) each, $threads cores"
measure "pg_restore -f - | gzip" "'$bindir/pg_restore' -f - '$archive' | gzip > /dev/null"
measure "pg_restore -f -" "'$bindir/pg_restore' -f - '$archive' > /dev/null"
measure "dbanon -j$threads -o FILE" "'$DBANON' -c '$work/dbanon.toml' -j$threads -o '$work/anon.dump' '$archive'"
measure "dbanon -j$threads | cat" "'$DBANON' -c '$work/dbanon.toml' -j$threads < '$archive' | cat > /dev/null"
"$bindir/pg_restore" -l "$work/anon.dump" > /dev/null
echo "# pg_restore -l reads dbanon's output ($(stat -c %s "$work/anon.dump") bytes)"
