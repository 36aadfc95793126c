# bash completion for scoin                                -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/scoin (or source it).
# Needs bash-completion (_init_completion, _filedir). Static: it never runs
# scoin; tests/completions/drift.sh checks it against `scoin __spec`.
#
# Layout: one function per command path, named _scoin_cmd plus the path with
# spaces turned into underscores (_scoin_cmd is `scoin` itself,
# _scoin_cmd_account_open is `scoin account open`); _scoin_globals holds the
# global options, accepted before or after any subcommand. Each one may set
#   cmds='...'   its subcommands
#   opts='...'   its options
#   args=...     how to complete its positional argument (see below)
# and, when called with an option as $1, sets val to how that option's value
# is completed: @file, @dir, @text (free text, nothing offered) or a word
# list. An option that takes no value leaves val empty.
#
# To add a subcommand: write its _scoin_cmd_... function and add its name to
# the parent's cmds.

# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the usual idiom

_scoin_globals()
{
    opts='--ledger --config --passphrase-file --json --quiet -q --no-input
          --version --help -h'
    case $1 in
        --ledger) val=@dir ;;
        --config | --passphrase-file) val=@file ;;
    esac
}

_scoin_cmd()
{
    cmds='keygen key init account balance log issue transfer redeem submit
          show-op verify-chain export-csv sync bundle checkpoint cosign prove
          verify-proof config help'
}

_scoin_cmd_keygen()
{
    opts='--out -o --kdf --unencrypted'
    case $1 in
        --out | -o) val=@file ;;
        --kdf) val='interactive moderate sensitive' ;;
    esac
}

_scoin_cmd_key()
{
    cmds='show'
}

_scoin_cmd_key_show()
{
    args=@file # FILE
}

_scoin_cmd_init()
{
    opts='--admin-key --name --unit --decimals --krw-per-coin --utc-offset
          --allow-resident-transfers --admin --issuer'
    case $1 in
        --admin-key) val=@file ;;
        --decimals) val='0 1 2 3 4 5 6 7 8' ;;
        --name | --unit | --krw-per-coin | --utc-offset | --admin | --issuer) val=@text ;;
    esac
}

_scoin_cmd_account()
{
    cmds='open show list'
}

_scoin_cmd_account_open()
{
    opts='--key --kind --label --csv' # and ADDRESS: free text
    case $1 in
        --key | --csv) val=@file ;;
        --kind) val='resident merchant charity' ;;
        --label) val=@text ;;
    esac
}

_scoin_cmd_account_show()
{
    : # ACCOUNT: free text
}

_scoin_cmd_account_list()
{
    :
}

_scoin_cmd_balance()
{
    : # [ACCOUNT]: free text
}

_scoin_cmd_log()
{
    opts='--account --date --type --limit'
    case $1 in
        --date) val='today yesterday' ;; # or YYYY-MM-DD
        --type) val='genesis role open issue transfer redeem' ;;
        --account | --limit) val=@text ;;
    esac
}

_scoin_cmd_issue()
{
    opts='--key --to --amount --reason --ref --memo --csv --dry-run --out
          --nonce --chain-id --decimals --threads'
    case $1 in
        --key | --csv | --out) val=@file ;;
        --decimals) val='0 1 2 3 4 5 6 7 8' ;;
        --to | --amount | --reason | --ref | --memo | --nonce | --chain-id | --threads) val=@text ;;
    esac
}

_scoin_cmd_transfer()
{
    opts='--key --to --amount --memo --csv --out --nonce --chain-id --decimals'
    case $1 in
        --key | --csv | --out) val=@file ;;
        --decimals) val='0 1 2 3 4 5 6 7 8' ;;
        --to | --amount | --memo | --nonce | --chain-id) val=@text ;;
    esac
}

_scoin_cmd_redeem()
{
    opts='--key --amount --ref --memo --out --nonce --chain-id --decimals'
    case $1 in
        --key | --out) val=@file ;;
        --decimals) val='0 1 2 3 4 5 6 7 8' ;;
        --amount | --ref | --memo | --nonce | --chain-id) val=@text ;;
    esac
}

_scoin_cmd_submit()
{
    args=@file # FILE...
}

_scoin_cmd_show-op()
{
    args=@file # FILE
}

_scoin_cmd_verify-chain()
{
    opts='--all --expect-chain-id --expect-head --from --to --trust --state
          --since-state --threads'
    case $1 in
        --state) val=@file ;;
        # a chain id (64 hex digits), HEIGHT:HASH, heights, addresses, a number
        --expect-chain-id | --expect-head | --from | --to | --trust | --threads) val=@text ;;
    esac
}

_scoin_cmd_export-csv()
{
    opts='--date --from --to --at-date --at-height --out -o --manifest'
    # KIND: offered until one is on the command line, then the options
    local w
    args='transactions settlements balances'
    for w in "${words[@]:1:cword-1}"; do
        case $w in
            transactions | settlements | balances) args='' ;;
        esac
    done
    case $1 in
        --date | --from | --to | --at-date) val='today yesterday' ;; # or YYYY-MM-DD
        --out | -o) val=@file ;; # %Y %m %d %k %% are expanded
        --at-height) val=@text ;;
    esac
}

_scoin_cmd_sync()
{
    opts='--from'
    case $1 in
        --from) val=@file ;; # a replica's directory or a bundle file
    esac
}

_scoin_cmd_bundle()
{
    opts='--since --out -o'
    case $1 in
        --since) val=@text ;; # a height
        --out | -o) val=@file ;;
    esac
}

_scoin_cmd_checkpoint()
{
    opts='--key --name --out -o'
    case $1 in
        --key | --out | -o) val=@file ;;
        --name) val=@text ;;
    esac
}

_scoin_cmd_cosign()
{
    opts='--key --name --out -o'
    args=@file # CHECKPOINT
    case $1 in
        --key | --out | -o) val=@file ;;
        --name) val=@text ;;
    esac
}

_scoin_cmd_prove()
{
    opts='--checkpoint --out -o' # and HEIGHT: free text
    case $1 in
        --checkpoint | --out | -o) val=@file ;;
    esac
}

_scoin_cmd_verify-proof()
{
    opts='--trust'
    args=@file # PROOF
    case $1 in
        --trust) val=@text ;; # an address
    esac
}

_scoin_cmd_config()
{
    cmds='show'
}

_scoin_cmd_config_show()
{
    :
}

_scoin_cmd_help()
{
    # COMMAND: a top-level command, or format (scoin-format(5)); only one
    args='keygen key init account balance log issue transfer redeem submit
          show-op verify-chain export-csv sync bundle checkpoint cosign prove
          verify-proof config help format'
    # a COMMAND already given after help: nothing more to offer
    local i seen=''
    for ((i = 1; i < cword; i++)); do
        if [[ $seen && ${words[i]} != -* ]]; then
            args=''
            break
        fi
        [[ ${words[i]} == help ]] && seen=1
    done
}

# _scoin_describe PATH [OPTION]: sets cmds, opts (PATH's own), gopts (the
# global ones), args, and val for OPTION under PATH.
_scoin_describe()
{
    cmds='' opts='' args='' val=''
    _scoin_globals "${2-}"
    gopts=$opts opts=''
    local fn=_scoin_cmd${1:+_${1// /_}}
    if declare -F "$fn" >/dev/null; then
        "$fn" "${2-}"
    fi
}

# _scoin_complete_value HOW: fills COMPREPLY for the current word.
_scoin_complete_value()
{
    case $1 in
        '' | @text) ;;
        @file) _filedir ;;
        @dir) _filedir -d ;;
        *) COMPREPLY=($(compgen -W "$1" -- "$cur")) ;;
    esac
}

_scoin()
{
    local cur prev words cword split
    _init_completion -s || return

    local path='' cmds opts gopts args val expect='' i w c
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $expect ]]; then # the value of the option before it
            expect=''
            continue
        fi
        case $w in
            -*=*) ;;
            -*)
                _scoin_describe "$path" "$w"
                [[ $val ]] && expect=1
                ;;
            *)
                _scoin_describe "$path"
                for c in $cmds; do
                    [[ $c == "$w" ]] && path=${path:+$path }$w && break
                done
                ;;
        esac
    done

    if [[ $expect || $split == true ]]; then
        _scoin_describe "$path" "$prev"
        _scoin_complete_value "$val"
        return
    fi

    _scoin_describe "$path"
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $gopts" -- "$cur"))
    elif [[ $cmds ]]; then
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
    elif [[ $args ]]; then
        _scoin_complete_value "$args"
    else
        COMPREPLY=($(compgen -W "$opts $gopts" -- "$cur"))
    fi
} &&
    complete -F _scoin scoin

# ex: filetype=sh
