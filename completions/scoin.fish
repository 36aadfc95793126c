# fish completion for scoin.
#
# Install as ~/.config/fish/completions/scoin.fish (or in a directory of
# $fish_complete_path). Static: it never runs scoin;
# tests/completions/drift.sh checks it against `scoin __spec`.
#
# Layout: everything is declared with two helpers, PATH always in single
# quotes ('' is scoin itself, 'account open' is `scoin account open`, '-' the
# global options, accepted before or after any subcommand):
#   __scoin_sub 'PARENT' NAME 'DESCRIPTION'    a subcommand
#   __scoin_complete 'PATH' ARGS...            `complete` ARGS, active when the
#       command line's subcommand path is PATH. Write -r or -x as words of their
#       own for an option that takes a value (so the word after it is skipped
#       when finding the path).
#
# To add a subcommand: one __scoin_sub line, then a block of __scoin_complete
# lines for its options and arguments.

complete -c scoin -e
complete -c scoin -f

set -g __scoin_tree # PARENT|NAME of every subcommand
set -g __scoin_valopts # PATH|OPTION of every option that takes a value

function __scoin_sub --argument-names parent name desc
    set -g -a __scoin_tree "$parent|$name"
    complete -c scoin -n "__scoin_at $parent" -f -a $name -d $desc
end

function __scoin_complete --argument-names cmdpath
    set -l args $argv[2..-1]
    if contains -- -r $args; or contains -- -x $args
        for i in (seq (math (count $args) - 1))
            set -l name $args[(math $i + 1)]
            switch $args[$i]
                case -l
                    set -g -a __scoin_valopts "$cmdpath|--$name"
                case -s
                    set -g -a __scoin_valopts "$cmdpath|-$name"
            end
        end
    end
    if test "$cmdpath" = -
        complete -c scoin $args
    else
        complete -c scoin -n "__scoin_at $cmdpath" $args
    end
end

# Prints the subcommand path of the command line being completed, one word a
# line.
function __scoin_path
    set -l words (commandline -opc)
    set -l path
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '-*=*'
            case '-*'
                if contains -- "-|$w" $__scoin_valopts; or contains -- "$path|$w" $__scoin_valopts
                    set skip 1
                end
            case '*'
                if contains -- "$path|$w" $__scoin_tree
                    set -a path $w
                end
        end
    end
    string join \n -- $path
end

# True when the subcommand path is exactly the arguments.
function __scoin_at
    set -l path (__scoin_path)
    test "$path" = "$argv"
end

# Global options
__scoin_complete '-' -l ledger -x -a '(__fish_complete_directories)' -d 'ledger directory (env SCOIN_LEDGER)'
__scoin_complete '-' -l config -r -F -d 'configuration file (env SCOIN_CONFIG)'
__scoin_complete '-' -l passphrase-file -r -F -d 'read the key passphrase from FILE (mode 0600)'
__scoin_complete '-' -l json -d 'machine-readable output'
__scoin_complete '-' -s q -l quiet -d 'print only errors'
__scoin_complete '-' -l no-input -d 'never prompt; a needed prompt is an error'
__scoin_complete '-' -l version -d 'print the version and exit'
__scoin_complete '-' -s h -l help -d 'print help and exit'

# scoin
__scoin_sub '' keygen 'make a new signing key file'
__scoin_sub '' key 'inspect key files'
__scoin_sub '' init 'create a replica and its genesis entry'
__scoin_sub '' account 'register and inspect accounts'
__scoin_sub '' balance 'balances of one account, or of all and the supply'
__scoin_sub '' log 'list ledger entries'
__scoin_sub '' issue 'issue rewards, one or a batch from CSV (issuer key)'
__scoin_sub '' transfer 'pay from an account, one or a batch from CSV (its own key)'
__scoin_sub '' redeem 'a merchant returns coins for won (its own key)'
__scoin_sub '' submit 'append the signed ops of op files, all or nothing'
__scoin_sub '' show-op 'decode an op file; with a replica, say what submit would do'
__scoin_sub '' verify-chain 'audit the replica: every entry, signature, rule and derived table'
__scoin_sub '' export-csv 'export transactions, settlements or balances as CSV'
__scoin_sub '' sync 'make or update a follower from a replica directory or a bundle'
__scoin_sub '' bundle 'write the entries from a height on to a bundle file'
__scoin_sub '' checkpoint 'sign, store and print a checkpoint of the head (admin key)'
__scoin_sub '' cosign 'add a witness signature to a checkpoint this replica agrees with'
__scoin_sub '' prove "write an entry's inclusion proof against a checkpoint"
__scoin_sub '' verify-proof 'check an inclusion proof with no replica'
__scoin_sub '' config 'inspect the configuration'
__scoin_sub '' help "show a command's manual page"

# scoin keygen
__scoin_complete 'keygen' -s o -l out -r -F -d 'key file to create (never overwritten)'
__scoin_complete 'keygen' -l kdf -x -a 'interactive moderate sensitive' -d 'Argon2id cost (default moderate)'
__scoin_complete 'keygen' -l unencrypted -d 'store the key without a passphrase'

# scoin key
__scoin_sub 'key' show "print a key file's address and key id"

# scoin key show FILE
__scoin_complete 'key show' -F

# scoin init
__scoin_complete 'init' -l admin-key -r -F -d 'key file of the first admin (signs the genesis)'
__scoin_complete 'init' -l name -x -d "the ledger's name"
__scoin_complete 'init' -l unit -x -d "the coin's unit"
__scoin_complete 'init' -l decimals -x -a '0 1 2 3 4 5 6 7 8' -d 'fraction digits of an amount'
__scoin_complete 'init' -l krw-per-coin -x -d 'won paid to merchants per coin'
__scoin_complete 'init' -l utc-offset -x -d "the ledger-local day's offset (+HH:MM)"
__scoin_complete 'init' -l allow-resident-transfers -d 'let residents pay residents'
__scoin_complete 'init' -l admin -x -d "another admin's address (repeatable)"
__scoin_complete 'init' -l issuer -x -d "an issuer's address (repeatable)"

# scoin account
__scoin_sub 'account' open 'register accounts (admin key)'
__scoin_sub 'account' show 'one account: kind, label, balance'
__scoin_sub 'account' list 'every account, in the order opened'

# scoin account open [ADDRESS]
__scoin_complete 'account open' -l key -r -F -d 'admin key file'
__scoin_complete 'account open' -l kind -x -a 'resident merchant charity' -d 'account kind'
__scoin_complete 'account open' -l label -x -d "public label (R-000123, a facility's name)"
__scoin_complete 'account open' -l csv -r -F -d "CSV file with address,kind,label ('-' for stdin)"

# scoin account show ACCOUNT, scoin account list: no options of their own

# scoin balance [ACCOUNT]: no options of its own

# scoin log
__scoin_complete 'log' -l account -x -d 'only entries touching this account'
__scoin_complete 'log' -l date -x -a 'today yesterday' -d 'only this ledger-local day (YYYY-MM-DD)'
__scoin_complete 'log' -l type -x -a 'genesis role open issue transfer redeem' -d 'only this op type'
__scoin_complete 'log' -l limit -x -d 'only the last N matching entries'

# scoin issue
__scoin_complete 'issue' -l key -r -F -d 'issuer key file'
__scoin_complete 'issue' -l to -x -d 'recipient (address or label)'
__scoin_complete 'issue' -l amount -x -d 'amount in coins (exact decimal)'
__scoin_complete 'issue' -l reason -x -d 'why (volunteering, health, carbon...)'
__scoin_complete 'issue' -l ref -x -d 'idempotency key, unique on the ledger'
__scoin_complete 'issue' -l memo -x -d 'free text (no personal data)'
__scoin_complete 'issue' -l csv -r -F -d "CSV file with account,amount,reason,ref and optionally memo ('-' for stdin)"
__scoin_complete 'issue' -l dry-run -d 'check everything and print the summary; sign and write nothing'
__scoin_complete 'issue' -l out -r -F -d 'write the signed ops to this op file instead of appending'
__scoin_complete 'issue' -l nonce -x -d "nonce of the first op (default: the replica's next)"
__scoin_complete 'issue' -l chain-id -x -d 'sign without a replica, for this ledger (its chain id)'
__scoin_complete 'issue' -l decimals -x -a '0 1 2 3 4 5 6 7 8' -d "the ledger's decimals, when signing without a replica"
__scoin_complete 'issue' -l threads -x -d 'signing threads (default: all cores)'

# scoin transfer
__scoin_complete 'transfer' -l key -r -F -d "the paying account's key file"
__scoin_complete 'transfer' -l to -x -d 'recipient (address or label)'
__scoin_complete 'transfer' -l amount -x -d 'amount in coins (exact decimal)'
__scoin_complete 'transfer' -l memo -x -d 'free text (no personal data)'
__scoin_complete 'transfer' -l csv -r -F -d "CSV file with account,amount and optionally memo ('-' for stdin)"
__scoin_complete 'transfer' -l out -r -F -d 'write the signed ops to this op file instead of appending'
__scoin_complete 'transfer' -l nonce -x -d "nonce of the first op (default: the replica's next)"
__scoin_complete 'transfer' -l chain-id -x -d 'sign without a replica, for this ledger (its chain id)'
__scoin_complete 'transfer' -l decimals -x -a '0 1 2 3 4 5 6 7 8' -d "the ledger's decimals, when signing without a replica"

# scoin redeem
__scoin_complete 'redeem' -l key -r -F -d "the merchant account's key file"
__scoin_complete 'redeem' -l amount -x -d 'amount in coins (exact decimal)'
__scoin_complete 'redeem' -l ref -x -d 'settlement reference, unique for this merchant'
__scoin_complete 'redeem' -l memo -x -d 'free text (no personal data)'
__scoin_complete 'redeem' -l out -r -F -d 'write the signed op to this op file instead of appending'
__scoin_complete 'redeem' -l nonce -x -d "nonce of the op (default: the replica's next)"
__scoin_complete 'redeem' -l chain-id -x -d 'sign without a replica, for this ledger (its chain id)'
__scoin_complete 'redeem' -l decimals -x -a '0 1 2 3 4 5 6 7 8' -d "the ledger's decimals, when signing without a replica"

# scoin submit FILE...
__scoin_complete 'submit' -F

# scoin show-op FILE
__scoin_complete 'show-op' -F

# scoin verify-chain
__scoin_complete 'verify-chain' -l all -d 'list every finding instead of stopping at the first broken link'
__scoin_complete 'verify-chain' -l expect-chain-id -x -d 'fail unless the genesis entry hashes to this (64 hex digits)'
__scoin_complete 'verify-chain' -l expect-head -x -d 'fail unless the replica still holds this entry (HEIGHT:HASH)'
__scoin_complete 'verify-chain' -l from -x -d 'verify signatures from this height on'
__scoin_complete 'verify-chain' -l to -x -d 'stop after this height'
__scoin_complete 'verify-chain' -l trust -x -d 'a key whose checkpoint signatures you accept (address; repeatable)'
__scoin_complete 'verify-chain' -l state -r -F -d "the auditor's state file: the last checkpoint accepted"
__scoin_complete 'verify-chain' -l since-state -d 'verify only the entries after the saved checkpoint'
__scoin_complete 'verify-chain' -l threads -x -d 'signature threads (default: all cores)'

# scoin export-csv KIND
__scoin_complete 'export-csv' -n 'not __fish_seen_subcommand_from transactions settlements balances' -a 'transactions settlements balances' -d 'what to export'
__scoin_complete 'export-csv' -l date -x -a 'today yesterday' -d 'a ledger-local day (YYYY-MM-DD; settlements: default yesterday)'
__scoin_complete 'export-csv' -l from -x -a 'today yesterday' -d 'first day of a range (transactions)'
__scoin_complete 'export-csv' -l to -x -a 'today yesterday' -d 'last day of a range (transactions)'
__scoin_complete 'export-csv' -l at-date -x -a 'today yesterday' -d 'balances at the end of this day'
__scoin_complete 'export-csv' -l at-height -x -d 'balances after this entry'
__scoin_complete 'export-csv' -s o -l out -r -F -d 'write to FILE (%Y %m %d for the date, %k for the kind, %% for %)'
__scoin_complete 'export-csv' -l manifest -d 'also write FILE.manifest.json (needs -o)'

# scoin sync
__scoin_complete 'sync' -l from -r -F -d "another replica's directory or a bundle file"

# scoin bundle
__scoin_complete 'bundle' -l since -x -d 'first height in the bundle (0: the whole ledger)'
__scoin_complete 'bundle' -s o -l out -r -F -d 'the bundle file to write'

# scoin checkpoint
__scoin_complete 'checkpoint' -l key -r -F -d "an admin's key file"
__scoin_complete 'checkpoint' -l name -x -d "the signer name on the note (default: the key's address)"
__scoin_complete 'checkpoint' -s o -l out -r -F -d 'write the note to FILE'

# scoin cosign CHECKPOINT
__scoin_complete 'cosign' -F
__scoin_complete 'cosign' -l key -r -F -d "the witness's key file"
__scoin_complete 'cosign' -l name -x -d "the signer name on the note (default: the key's address)"
__scoin_complete 'cosign' -s o -l out -r -F -d 'write the cosigned note to FILE'

# scoin prove HEIGHT: a height, nothing to offer
__scoin_complete 'prove' -l checkpoint -r -F -d 'prove against this note (default: the newest stored one)'
__scoin_complete 'prove' -s o -l out -r -F -d 'write the proof to FILE'

# scoin verify-proof PROOF
__scoin_complete 'verify-proof' -F
__scoin_complete 'verify-proof' -l trust -x -d 'a key whose checkpoint signature you accept (address; repeatable)'

# scoin config
__scoin_sub 'config' show 'the effective settings and where each came from'

# scoin config show: no options of its own

# scoin help [COMMAND]: a top-level command, or format; only one
function __scoin_help_no_topic
    set -l words (commandline -opc)
    set -l seen 0
    for w in $words[2..-1]
        switch $w
            case '-*'
            case '*'
                if test $seen = 1
                    return 1
                end
                test $w = help; and set seen 1
        end
    end
    return 0
end
__scoin_complete 'help' -n __scoin_help_no_topic -a 'keygen key init account balance log issue transfer redeem submit show-op verify-chain export-csv sync bundle checkpoint cosign prove verify-proof config help' -d 'command'
__scoin_complete 'help' -n __scoin_help_no_topic -a format -d 'the byte formats, scoin-format(5)'
