#!/usr/bin/env bash
# The seed workflow's anonymize step (docs/ci/): one backup in, one
# anonymized backup and its report out, or nothing out at all.
#
#   tools/anonymize-backup.sh BACKUP CONFIG OUTPUT [REPORT]
#
# BACKUP  what DbToolsBundle's db-tools:backup wrote (pg_dump -Fc -Z5, a -Fd
#         folder, mysqldump/mariadb-dump, possibly .gz/.zst), or any dump
#         dbanon reads
# CONFIG  DbToolsBundle YAML (db_tools.config.yaml, config/packages/
#         db_tools.yaml, an anonymization file) or dbanon TOML
# OUTPUT  the anonymized backup (a folder for a -Fd input)
# REPORT  the JSON report (default: OUTPUT.report.json)
#
# Environment:
#   DBANON_SALT_FILE   a file holding the salt (a CI secret of type "file"), or
#   DBANON_SALT        the salt itself (a masked CI variable); one is required:
#                      a seed must map a value the same way every week
#   DBANON_CONNECTION  the DbToolsBundle connection (default: dbanon's choice)
#   DBANON_STRICT=1    every column of the dump must be covered (--strict)
#   DBANON             the dbanon binary (default: dbanon on PATH)
#
# Exit status: 0 when OUTPUT and REPORT are written; otherwise dbanon's exit
# code (2 config, 3 input, 4 I/O; see dbanon(1)) or 2 for a usage error, with
# neither OUTPUT nor REPORT left behind, so that the job publishes nothing.
set -euo pipefail

usage() { echo "usage: $0 BACKUP CONFIG OUTPUT [REPORT]" >&2; exit 2; }
(($# == 3 || $# == 4)) || usage
backup=$1 config=$2 output=$3 report=${4:-$3.report.json}
dbanon=${DBANON:-dbanon}

fail() { echo "anonymize-backup: $*" >&2; exit 2; }
[[ -e $backup ]] || fail "$backup: no such backup"
[[ -f $config ]] || fail "$config: no such config"
[[ ! -e $output ]] || fail "$output exists: refusing to overwrite an earlier output"
args=(-c "$config" --progress --report "$report" -o "$output")
if [[ -n ${DBANON_SALT_FILE:-} ]]; then
  args+=(--salt-file "$DBANON_SALT_FILE")
elif [[ -z ${DBANON_SALT:-} ]]; then
  fail "no salt: set DBANON_SALT_FILE or DBANON_SALT from a CI secret"
fi
[[ -z ${DBANON_CONNECTION:-} ]] || args+=(--connection "$DBANON_CONNECTION")
[[ ${DBANON_STRICT:-0} != 1 ]] || args+=(--strict)

"$dbanon" --version | head -1 >&2
status=0
"$dbanon" "${args[@]}" "$backup" || status=$?
if ((status != 0)) || [[ ! -e $output || ! -s $report ]]; then
  # dbanon leaves nothing at -o on failure; the report is only written after
  # a successful run. Remove both anyway: nothing may be published.
  rm -rf -- "$output" "$report"
  echo "anonymize-backup: dbanon failed (exit $status): nothing written" >&2
  exit $((status == 0 ? 1 : status))
fi
echo "anonymize-backup: wrote $output and $report" >&2
