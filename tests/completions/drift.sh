#!/usr/bin/env bash
# Drift test: every subcommand and option that `scoin __spec` prints must be
# completed by each of the three static scripts, in that subcommand's own
# section; and no script may complete a subcommand or option scoin no longer
# has. --help/-h and the hidden __spec command are skipped.
#
# Sections, by the layout each script documents in its header:
#   scoin.bash  function _scoin_cmd[_PATH] (PATH's spaces as underscores;
#               _scoin_globals for the global options): subcommands in its
#               cmds='...', options in its opts='...'.
#   _scoin      function _scoin_cmd[_PATH] (_scoin_globals for the global
#               options): subcommands as 'NAME:description' items, options as
#               _arguments specs ('--name=[...', {-o+,--out=}, ...).
#   scoin.fish  subcommands as `__scoin_sub 'PARENT' NAME ...` lines, options
#               as `-l NAME` / `-s X` in `__scoin_complete 'PATH' ...` lines
#               ('-' for the global options).
#
# usage: tests/completions/drift.sh SCOIN_BIN COMPLETIONS_DIR
set -u

if (($# != 2)); then
    echo "usage: $0 SCOIN_BIN COMPLETIONS_DIR" >&2
    exit 2
fi
bin=$1
dir=$2
bash_script=$dir/scoin.bash
zsh_script=$dir/_scoin
fish_script=$dir/scoin.fish
for f in "$bash_script" "$zsh_script" "$fish_script"; do
    [[ -f $f ]] || { echo "drift.sh: FAIL: no $f" >&2; exit 1; }
done

if ! spec=$("$bin" __spec); then
    echo "drift.sh: FAIL: '$bin __spec' failed" >&2
    exit 1
fi
[[ $spec == *'command '* ]] || { echo "drift.sh: FAIL: '$bin __spec' printed no commands" >&2; exit 1; }

commands=() # PATH
options=()  # PATH|NAME, PATH '-' for the global options
declare -A known=() # "command PATH" and "option PATH NAME" lines, all of them
while read -r kind rest; do
    case $kind in
        command)
            known["command $rest"]=1
            [[ $rest == __spec || $rest == '__spec '* ]] && continue
            commands+=("$rest")
            ;;
        option)
            known["option $rest"]=1
            path=${rest% *} name=${rest##* }
            [[ $path == __spec || $path == '__spec '* ]] && continue
            [[ $name == --help || $name == -h ]] && continue
            options+=("$path|$name")
            ;;
        '') ;;
        *)
            echo "drift.sh: FAIL: unexpected line in '$bin __spec': $kind $rest" >&2
            exit 1
            ;;
    esac
done <<<"$spec"

missing=()
stale=()

# section_fn PATH: the function that holds PATH's section in bash and zsh.
section_fn() {
    case $1 in
        -) echo _scoin_globals ;;
        '') echo _scoin_cmd ;;
        *) echo "_scoin_cmd_${1// /_}" ;;
    esac
}

# fn_body FILE FUNCTION: the body of FUNCTION (from its `NAME()` line to the
# next line starting with `}`), comments removed.
fn_body() {
    awk -v fn="$2" '
        !inside && index($0, fn) == 1 && substr($0, length(fn) + 1) ~ /^[ \t]*\(\)/ { inside = 1; next }
        inside && /^}/ { exit }
        inside { sub(/(^|[ \t])#.*$/, ""); print }' "$1"
}

# has_fn FILE FUNCTION
has_fn() {
    awk -v fn="$2" '
        index($0, fn) == 1 && substr($0, length(fn) + 1) ~ /^[ \t]*\(\)/ { found = 1; exit }
        END { exit !found }' "$1"
}

# quoted_var BODY VAR: the words of VAR='...' (or "...") in BODY; the value
# may span lines.
quoted_var() {
    local re="(^|[^A-Za-z0-9_])$2=('([^']*)'|\"([^\"]*)\")"
    # shellcheck disable=SC2086 # split the value into words on purpose
    [[ $1 =~ $re ]] && echo ${BASH_REMATCH[3]} ${BASH_REMATCH[4]}
}

# where PATH: how a message names PATH's options.
where() { [[ $1 == - ]] && echo 'global' || echo "scoin $1"; }

# lines_from FILE PREFIX: FILE's lines that start with PREFIX, comments
# removed.
lines_from() {
    awk -v p="$2" 'index($0, p) == 1 { sub(/[ \t]#.*$/, ""); print }' "$1"
}

parent_of() { [[ $1 == *' '* ]] && echo "${1% *}" || echo ''; }
leaf_of() { echo "${1##* }"; }
ere_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

# --- scoin.bash -------------------------------------------------------------
for path in "${commands[@]}"; do
    fn=$(section_fn "$path")
    has_fn "$bash_script" "$fn" || missing+=("scoin.bash: command 'scoin $path' (no function $fn)")
    parent_fn=$(section_fn "$(parent_of "$path")")
    cmds=" $(quoted_var "$(fn_body "$bash_script" "$parent_fn")" cmds) "
    [[ $cmds == *" $(leaf_of "$path") "* ]] ||
        missing+=("scoin.bash: command 'scoin $path' (not in cmds of $parent_fn)")
done
for entry in "${options[@]}"; do
    path=${entry%%|*} name=${entry#*|}
    fn=$(section_fn "$path")
    opts=" $(quoted_var "$(fn_body "$bash_script" "$fn")" opts) "
    [[ $opts == *" $name "* ]] || missing+=("scoin.bash: $(where "$path") option '$name' (not in opts of $fn)")
done
# Stale: functions and options the CLI no longer has.
while read -r fn; do
    case $fn in
        _scoin_cmd) path='' ;;
        _scoin_globals) path=- ;;
        *) path=${fn#_scoin_cmd_} path=${path//_/ } ;;
    esac
    if [[ $path != - && $path && -z ${known["command $path"]+x} ]]; then
        stale+=("scoin.bash: $fn, but scoin has no command '$path'")
        continue
    fi
    for name in $(quoted_var "$(fn_body "$bash_script" "$fn")" opts); do
        [[ ${known["option $path $name"]+x} ]] ||
            stale+=("scoin.bash: option '$name' in $fn is not a $(where "$path") option")
    done
    for name in $(quoted_var "$(fn_body "$bash_script" "$fn")" cmds); do
        sub=${path:+$path }$name
        [[ ${known["command $sub"]+x} ]] || stale+=("scoin.bash: subcommand '$name' in $fn, but scoin has no command '$sub'")
    done
done < <(grep -oE '^(_scoin_cmd[A-Za-z0-9_-]*|_scoin_globals)[[:space:]]*\(\)' "$bash_script" | sed 's/[[:space:]]*()$//')

# --- _scoin (zsh) -----------------------------------------------------------
for path in "${commands[@]}"; do
    fn=$(section_fn "$path")
    has_fn "$zsh_script" "$fn" || missing+=("_scoin: command 'scoin $path' (no function $fn)")
    parent_fn=$(section_fn "$(parent_of "$path")")
    leaf=$(ere_quote "$(leaf_of "$path")")
    fn_body "$zsh_script" "$parent_fn" | grep -qE "['\"]$leaf:" ||
        missing+=("_scoin: command 'scoin $path' (no '$(leaf_of "$path"):description' item in $parent_fn)")
done
for entry in "${options[@]}"; do
    path=${entry%%|*} name=${entry#*|}
    fn=$(section_fn "$path")
    # An option spec: the name after a quote, {, ',', ')' or '*' (not in an
    # exclusion list) and before =, +, ',', } or [.
    fn_body "$zsh_script" "$fn" | grep -qE "(^|['\"{,)*])$(ere_quote "$name")(=|\+|,|\}|\[)" ||
        missing+=("_scoin: $(where "$path") option '$name' (no spec in $fn)")
done
while read -r fn; do
    case $fn in
        _scoin_cmd) path='' ;;
        _scoin_globals) path=- ;;
        *) path=${fn#_scoin_cmd_} path=${path//_/ } ;;
    esac
    if [[ $path != - && $path && -z ${known["command $path"]+x} ]]; then
        stale+=("_scoin: $fn, but scoin has no command '$path'")
        continue
    fi
    for name in $(fn_body "$zsh_script" "$fn" |
        grep -oP "(?<=^|['\"{,)*])--?[A-Za-z0-9][A-Za-z0-9-]*(?=[=+,}[])" | sort -u); do
        [[ ${known["option $path $name"]+x} ]] ||
            stale+=("_scoin: option '$name' in $fn is not a $(where "$path") option")
    done
done < <(grep -oE '^(_scoin_cmd[A-Za-z0-9_-]*|_scoin_globals)[[:space:]]*\(\)' "$zsh_script" | sed 's/[[:space:]]*()$//')

# --- scoin.fish ---------------------------------------------------------------
for path in "${commands[@]}"; do
    parent=$(parent_of "$path")
    leaf=$(ere_quote "$(leaf_of "$path")")
    lines_from "$fish_script" "__scoin_sub '$parent' " | grep -qE "^__scoin_sub '[^']*' '?$leaf'?( |$)" ||
        missing+=("scoin.fish: command 'scoin $path' (no __scoin_sub '$parent' $(leaf_of "$path") line)")
done
for entry in "${options[@]}"; do
    path=${entry%%|*} name=${entry#*|}
    if [[ $name == --* ]]; then flag="-l ${name#--}"; else flag="-s ${name#-}"; fi
    lines_from "$fish_script" "__scoin_complete '$path' " | grep -qE " $(ere_quote "$flag")( |$)" ||
        missing+=("scoin.fish: $(where "$path") option '$name' (no __scoin_complete '$path' ... $flag line)")
done
while IFS='|' read -r parent name; do
    sub=${parent:+$parent }$name
    [[ ${known["command $sub"]+x} ]] || stale+=("scoin.fish: __scoin_sub for '$sub', but scoin has no such command")
done < <(sed -nE "s/^__scoin_sub '([^']*)' '?([A-Za-z0-9_-]+)'?.*/\1|\2/p" "$fish_script")
while IFS= read -r line; do
    path=$(sed -E "s/^__scoin_complete '([^']*)'.*/\1/" <<<"$line")
    [[ $path == - || ${known["command $path"]+x} ]] ||
        { stale+=("scoin.fish: __scoin_complete for '$path', but scoin has no such command"); continue; }
    # shellcheck disable=SC2013 # option names are single words
    for name in $(grep -oE " -[ls] [A-Za-z0-9-]+" <<<"$line" | sed -E 's/^ -l /--/; s/^ -s /-/'); do
        [[ ${known["option $path $name"]+x} ]] ||
            stale+=("scoin.fish: option '$name' in __scoin_complete '$path' lines is not a $(where "$path") option")
    done
done < <(lines_from "$fish_script" "__scoin_complete '")

# ----------------------------------------------------------------------------
status=0
if ((${#missing[@]})); then
    echo "drift.sh: FAIL: the completion scripts miss what '$bin __spec' prints:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    status=1
fi
if ((${#stale[@]})); then
    echo "drift.sh: FAIL: the completion scripts complete what '$bin __spec' no longer prints:" >&2
    printf '  %s\n' "${stale[@]}" >&2
    status=1
fi
if ((status == 0)); then
    echo "drift.sh: ok (${#commands[@]} commands, ${#options[@]} options, 3 scripts)"
fi
exit $status
