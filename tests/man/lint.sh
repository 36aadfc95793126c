#!/usr/bin/env bash
# Every man page renders without warnings (mandoc -T lint), and every
# subcommand of the binary has its page, naming each of its options.
#   tests/man/lint.sh SCOIN_BIN MAN_DIR
set -uo pipefail
bin=$1
dir=$2
fail=0
for f in "$dir"/*.[15]; do
  out=$(mandoc -T lint -W warning "$f" 2>&1)
  if [ -n "$out" ]; then
    echo "lint: $out"
    fail=1
  fi
  # groff must format it without warnings, too (what man -l uses).
  gout=$(groff -man -ww -z "$f" 2>&1)
  if [ -n "$gout" ]; then
    echo "groff: $f: $gout"
    fail=1
  fi
done
for page in scoin.1 scoin-format.5; do
  [ -f "$dir/$page" ] || { echo "missing: $dir/$page"; fail=1; }
done
# Subcommands: the top-level word names the page (scoin-account.1 covers
# account open|show|list); each option must appear in it as \-\-name or \-x.
while read -r what rest; do
  [ "$what" = option ] || continue
  name=${rest##* }
  path=${rest% *}
  [ "$path" = - ] && continue
  case $name in --help|-h) continue ;; esac
  top=${path%% *}
  [ "$top" = __spec ] && continue
  page="$dir/scoin-$top.1"
  if [ ! -f "$page" ]; then
    echo "missing page for '$top': $page"
    fail=1
    continue
  fi
  escaped=$(printf '%s' "$name" | sed 's/-/\\\\-/g')
  if ! grep -q -- "$escaped" "$page"; then
    echo "$page does not document '$path $name'"
    fail=1
  fi
done < <("$bin" __spec)
# Global options belong in scoin(1).
while read -r what path name; do
  [ "$what" = option ] && [ "$path" = - ] || continue
  case $name in --help|-h) continue ;; esac
  escaped=$(printf '%s' "$name" | sed 's/-/\\\\-/g')
  grep -q -- "$escaped" "$dir/scoin.1" || { echo "scoin.1 does not document global '$name'"; fail=1; }
done < <("$bin" __spec)
[ "$fail" = 0 ] && echo "man pages: ok"
exit "$fail"
