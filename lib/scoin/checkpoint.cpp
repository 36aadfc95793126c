#include "scoin/checkpoint.hpp"

#include <algorithm>
#include <charconv>

#include "scoin/text.hpp"

namespace scoin {

namespace {

constexpr std::string_view k_origin_prefix = "scoin/";
constexpr std::string_view k_sig_prefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space

// The lines of `text`, which ends in "\n"; the last (empty) piece is dropped.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    SCOIN_ASSERT(nl != std::string_view::npos);
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string Checkpoint::text() const {
  std::string out = body;
  out += '\n';
  for (const auto& s : signatures) {
    out += k_sig_prefix;
    out += s.name;
    out += ' ';
    out += base64_encode(s.blob);
    out += '\n';
  }
  return out;
}

std::string checkpoint_body(const Hash32& chain_id, std::uint64_t size, const Hash32& root) {
  return fmt::format("{}{}\n{}\n{}\n", k_origin_prefix, to_hex(chain_id), size, base64_encode(root));
}

std::array<std::uint8_t, 4> note_key_hash(std::string_view name, const Key32& public_key) {
  const std::uint8_t alg = 0x01;  // Ed25519 in the note format
  auto h = Sha256().update(name).update("\n").update(ByteView(&alg, 1)).update(public_key).final();
  return {h[0], h[1], h[2], h[3]};
}

bool valid_note_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || !is_valid_utf8(name) || find_control(name, false)) return false;
  for (char c : name)
    if (c == ' ' || c == '+' || c == '\t') return false;
  // No Unicode space either (the note format splits on them): U+00A0, U+2000–U+200A, U+3000, ...
  for (std::string_view sp : {"\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE1\x9A\x80"})
    if (name.find(sp) != std::string_view::npos) return false;
  for (unsigned c = 0x80; c <= 0x8A; ++c) {
    const char sp[] = {'\xE2', '\x80', static_cast<char>(c), '\0'};
    if (name.find(sp) != std::string_view::npos) return false;
  }
  return true;
}

Result<Checkpoint> parse_checkpoint(std::string_view text, std::string_view source) {
  auto bad = [&](std::string_view what) {
    return fail(Exit::data, "{}: not a scoin checkpoint: {}", source, what);
  };
  if (text.size() > k_checkpoint_bytes_max) return bad("over 64 KiB");
  if (!is_valid_utf8(text)) return bad("not valid UTF-8");
  if (find_control(text, true)) return bad("a control character (or a carriage return)");
  if (text.empty() || text.back() != '\n') return bad("it does not end with a newline");
  auto split = text.find("\n\n");
  if (split == std::string_view::npos) return bad("no blank line before the signatures");
  Checkpoint cp;
  cp.body = std::string(text.substr(0, split + 1));
  auto lines = split_lines(cp.body);
  if (lines.size() < 3) return bad("the body needs an origin, a size and a root line");
  for (auto line : lines)
    if (line.empty()) return bad("an empty line in the body");
  if (!lines[0].starts_with(k_origin_prefix)) return bad("the origin line does not start with 'scoin/'");
  auto id_hex = lines[0].substr(k_origin_prefix.size());
  auto id = from_hex<32>(id_hex);
  if (!id || to_hex(*id) != id_hex) return bad("the origin line's chain id is not 64 lowercase hex digits");
  cp.chain_id = *id;
  auto size = parse_decimal(lines[1]);
  if (!size) return bad(fmt::format("tree size '{}' is not a decimal number", printable(lines[1], 24)));
  cp.size = *size;
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != 32) return bad("the root line is not the base64 of 32 bytes");
  std::copy(root->begin(), root->end(), cp.root.begin());

  auto rest = text.substr(split + 2);
  auto sig_lines = split_lines(rest);
  if (sig_lines.empty()) return bad("no signature line");
  if (sig_lines.size() > k_checkpoint_signatures_max) return bad("more than 100 signature lines");
  for (std::size_t i = 0; i < sig_lines.size(); ++i) {
    auto line = sig_lines[i];
    const auto where = fmt::format("signature line {}", i + 1);
    if (!line.starts_with(k_sig_prefix)) return bad(where + " does not start with '— '");
    line.remove_prefix(k_sig_prefix.size());
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) return bad(where + " has no signature after the name");
    NoteSignature sig;
    sig.name = std::string(line.substr(0, sp));
    if (!valid_note_name(sig.name)) return bad(where + " has an invalid signer name");
    auto blob = base64_decode(line.substr(sp + 1));
    if (!blob || blob->size() < 5) return bad(where + " is not a base64 key hash and signature");
    sig.blob = std::move(*blob);
    cp.signatures.push_back(std::move(sig));
  }
  return cp;
}

Result<void> sign_checkpoint(Checkpoint& cp, std::string_view name, const SecretKey& key) {
  SCOIN_ASSERT(valid_note_name(name));
  auto kh = note_key_hash(name, key.public_key());
  NoteSignature sig;
  sig.name = std::string(name);
  sig.blob.assign(kh.begin(), kh.end());
  auto s = key.sign(as_bytes(cp.body));
  sig.blob.insert(sig.blob.end(), s.begin(), s.end());
  // A line already there for this key and name counts only if it verifies;
  // a broken one is replaced.
  for (auto& old : cp.signatures) {
    if (old.name != sig.name || old.blob.size() != sig.blob.size() ||
        !std::equal(kh.begin(), kh.end(), old.blob.begin())) {
      continue;
    }
    Sig64 prev;
    std::copy(old.blob.begin() + 4, old.blob.end(), prev.begin());
    if (!verify_signature(key.public_key(), as_bytes(cp.body), prev)) old = sig;
    return {};
  }
  if (cp.signatures.size() >= k_checkpoint_signatures_max) {
    return fail(Exit::data, "the checkpoint already carries {} signatures, the most a note may", cp.signatures.size());
  }
  cp.signatures.push_back(std::move(sig));
  return {};
}

NoteCheck check_checkpoint(const Checkpoint& cp, std::span<const Key32> trusted) {
  NoteCheck out;
  for (const auto& key : trusted) {
    for (const auto& s : cp.signatures) {
      if (s.blob.size() != 4 + 64) continue;
      auto kh = note_key_hash(s.name, key);
      if (!std::equal(kh.begin(), kh.end(), s.blob.begin())) continue;
      Sig64 sig;
      std::copy(s.blob.begin() + 4, s.blob.end(), sig.begin());
      if (verify_signature(key, as_bytes(cp.body), sig)) {
        if (std::find(out.signed_by.begin(), out.signed_by.end(), key) == out.signed_by.end()) {
          out.signed_by.push_back(key);
          out.signer_names.push_back(s.name);
        }
      } else {
        out.bad.push_back(s.name);
      }
    }
  }
  return out;
}

std::vector<std::string> checkpoint_problems(const Checkpoint& cp, const Hash32& chain_id, const Hash32& root,
                                             std::span<const Key32> admins) {
  if (cp.chain_id != chain_id) {
    return {fmt::format("the checkpoint for {} entries is of another ledger ({})", cp.size, to_hex(cp.chain_id))};
  }
  if (cp.root != root) {
    return {fmt::format("the checkpoint for {} entries signs the root {}, but these entries make {}", cp.size,
                        to_hex(cp.root), to_hex(root))};
  }
  std::vector<std::string> out;
  auto check = check_checkpoint(cp, admins);
  for (const auto& name : check.bad) out.push_back(fmt::format("the checkpoint's signature by {} does not verify", name));
  if (check.signed_by.empty()) {
    out.push_back(fmt::format("the checkpoint for {} entries carries no signature by a key that is an admin there", cp.size));
  }
  return out;
}

Result<std::vector<Key32>> parse_trusted(const std::vector<std::string>& addresses) {
  std::vector<Key32> out;
  for (const auto& a : addresses) {
    auto k = decode_address(a);
    if (!k) return fail(Exit::data, "--trust {}: {}", printable(a, 80), k.error().message);
    out.push_back(*k);
  }
  return out;
}

}  // namespace scoin
