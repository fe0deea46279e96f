// A fresh NATS NKey user: an Ed25519 key pair in the NKey text form that
// nats-server's `nkey:` users and libnats' seed files take ("U..." for the
// public key, "SU..." for the seed; base32 of a type prefix, the key and a
// CRC-16). Generated per test, so nothing committed can be reused.
//
// Thread safety: a pure function.
#pragma once

#include <string>

namespace sf::test {

struct nkey_pair {
  std::string public_key;  // U...
  std::string seed;        // SU...
};

nkey_pair make_user_nkey();

}  // namespace sf::test
