// The framing of every file in the state dir: one header line that says how long the payload
// is and what its SHA-256 is, then the payload.
//
//   hearth-state v1 <payload bytes> <sha256 of the payload, hex>\n<payload>
//
// Renames make a write atomic against crashes of the agent, but not against a disk that
// loses or damages blocks, nor against a file copied or edited by hand; the payload is a
// protobuf, which parses "successfully" when cut at a field boundary. The header turns
// every such case into an error that names what is wrong.
//
// Thread: pure functions.
#ifndef HEARTH_AGENT_SEALED_RECORD_H_
#define HEARTH_AGENT_SEALED_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hearth {

// `payload` with its header.
std::string Seal(absl::string_view payload);

// The payload of a sealed file; DATA_LOSS naming the problem if it is truncated, damaged or
// not a sealed file at all.
absl::StatusOr<std::string> Unseal(absl::string_view file);

// True if `file` starts like a sealed file (as opposed to one written before this format).
bool LooksSealed(absl::string_view file);

}  // namespace hearth

#endif  // HEARTH_AGENT_SEALED_RECORD_H_
