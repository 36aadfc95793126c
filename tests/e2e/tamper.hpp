// Editing a replica behind scoin's back, with raw LMDB calls: the tampering
// that verify-chain must catch. Nothing here goes through scoin's own store.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scoin/bytes.hpp"

namespace tamper {

using scoin::Bytes;

// Each call opens the environment at `dir`, does one write (or read)
// transaction on the named database `db` and closes it.
Bytes get(const std::string& dir, const std::string& db, const Bytes& key);
void put(const std::string& dir, const std::string& db, const Bytes& key, const Bytes& value);
void del(const std::string& dir, const std::string& db, const Bytes& key);
// The first key of `db` that starts with `prefix`.
Bytes first_key_with_prefix(const std::string& dir, const std::string& db, const Bytes& prefix);

Bytes height_key(std::uint64_t height);

}  // namespace tamper
