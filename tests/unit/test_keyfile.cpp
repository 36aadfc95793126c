#include <catch2/catch.hpp>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "unit/tmpdir.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/keyfile.hpp"

using namespace scoin;
using scoin::test::TmpDir;
namespace fs = std::filesystem;

namespace {


SecretBuffer pass(std::string_view s) {
  SecretBuffer b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

PassphraseSource give(std::string s) {
  return [s] { return Result<SecretBuffer>(pass(s)); };
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& p, const std::string& text) {
  fs::remove(p);
  REQUIRE(write_new_file(p, text, 0600).has_value());
}

}  // namespace

TEST_CASE("keyfile: encrypted key round-trips; the file is 0600 and two lines") {
  TmpDir d;
  auto key = SecretKey::generate();
  auto pw = pass("correct horse");
  REQUIRE(write_key_file(d.file("k"), key, &pw, KdfLevel::interactive).has_value());
  struct stat st {};
  REQUIRE(::stat(d.file("k").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto text = slurp(d.file("k"));
  CHECK(text.starts_with("untrusted comment: scoin secret key " + key_id(key.public_key()) + "\n"));
  auto info = read_key_info(d.file("k"));
  REQUIRE(info.has_value());
  CHECK(info->encrypted);
  CHECK(info->public_key == key.public_key());
  CHECK(info->opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
  auto loaded = load_key(d.file("k"), give("correct horse"));
  REQUIRE(loaded.has_value());
  CHECK(loaded->public_key() == key.public_key());
  // The sealed blob is 93 header bytes + 48 (seed and tag).
  auto blob = base64_decode(text.substr(text.find('\n') + 1, text.size() - text.find('\n') - 2));
  REQUIRE(blob.has_value());
  CHECK(blob->size() == 93 + 48);
  CHECK(as_chars(ByteView(*blob).subspan(3, 2)) == "A2");
}

TEST_CASE("keyfile: unencrypted key needs no passphrase") {
  TmpDir d;
  auto key = SecretKey::generate();
  REQUIRE(write_key_file(d.file("k"), key, nullptr, KdfLevel::moderate).has_value());
  bool asked = false;
  auto loaded = load_key(d.file("k"), [&] {
    asked = true;
    return Result<SecretBuffer>(pass("x"));
  });
  REQUIRE(loaded.has_value());
  CHECK_FALSE(asked);
  CHECK(loaded->public_key() == key.public_key());
  CHECK_FALSE(read_key_info(d.file("k"))->encrypted);
}

TEST_CASE("keyfile: wrong passphrase is refused with 77") {
  TmpDir d;
  auto key = SecretKey::generate();
  auto pw = pass("right");
  REQUIRE(write_key_file(d.file("k"), key, &pw, KdfLevel::interactive).has_value());
  auto r = load_key(d.file("k"), give("wrong"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().exit == Exit::key_refused);
  CHECK(r.error().message.find("wrong passphrase") != std::string::npos);
}

TEST_CASE("keyfile: an existing file is never overwritten") {
  TmpDir d;
  spit(d.file("k"), "precious");
  auto key = SecretKey::generate();
  auto r = write_key_file(d.file("k"), key, nullptr, KdfLevel::interactive);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().exit == Exit::cant_create);
  CHECK(slurp(d.file("k")) == "precious");
  // Nor is a symlink followed.
  REQUIRE(::symlink(d.file("target").c_str(), d.file("link").c_str()) == 0);
  CHECK_FALSE(write_key_file(d.file("link"), key, nullptr, KdfLevel::interactive).has_value());
  CHECK_FALSE(fs::exists(d.file("target")));
}

TEST_CASE("keyfile: group/other-readable files and symlinks are refused with 77") {
  TmpDir d;
  auto key = SecretKey::generate();
  REQUIRE(write_key_file(d.file("k"), key, nullptr, KdfLevel::interactive).has_value());
  ::chmod(d.file("k").c_str(), 0640);
  auto r = load_key(d.file("k"), give(""));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().exit == Exit::key_refused);
  ::chmod(d.file("k").c_str(), 0600);
  REQUIRE(::symlink(d.file("k").c_str(), d.file("link").c_str()) == 0);
  auto s = load_key(d.file("link"), give(""));
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().exit == Exit::key_refused);
  CHECK(s.error().message.find("symlink") != std::string::npos);
  auto m = load_key(d.file("missing"), give(""));
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().exit == Exit::no_input);
}

TEST_CASE("keyfile: truncated or edited files give clear errors") {
  TmpDir d;
  auto key = SecretKey::generate();
  auto pw = pass("pw");
  REQUIRE(write_key_file(d.file("k"), key, &pw, KdfLevel::interactive).has_value());
  auto text = slurp(d.file("k"));
  auto nl = text.find('\n');
  auto b64 = text.substr(nl + 1, text.size() - nl - 2);

  spit(d.file("t"), text.substr(0, text.size() / 2));
  auto t = load_key(d.file("t"), give("pw"));
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().exit == Exit::data);

  spit(d.file("c"), "hello\n" + b64 + "\n");
  CHECK(load_key(d.file("c"), give("pw")).error().message.find("not a scoin secret key") !=
        std::string::npos);

  // Edit the public key inside the blob: the AEAD's associated data no longer
  // matches, so the passphrase cannot open it.
  auto blob = *base64_decode(b64);
  blob[10] ^= 1;
  spit(d.file("e"), text.substr(0, nl + 1) + base64_encode(blob) + "\n");
  auto e = load_key(d.file("e"), give("pw"));
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().exit == Exit::key_refused);

  // An unencrypted file whose seed does not derive the stored public key.
  REQUIRE(write_key_file(d.file("u"), key, nullptr, KdfLevel::interactive).has_value());
  auto utext = slurp(d.file("u"));
  auto ublob = *base64_decode(utext.substr(utext.find('\n') + 1, utext.size() - utext.find('\n') - 2));
  ublob[5 + 1] ^= 1;  // a public key byte
  spit(d.file("u2"), utext.substr(0, utext.find('\n') + 1) + base64_encode(ublob) + "\n");
  auto u = load_key(d.file("u2"), give(""));
  REQUIRE_FALSE(u.has_value());
  CHECK(u.error().exit == Exit::key_refused);
  CHECK(u.error().message.find("does not match") != std::string::npos);
}

TEST_CASE("keyfile: KDF limits above SENSITIVE are refused before any work") {
  TmpDir d;
  auto key = SecretKey::generate();
  auto pw = pass("pw");
  REQUIRE(write_key_file(d.file("k"), key, &pw, KdfLevel::interactive).has_value());
  auto text = slurp(d.file("k"));
  auto nl = text.find('\n');
  auto blob = *base64_decode(text.substr(nl + 1, text.size() - nl - 2));
  put_u64(blob.data() + 37 + 8, std::uint64_t{crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE} * 4);
  spit(d.file("big"), text.substr(0, nl + 1) + base64_encode(blob) + "\n");
  bool asked = false;
  auto r = load_key(d.file("big"), [&] {
    asked = true;
    return Result<SecretBuffer>(pass("pw"));
  });
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().exit == Exit::key_refused);
  CHECK_FALSE(asked);
}

TEST_CASE("keyfile: passphrase files") {
  TmpDir d;
  spit(d.file("p"), "secret words\r\nignored second line\n");
  auto p = read_passphrase_file(d.file("p"));
  REQUIRE(p.has_value());
  CHECK(std::string(reinterpret_cast<const char*>(p->data()), p->size()) == "secret words");
  spit(d.file("empty"), "\n");
  CHECK(read_passphrase_file(d.file("empty")).error().exit == Exit::key_refused);
  ::chmod(d.file("p").c_str(), 0604);
  CHECK(read_passphrase_file(d.file("p")).error().exit == Exit::key_refused);
}
