#!/usr/bin/env bash
# End-to-end speed and output size of dbanon on a pg_dump custom-format
# archive (DbToolsBundle's backup format), beside the references of issue 16,
# measured in the same run.
#
#   bench/archive_e2e.sh                          # 1,000,000 rows, median of 3 rounds
#   bench/archive_e2e.sh --rows 200000 --runs 1   # a quicker look
#   bench/archive_e2e.sh --size 1G                # rows for a ~1 GiB archive instead
#
# What it does: builds a release dbanon (or uses $DBANON), starts a throwaway
# PostgreSQL (initdb in a temporary folder, unix socket only, run as postgres
# through runuser when root, stopped at the end), fills a `users` table of 8
# columns with generate_series (--rows rows, or as many as make
# `pg_dump -Fc -Z5`, DbToolsBundle's backup command, write about --size
# bytes), dumps it with `pg_dump -Fc -Z5`, then times, in --runs rounds
# where every command runs once per round (so the drift of a shared
# machine weighs on all alike; median reported, MB/s = archive bytes / wall
# seconds):
#   pg_restore -f - | gzip -5  a floor for any restore-and-redump road
#   pg_restore -f -            decompression alone, for scale
#   restore+UPDATE+dump        what DbToolsBundle does: createdb, pg_restore
#                              -j2 into it, 4 UPDATEs (email, first_name,
#                              last_name, phone), pg_dump -Fc -Z5, dropdb
#   dbanon -o FILE             the same 4 columns anonymized (email, firstname,
#                              lastname, md5), -j = cores, an archive with
#                              patched data offsets
#   dbanon | cat               the same to a pipe
#   dbanon (base) -o FILE      only when $DBANON_BASE names another binary:
#                              an older build measured in the same rounds
# Then the output size: dbanon's archive is restored into a fresh database
# and dumped again with `pg_dump -Fc -Z5`; the ratio of the two sizes is the
# size target. It checks that pg_restore reads dbanon's output, and prints
# the targets of issue 16 beside the measured ratios. Files go to
# $DBANON_BENCH_DIR (default: a temporary folder under /var/tmp), removed at
# the end unless --keep.
set -euo pipefail

size=""
rows=1000000
runs=3
keep=0
while (($#)); do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$size" ]]; then
  case "$size" in
    *G) target=$(( ${size%G} << 30 )) ;;
    *M) target=$(( ${size%M} << 20 )) ;;
    *) target=$size ;;
  esac
  # About 37 bytes of -Z5 archive per row of this table (measured).
  rows=$(( target / 37 ))
fi
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

# Filled in slices of 2M rows.
echo "# generating $rows rows" >&2
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
cat > "$work/updates.sql" <<'EOF'
UPDATE users SET email = 'anon-' || md5(email || 'bench salt') || '@example.com';
UPDATE users SET first_name = (ARRAY['Ada','Alan','Grace','Linus','Barbara','Ken','Dennis','Edsger'])[1 + (random() * 7)::int];
UPDATE users SET last_name = (ARRAY['Lovelace','Turing','Hopper','Torvalds','Liskov','Thompson','Ritchie'])[1 + (random() * 6)::int];
UPDATE users SET phone = md5(phone || 'bench salt');
EOF
redump="psql -d postgres -c 'DROP DATABASE IF EXISTS scratch' && psql -d postgres -c 'CREATE DATABASE scratch' \
  && '$bindir/pg_restore' -j2 -d scratch '$archive' && psql -d scratch -f '$work/updates.sql' \
  && '$bindir/pg_dump' -Fc -Z5 -d scratch -f '$work/redump.dump' && psql -d postgres -c 'DROP DATABASE scratch'"
export -f psql
export bindir

names=("pg_restore -f - | gzip -5" "pg_restore -f -" "restore+UPDATE+dump" "dbanon -j$threads -o FILE"
       "dbanon -j$threads | cat")
cmds=("'$bindir/pg_restore' -f - '$archive' | gzip -5 > /dev/null"
      "'$bindir/pg_restore' -f - '$archive' > /dev/null"
      "$redump"
      "'$DBANON' -c '$work/dbanon.toml' -j$threads -o '$work/anon.dump' '$archive'"
      "'$DBANON' -c '$work/dbanon.toml' -j$threads < '$archive' | cat > /dev/null")
if [[ -n "${DBANON_BASE:-}" ]]; then
  names+=("dbanon (base) -j$threads -o FILE")
  cmds+=("'$DBANON_BASE' -c '$work/dbanon.toml' -j$threads -o '$work/base.dump' '$archive'")
fi

# Every command once per round; wall seconds kept per command.
declare -A times
for ((r = 0; r < runs; r++)); do
  for i in "${!cmds[@]}"; do
    start=$(date +%s.%N)
    bash -o pipefail -c "${cmds[$i]}" >/dev/null 2>"$work/err" || { echo "${names[$i]} failed: $(cat "$work/err")" >&2; exit 1; }
    end=$(date +%s.%N)
    times[$i]+="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') "
  done
done
median() { printf '%s\n' ${times[$1]} | sort -g | sed -n "$(( (runs + 1) / 2 ))p"; }

echo "# archive: $bytes bytes (pg_dump -Fc -Z5 of $rows rows), $runs round(s), $threads cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a med
for i in "${!cmds[@]}"; do
  med[$i]=$(median "$i")
  awk -v n="${names[$i]}" -v t="${med[$i]}" -v b="$bytes" 'BEGIN { printf "%-30s %8.2f s %9.1f MB/s\n", n, t, b / t / 1e6 }'
done

# The size target: dbanon's output restored and dumped again the way
# DbToolsBundle writes its backups.
"$bindir/pg_restore" -l "$work/anon.dump" > /dev/null
psql -d postgres -c 'CREATE DATABASE anonsize'
"$bindir/pg_restore" -j2 -d anonsize "$work/anon.dump"
"$bindir/pg_dump" -Fc -Z5 -d anonsize -f "$work/anon-redump.dump"
out_bytes=$(stat -c %s "$work/anon.dump")
redump_bytes=$(stat -c %s "$work/anon-redump.dump")
echo "# dbanon's output: $out_bytes bytes; restored and dumped again with pg_dump -Fc -Z5: $redump_bytes bytes"

echo
printf '%-58s %10s %8s\n' "target (issue 16)" measured target
awk -v a="${med[0]}" -v d="${med[3]}" 'BEGIN { printf "%-58s %9.2fx %8s\n", "dbanon -o FILE vs pg_restore -f - | gzip -5 (speed)", a / d, ">= 5x" }'
awk -v a="${med[2]}" -v d="${med[3]}" 'BEGIN { printf "%-58s %9.2fx %8s\n", "dbanon -o FILE vs restore+UPDATE+pg_dump -Fc -Z5 (speed)", a / d, ">= 30x" }'
awk -v o="$out_bytes" -v r="$redump_bytes" 'BEGIN { printf "%-58s %9.3fx %8s\n", "output size vs pg_dump -Fc -Z5 of the same data", o / r, "<= 1.10x" }'
if [[ -n "${DBANON_BASE:-}" ]]; then
  awk -v b="${med[5]}" -v d="${med[3]}" 'BEGIN { printf "%-58s %9.2fx\n", "dbanon -o FILE vs dbanon (base) (speed)", b / d }'
  echo "# dbanon (base) output: $(stat -c %s "$work/base.dump") bytes"
fi
