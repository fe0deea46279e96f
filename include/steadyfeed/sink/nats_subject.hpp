// How records are named on NATS: the subject a record is published on and
// its message id (Nats-Msg-Id), by which JetStream stores each record once
// however many collectors publish it.
//
// Subject: `<prefix>.<venue>.<channel>.<symbol>`. Each name is one subject
// token, so the bytes NATS gives a meaning or forbids in a token are
// escaped as %XX (upper-case hex): '.', '*', '>', '%' itself, and every byte
// at or below ' ' or above '~'. "BTC-USDT" and "BTC/USD" stay as they are;
// "BTC.X" becomes "BTC%2EX". A token is never empty: an empty name is "_"
// (and a name that is just "_" is "%5F").
//
// Message id: the record's identity (design §1) in the same escaping,
// `<venue>.<channel>.<symbol>.<id>` (a gap record's id is `gap:<from>-<to>`).
// A record without an id has `h:` and a hash of its line without `ts_recv`
// (the part two collectors agree on).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "steadyfeed/core/record.hpp"

namespace sf {

// Appends one name as a subject token.
void append_subject_token(std::string& out, std::string_view name);
// The name a token stands for (the inverse of append_subject_token).
std::string subject_token_name(std::string_view token);

std::string nats_subject(std::string_view prefix, std::string_view venue, std::string_view channel,
                         std::string_view symbol);
// `line` is used only when `id` is empty. The append form reuses `out`'s
// storage (the sink's hot path).
void append_message_id(std::string& out, record_kind kind, std::string_view venue, std::string_view channel,
                       std::string_view symbol, std::string_view id, std::string_view line);
std::string nats_message_id(record_kind kind, std::string_view venue, std::string_view channel,
                            std::string_view symbol, std::string_view id, std::string_view line);

}  // namespace sf
