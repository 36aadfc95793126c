// Replicas, checkpoints and proofs (DESIGN.md §9): bundle, sync, checkpoint,
// cosign, prove, verify-proof.
#include <unistd.h>

#include "common.hpp"
#include "describe.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/merkle.hpp"
#include "scoin/proof.hpp"
#include "scoin/sync.hpp"

namespace scoin::cli {

namespace {

// Writes `content` to `out` (a file, replaced atomically) or to standard
// output when `out` is empty or "-".
Result<void> emit(const std::string& out, std::string_view content, unsigned mode = 0644) {
  if (out.empty() || out == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0) {
      return fail(Exit::io, "standard output: cannot write");
    }
    return {};
  }
  return write_file_atomic(out, content, mode);
}

// --- bundle ---------------------------------------------------------------------

struct BundleOpts {
  std::uint64_t since = 0;
  std::string out;
};

Result<int> run_bundle(const BundleOpts& o) {
  if (o.out.empty() || o.out == "-") {
    if (::isatty(STDOUT_FILENO)) return fail(Exit::usage, "bundle: give -o FILE (a bundle is binary)");
  }
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  auto env = Env::open(*dir, Env::Mode::read_only);
  if (!env) return std::unexpected(env.error());
  auto txn = Txn::begin(*env, false);
  if (!txn) return std::unexpected(txn.error());
  // Written a piece at a time: the bundle is never whole in memory.
  Result<std::uint64_t> bytes = 0;
  if (o.out.empty() || o.out == "-") {
    bytes = write_bundle(*txn, o.since, [](std::string_view piece) { return emit("-", piece); });
  } else {
    auto w = write_file_atomic(o.out, 0644, [&](const ByteSink& sink) -> Result<void> {
      bytes = write_bundle(*txn, o.since, sink);
      if (!bytes) return std::unexpected(bytes.error());
      return {};
    });
    if (!w && bytes) return std::unexpected(w.error());
  }
  if (!bytes) return std::unexpected(bytes.error());
  const auto head = read_head(*txn);
  const std::uint64_t count = head->height - o.since + 1;
  if (globals().json) {
    print_json(json{{"ok", true},
                    {"file", o.out.empty() ? "-" : o.out},
                    {"first_height", o.since},
                    {"count", count},
                    {"head_height", head->height},
                    {"head_hash", hex(head->hash)},
                    {"bytes", *bytes}});
  } else if (!globals().quiet && !(o.out.empty() || o.out == "-")) {
    fmt::print(stderr, "scoin: wrote {}: entries {} to {} ({} entr{}, {} bytes)\n", o.out, o.since, head->height,
               count, count == 1 ? "y" : "ies", *bytes);
  }
  return 0;
}

// --- sync -----------------------------------------------------------------------

Result<int> run_sync(const std::string& from) {
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  auto map = max_map_size();
  if (!map) return std::unexpected(map.error());
  auto r = sync_replica(*dir, from, map->bytes);
  if (!r) return std::unexpected(r.error());
  const auto added = r->size_after - r->size_before;
  if (globals().json) {
    print_json(json{{"ok", true},
                    {"created", r->created},
                    {"chain_id", hex(r->chain_id)},
                    {"added", added},
                    {"already_had", r->already_had},
                    {"size", r->size_after},
                    {"head_height", r->size_after - 1},
                    {"head_hash", hex(r->head_hash)},
                    {"checkpoints_copied", r->checkpoints}});
    return 0;
  }
  if (r->created) say("created a follower of ledger {}\n", hex(r->chain_id));
  if (added == 0) {
    say("up to date: {} entries, head {} ({})\n", r->size_after, r->size_after - 1, hex(r->head_hash));
  } else {
    say("synced {} entr{} (heights {} to {}); head {}\n", added, added == 1 ? "y" : "ies", r->size_before,
        r->size_after - 1, hex(r->head_hash));
  }
  if (r->checkpoints > 0) say("copied {} checkpoint{}\n", r->checkpoints, r->checkpoints == 1 ? "" : "s");
  return 0;
}

// --- checkpoint -------------------------------------------------------------------

struct SignOpts {
  std::string key, name, out, file;
};

Result<std::string> signer_name(const std::string& name, const SecretKey& key) {
  if (name.empty()) return address(key.public_key());
  if (!valid_note_name(name)) {
    return fail(Exit::usage, "--name '{}': a signer name is 1-255 printable bytes with no space or '+'",
                name.substr(0, 80));
  }
  return name;
}

void print_checkpoint(const Checkpoint& cp, const std::string& out) {
  if (globals().json) {
    json sigs = json::array();
    for (auto& s : cp.signatures) sigs.push_back(s.name);
    print_json(json{{"ok", true},
                    {"chain_id", hex(cp.chain_id)},
                    {"size", cp.size},
                    {"root", hex(cp.root)},
                    {"signers", sigs},
                    {"file", out.empty() ? json(nullptr) : json(out)},
                    {"note", cp.text()}});
  }
}

Result<int> run_checkpoint(const SignOpts& o) {
  auto path = key_path(o.key);
  if (!path) return std::unexpected(path.error());
  auto key = load_signing_key(*path);
  if (!key) return std::unexpected(key.error());
  auto name = signer_name(o.name, *key);
  if (!name) return std::unexpected(name.error());
  auto ledger = open_ledger(false);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, true);
  if (!txn) return std::unexpected(txn.error());
  if ((read_signer(*txn, key->public_key()).roles & k_role_admin_bit) == 0) {
    return fail(Exit::key_refused, "{}: key {} is not an admin of this ledger; only an admin signs its checkpoints",
                *path, address(key->public_key()));
  }
  const auto size = entry_count(*txn);
  auto root = merkle_root(TableSubtrees(*txn), size);
  if (!root) return std::unexpected(root.error());
  // The root comes from the derived tree table; its last leaf must at least
  // be the head entry's, whose hash chains every entry before it.
  if (size > 0) {
    auto head = txn->get(txn->dbs().entries, be64(size - 1));
    auto leaf = TableSubtrees(*txn).subtree(0, size - 1);
    if (!head || !leaf || *leaf != merkle_leaf_hash(entry_hash(*head))) {
      return fail(Exit::io, "{}: the tree table's leaf for the head entry {} is not that entry's; nothing signed (run verify-chain)",
                  ledger->env.dir(), size - 1);
    }
  }
  Checkpoint cp;
  cp.chain_id = ledger->params.chain_id;
  cp.size = size;
  cp.root = *root;
  cp.body = checkpoint_body(cp.chain_id, size, *root);
  if (auto stored = read_checkpoint(*txn, size); stored && *stored && (*stored)->body == cp.body) {
    cp = **stored;
  }
  if (auto sg = sign_checkpoint(cp, *name, *key); !sg) return std::unexpected(sg.error());
  put_checkpoint(*txn, cp);
  if (auto c = txn->commit(); !c) return std::unexpected(c.error());
  auto stored = read_checkpoint(*Txn::begin(ledger->env, false), size);
  if (stored && *stored) cp = **stored;
  if (!globals().json || !o.out.empty()) {
    if (auto w = emit(o.out, cp.text()); !w) return std::unexpected(w.error());
  }
  print_checkpoint(cp, o.out);
  if (!o.out.empty() && !globals().json && !globals().quiet) {
    fmt::print(stderr, "scoin: wrote {}: checkpoint of {} entries signed by {}\n", o.out, size, *name);
  }
  return 0;
}

// --- cosign -----------------------------------------------------------------------

Result<int> run_cosign(const SignOpts& o) {
  auto text = read_input_file(o.file, k_checkpoint_bytes_max + 1);
  if (!text) return std::unexpected(text.error());
  auto cp = parse_checkpoint(*text, o.file);
  if (!cp) return std::unexpected(cp.error());
  // A witness vouches only for what its own replica shows.
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  {
    auto txn = Txn::begin(ledger->env, false);
    if (!txn) return std::unexpected(txn.error());
    bool fork = false;
    auto why = checkpoint_mismatch(*txn, *cp, &fork);
    if (!why.empty()) return fail(fork ? Exit::invalid : Exit::data, "{}: not cosigned: {}", o.file, why);
  }
  auto path = key_path(o.key);
  if (!path) return std::unexpected(path.error());
  auto key = load_signing_key(*path);
  if (!key) return std::unexpected(key.error());
  auto name = signer_name(o.name, *key);
  if (!name) return std::unexpected(name.error());
  if (auto sg = sign_checkpoint(*cp, *name, *key); !sg) return std::unexpected(sg.error());
  if (!globals().json || !o.out.empty()) {
    if (auto w = emit(o.out, cp->text()); !w) return std::unexpected(w.error());
  }
  print_checkpoint(*cp, o.out);
  return 0;
}

// --- prove ------------------------------------------------------------------------

struct ProveOpts {
  std::uint64_t height = 0;
  std::string checkpoint, out;
};

Result<int> run_prove(const ProveOpts& o) {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  const auto size = entry_count(*txn);
  if (o.height >= size) return fail(Exit::data, "height {}: the ledger's head is {}", o.height, size - 1);
  Checkpoint cp;
  if (!o.checkpoint.empty()) {
    auto text = read_input_file(o.checkpoint, k_checkpoint_bytes_max + 1);
    if (!text) return std::unexpected(text.error());
    auto parsed = parse_checkpoint(*text, o.checkpoint);
    if (!parsed) return std::unexpected(parsed.error());
    bool fork = false;
    auto why = checkpoint_mismatch(*txn, *parsed, &fork);
    if (!why.empty()) return fail(fork ? Exit::invalid : Exit::data, "{}: {}", o.checkpoint, why);
    cp = std::move(*parsed);
  } else {
    auto newest = newest_checkpoint(*txn, o.height + 1);
    if (!newest) return std::unexpected(newest.error());
    if (!*newest) {
      return fail(Exit::no_input, "no stored checkpoint covers height {}; an admin signs one with scoin checkpoint",
                  o.height);
    }
    cp = std::move(**newest);
  }
  if (o.height >= cp.size) {
    return fail(Exit::data, "height {}: the checkpoint covers entries 0 to {} only", o.height, cp.size - 1);
  }
  auto proof = make_proof(*txn, o.height, cp);
  if (!proof) return std::unexpected(proof.error());
  if (globals().json) {
    if (!o.out.empty()) {
      if (auto w = emit(o.out, proof->text()); !w) return std::unexpected(w.error());
    }
    json path = json::array();
    for (auto& h : proof->path) path.push_back(hex(h));
    print_json(json{{"ok", true},
                    {"height", o.height},
                    {"entry_hash", hex(entry_hash(proof->entry))},
                    {"tree_size", cp.size},
                    {"root", hex(cp.root)},
                    {"path", path},
                    {"file", o.out.empty() ? json(nullptr) : json(o.out)},
                    {"proof", proof->text()}});
    return 0;
  }
  if (auto w = emit(o.out, proof->text()); !w) return std::unexpected(w.error());
  if (!o.out.empty() && !globals().quiet) {
    fmt::print(stderr, "scoin: wrote {}: entry {} against the checkpoint of {} entries\n", o.out, o.height, cp.size);
  }
  return 0;
}

// --- verify-proof -------------------------------------------------------------------

struct VerifyProofOpts {
  std::string file;
  std::vector<std::string> trust;
};

Result<int> run_verify_proof(const VerifyProofOpts& o) {
  auto trusted = parse_trusted(o.trust);
  if (!trusted) return std::unexpected(trusted.error());
  auto text = read_input_file(o.file, k_proof_bytes_max + 1);
  if (!text) return std::unexpected(text.error());
  auto proof = parse_proof(*text, o.file);
  if (!proof) return std::unexpected(proof.error());
  auto c = check_proof(*proof, *trusted);
  const auto& cp = proof->checkpoint;
  if (globals().json) {
    json j{{"ok", true},
           {"valid", c.valid},
           {"problem", c.valid ? json(nullptr) : json(c.problem)},
           {"chain_id", hex(cp.chain_id)},
           {"tree_size", cp.size},
           {"root", hex(cp.root)},
           {"signed_by", c.signer_names}};
    if (c.entry) {
      j["height"] = c.height;
      j["entry_hash"] = hex(c.entry_hash);
      j["appended_at_ms"] = c.entry->appended_at_ms;
    }
    if (c.op) j["op"] = op_json(*c.op, nullptr);
    print_json(j);
    return c.valid ? 0 : static_cast<int>(Exit::invalid);
  }
  if (!globals().quiet) {
    fmt::print("verify-proof: {}\n", c.valid ? paint(stdout, "1;32", "VALID") : paint(stdout, "1;31", "INVALID"));
    if (!c.valid) fmt::print("problem:    {}\n", c.problem);
    fmt::print("ledger:     {}, {} entries, root {}\n", hex(cp.chain_id), cp.size, hex(cp.root));
    if (c.entry && c.op) {
      fmt::print("entry:      height {}, hash {}\n", c.height, hex(c.entry_hash));
      fmt::print("op:         {} by {}, nonce {}\n", op_type_name(c.op->type()), address(c.op->signer), c.op->nonce);
    }
    if (!c.signer_names.empty()) fmt::print("signed by:  {}\n", fmt::join(c.signer_names, ", "));
  }
  return c.valid ? 0 : static_cast<int>(Exit::invalid);
}

}  // namespace

void register_replica(CLI::App& app) {
  static BundleOpts b;
  auto* bundle = app.add_subcommand("bundle", "write the entries from a height on to a bundle file for sync");
  bundle->add_option("--since", b.since, "first height in the bundle (0: the whole ledger)")
      ->required()
      ->type_name("HEIGHT");
  bundle->add_option("-o,--out", b.out, "the bundle file to write")->type_name("FILE");
  add_command(bundle, [] { return run_bundle(b); });

  static std::string from;
  auto* sync = app.add_subcommand("sync", "follow a primary: append the entries this follower lacks");
  sync->add_option("--from", from, "another replica's directory or a bundle file")
      ->required()
      ->type_name("DIR|BUNDLE");
  add_command(sync, [] { return run_sync(from); });

  static SignOpts c;
  auto* checkpoint = app.add_subcommand("checkpoint", "sign, store and print a checkpoint of the head (admin key)");
  checkpoint->add_option("--key", c.key, "an admin's secret key file")->type_name("FILE");
  checkpoint->add_option("--name", c.name, "the signer name on the note (default: the key's address)")
      ->type_name("NAME");
  checkpoint->add_option("-o,--out", c.out, "also write the note to FILE")->type_name("FILE");
  add_command(checkpoint, [] { return run_checkpoint(c); });

  static SignOpts w;
  auto* cosign = app.add_subcommand("cosign", "add a witness signature to a checkpoint this replica agrees with");
  cosign->add_option("checkpoint", w.file, "the checkpoint note")->required()->type_name("FILE");
  cosign->add_option("--key", w.key, "the witness's secret key file")->type_name("FILE");
  cosign->add_option("--name", w.name, "the signer name on the note (default: the key's address)")
      ->type_name("NAME");
  cosign->add_option("-o,--out", w.out, "write the cosigned note to FILE")->type_name("FILE");
  add_command(cosign, [] { return run_cosign(w); });

  static ProveOpts p;
  auto* prove = app.add_subcommand("prove", "write an entry's inclusion proof against a checkpoint");
  prove->add_option("height", p.height, "the entry's height")->required()->type_name("HEIGHT");
  prove->add_option("--checkpoint", p.checkpoint, "prove against this note (default: the newest stored one)")
      ->type_name("FILE");
  prove->add_option("-o,--out", p.out, "write the proof to FILE")->type_name("FILE");
  add_command(prove, [] { return run_prove(p); });

  static VerifyProofOpts v;
  auto* vp = app.add_subcommand("verify-proof", "check an inclusion proof with no replica");
  vp->add_option("proof", v.file, "the proof file")->required()->type_name("FILE");
  vp->add_option("--trust", v.trust, "a key whose checkpoint signature you accept")
      ->required()
      ->type_name("ADDRESS");
  add_command(vp, [] { return run_verify_proof(v); });
}

}  // namespace scoin::cli
