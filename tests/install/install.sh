#!/usr/bin/env bash
# Installs scoin into a staging prefix and uses it from there: the binary,
# its man pages through man(1), and each shell completion in its place; then
# builds the .deb and checks its dependencies are Debian's runtime libraries.
#   tests/install/install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage/usr/local" > /dev/null
bin="$stage/usr/local/bin/scoin"
"$bin" --version | grep -q '^scoin ' || { echo "installed scoin --version failed"; exit 1; }
# (Output goes to a file first: grep -q would close the pipe under man.)
for page in scoin scoin-issue scoin-verify-chain scoin-export-csv; do
  MANPATH="$stage/usr/local/share/man" man -P cat "$page" > "$stage/page.txt" 2>&1 || true
  grep -q 'EXIT STATUS' "$stage/page.txt" || { echo "man $page: not found in the staged prefix"; exit 1; }
done
MANPATH="$stage/usr/local/share/man" man -P cat 5 scoin-format > "$stage/page.txt" 2>&1 || true
grep -q 'scoin-entry-v1' "$stage/page.txt" || { echo "man 5 scoin-format: not found"; exit 1; }
# scoin help finds the installed page beside the installed binary.
"$bin" help redeem > "$stage/page.txt"
grep -q 'SCOIN-REDEEM' "$stage/page.txt" || { echo "scoin help redeem: no page"; exit 1; }
test -f "$stage/usr/local/share/bash-completion/completions/scoin" || { echo "bash completion not installed"; exit 1; }
test -f "$stage/usr/local/share/zsh/site-functions/_scoin" || { echo "zsh completion not installed"; exit 1; }
test -f "$stage/usr/local/share/fish/vendor_completions.d/scoin.fish" || { echo "fish completion not installed"; exit 1; }
# The staged bash completion works from its installed place.
out=$(bash -c "source /usr/share/bash-completion/bash_completion; source '$stage/usr/local/share/bash-completion/completions/scoin';
  COMP_WORDS=(scoin ver); COMP_CWORD=1; COMP_LINE='scoin ver'; COMP_POINT=9; _scoin; echo \"\${COMPREPLY[*]}\"")
[ "$out" = "verify-chain verify-proof" ] || { echo "installed bash completion offered '$out'"; exit 1; }

if command -v cpack > /dev/null && command -v dpkg-deb > /dev/null && command -v dpkg-shlibdeps > /dev/null; then
  (cd "$stage" && cpack --config "$build/CPackConfig.cmake" -B "$stage/pkg" > "$stage/cpack.log" 2>&1) ||
    { cat "$stage/cpack.log"; exit 1; }
  deb=$(ls "$stage"/pkg/*.deb)
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libsodium23 liblmdb0 libfmt9; do
    echo "$depends" | grep -q "$lib" || { echo ".deb Depends lacks $lib: $depends"; exit 1; }
  done
  dpkg-deb -c "$deb" > "$stage/contents.txt"
  grep -q '\./usr/bin/scoin$' "$stage/contents.txt" || { echo ".deb has no /usr/bin/scoin"; cat "$stage/contents.txt"; exit 1; }
  grep -q 'usr/share/man/man1/scoin-issue.1' "$stage/contents.txt" || { echo ".deb has no man pages"; exit 1; }
  grep -q 'usr/share/zsh/vendor-completions/_scoin' "$stage/contents.txt" || { echo ".deb has no zsh completion"; exit 1; }
  grep -q 'usr/share/bash-completion/completions/scoin$' "$stage/contents.txt" || { echo ".deb has no bash completion"; exit 1; }
fi
echo "install: ok"
