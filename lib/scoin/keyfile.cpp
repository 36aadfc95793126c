#include "scoin/keyfile.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scoin/fsutil.hpp"

namespace scoin {

namespace {

constexpr std::size_t k_header_bytes = 2 + 1 + 2 + 32 + 8 + 8 + 16 + 24;  // 93
constexpr std::size_t k_salt_at = 2 + 1 + 2 + 32 + 8 + 8;
constexpr std::size_t k_nonce_at = k_salt_at + 16;
constexpr std::size_t k_seed_bytes = 32;
constexpr std::size_t k_sealed_bytes = k_seed_bytes + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::string_view k_comment_prefix = "untrusted comment: scoin secret key ";

void limits_for(KdfLevel level, std::uint64_t& ops, std::uint64_t& mem) {
  switch (level) {
    case KdfLevel::interactive:
      ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
      mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
      break;
    case KdfLevel::moderate:
      ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
      mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
      break;
    case KdfLevel::sensitive:
      ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
      mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
      break;
  }
}

Result<void> derive(SecretBuffer& out, const SecretBuffer& passphrase, const std::uint8_t* salt,
                    std::uint64_t ops, std::uint64_t mem) {
  if (crypto_pwhash(out.data(), out.size(), reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), salt, ops, static_cast<std::size_t>(mem),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(Exit::key_refused, "key derivation failed (out of memory?)");
  }
  return {};
}

}  // namespace

Result<KdfLevel> parse_kdf_level(std::string_view s) {
  if (s == "interactive") return KdfLevel::interactive;
  if (s == "moderate") return KdfLevel::moderate;
  if (s == "sensitive") return KdfLevel::sensitive;
  return fail(Exit::usage, "unknown KDF level '{}' (interactive, moderate, sensitive)", s);
}

Result<void> write_key_file(const std::string& path, const SecretKey& key,
                            const SecretBuffer* passphrase, KdfLevel level) {
  struct Scrub {
    ~Scrub() { wipe_transient_copies(); }
  } scrub;  // last, after every copy below is wiped
  Bytes blob;
  Writer w(blob);
  w.raw("SK");
  w.u8(1);
  std::uint64_t ops = 0, mem = 0;
  std::uint8_t salt[16] = {}, nonce[24] = {};
  if (passphrase != nullptr) {
    limits_for(level, ops, mem);
    random_bytes(salt, sizeof salt);
    random_bytes(nonce, sizeof nonce);
    w.raw("A2");
  } else {
    w.u8(0);
    w.u8(0);
  }
  w.raw(key.public_key());
  w.u64(ops);
  w.u64(mem);
  w.raw(ByteView(salt, 16));
  w.raw(ByteView(nonce, 24));
  SCOIN_ASSERT(blob.size() == k_header_bytes);

  SecretBuffer seed(k_seed_bytes);
  key.copy_seed(seed.data());
  if (passphrase != nullptr) {
    SecretBuffer derived(32);
    if (auto r = derive(derived, *passphrase, salt, ops, mem); !r) return r;
    Bytes sealed(k_sealed_bytes);
    unsigned long long sealed_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data(), &sealed_len, seed.data(),
                                               seed.size(), blob.data(), blob.size(), nullptr,
                                               nonce, derived.data());
    SCOIN_ASSERT(sealed_len == k_sealed_bytes);
    w.raw(sealed);
  } else {
    w.raw(ByteView(seed.data(), seed.size()));
  }
  // Built in place, with no temporary: an unencrypted file's second line is
  // the seed, and every copy of it is wiped.
  std::string line2 = base64_encode(blob);
  sodium_memzero(blob.data(), blob.size());
  std::string text;
  text.reserve(k_comment_prefix.size() + 16 + 1 + line2.size() + 1);
  text.append(k_comment_prefix).append(key_id(key.public_key())).append("\n").append(line2).append("\n");
  sodium_memzero(line2.data(), line2.size());
  auto r = write_new_file(path, text, 0600);
  sodium_memzero(text.data(), text.size());
  return r;
}

namespace {

struct ParsedKeyFile {
  KeyFileInfo info;
  Bytes blob;
};

// `path` names the file in messages.
Result<ParsedKeyFile> parse_key_text(std::string_view text, const std::string& path) {
  if (text.size() > k_key_file_bytes_max) {
    return fail(Exit::data, "{}: key file over the limit of {} bytes", path, k_key_file_bytes_max);
  }
  auto nl = text.find('\n');
  if (nl == std::string_view::npos || !text.starts_with(k_comment_prefix)) {
    return fail(Exit::data, "{}:1: not a scoin secret key file (no 'untrusted comment' line)", path);
  }
  std::string_view line2 = text.substr(nl + 1);
  while (!line2.empty() && (line2.back() == '\n' || line2.back() == '\r')) line2.remove_suffix(1);
  auto blob = base64_decode(line2);
  if (!blob) return fail(Exit::data, "{}:2: key is not valid base64 (truncated or edited?)", path);
  ParsedKeyFile out;
  Reader r(*blob);
  auto magic = r.raw(2);
  auto version = r.u8();
  auto kdf = r.raw(2);
  if (!r.ok() || as_chars(magic) != "SK") {
    return fail(Exit::data, "{}:2: not a scoin secret key (bad magic)", path);
  }
  if (version != 1) return fail(Exit::data, "{}:2: unknown key file version {}", path, version);
  bool encrypted = as_chars(kdf) == "A2";
  if (!encrypted && !(kdf[0] == 0 && kdf[1] == 0)) {
    return fail(Exit::data, "{}:2: unknown KDF tag", path);
  }
  out.info.encrypted = encrypted;
  out.info.public_key = r.array<32>();
  out.info.opslimit = r.u64();
  out.info.memlimit = r.u64();
  r.raw(16 + 24);
  std::size_t want = encrypted ? k_sealed_bytes : k_seed_bytes;
  if (!r.ok() || r.remaining() != want) {
    return fail(Exit::data, "{}:2: key has the wrong length {} (truncated or edited?)", path,
                blob->size());
  }
  out.blob = std::move(*blob);
  return out;
}

Result<ParsedKeyFile> parse_key_file(const std::string& path) {
  auto file = read_private_file(path, k_key_file_bytes_max, "key file");
  if (!file) return std::unexpected(file.error());
  return parse_key_text({reinterpret_cast<const char*>(file->data()), file->size()}, path);
}

// Unseals a parsed key file; `path` names it in messages.
Result<SecretKey> unseal_key(Result<ParsedKeyFile> p, const std::string& path,
                             const PassphraseSource& passphrase) {
  struct Scrub {
    ~Scrub() { wipe_transient_copies(); }
  } scrub;  // last, after the blob and the seed are wiped
  if (!p) return std::unexpected(p.error());
  struct Wipe {
    Bytes& b;
    ~Wipe() { sodium_memzero(b.data(), b.size()); }
  } wipe{p->blob};
  SecretBuffer seed(k_seed_bytes);
  const std::uint8_t* body = p->blob.data() + k_header_bytes;
  if (p->info.encrypted) {
    if (p->info.opslimit > crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE ||
        p->info.memlimit > crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE ||
        p->info.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        p->info.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
      return fail(Exit::key_refused, "{}: KDF limits outside what scoin accepts (ops {}, mem {})",
                  path, p->info.opslimit, p->info.memlimit);
    }
    auto pass = passphrase();
    if (!pass) return std::unexpected(pass.error());
    SecretBuffer derived(32);
    if (auto r = derive(derived, *pass, p->blob.data() + k_salt_at, p->info.opslimit,
                        p->info.memlimit);
        !r) {
      return std::unexpected(r.error());
    }
    unsigned long long seed_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            seed.data(), &seed_len, nullptr, body, k_sealed_bytes, p->blob.data(), k_header_bytes,
            p->blob.data() + k_nonce_at, derived.data()) != 0) {
      return fail(Exit::key_refused, "{}: wrong passphrase (or the key file was edited)", path);
    }
    SCOIN_ASSERT(seed_len == k_seed_bytes);
  } else {
    std::memcpy(seed.data(), body, k_seed_bytes);
  }
  auto key = SecretKey::from_seed({seed.data(), seed.size()});
  if (key.public_key() != p->info.public_key) {
    return fail(Exit::key_refused, "{}: the secret key does not match its public key (edited?)",
                path);
  }
  return key;
}

// The public part of a parsed key file; the seed is wiped.
Result<KeyFileInfo> public_part(Result<ParsedKeyFile> p) {
  if (!p) return std::unexpected(p.error());
  sodium_memzero(p->blob.data(), p->blob.size());
  return p->info;
}

}  // namespace

Result<KeyFileInfo> read_key_info(const std::string& path) {
  return public_part(parse_key_file(path));
}

Result<KeyFileInfo> parse_key_info(std::string_view text, const std::string& name) {
  return public_part(parse_key_text(text, name));
}

Result<SecretKey> load_key(const std::string& path, const PassphraseSource& passphrase) {
  return unseal_key(parse_key_file(path), path, passphrase);
}

Result<SecretKey> load_key_text(std::string_view text, const std::string& name,
                                const PassphraseSource& passphrase) {
  return unseal_key(parse_key_text(text, name), name, passphrase);
}

Result<SecretBuffer> read_passphrase_file(const std::string& path) {
  auto file = read_private_file(path, k_passphrase_bytes_max, "passphrase file");
  if (!file) {
    auto e = file.error();
    if (e.exit == Exit::data) e.exit = Exit::key_refused;
    return std::unexpected(e);
  }
  std::string_view text(reinterpret_cast<const char*>(file->data()), file->size());
  std::size_t n = text.find('\n');
  if (n == std::string_view::npos) n = text.size();
  if (n > 0 && text[n - 1] == '\r') --n;
  if (n == 0) return fail(Exit::key_refused, "{}: empty passphrase", path);
  file->truncate(n);
  return std::move(*file);
}

}  // namespace scoin
