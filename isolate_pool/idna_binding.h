// native.domainToASCII: the URL Standard's "domain to ASCII" (UTS #46 ToASCII with the URL
// Standard's flags) through ICU, for sdk/runtime/modules/url.js. Private to isolate_pool/.
//
// Thread: called only from JavaScript, on the thread that owns the isolate. The ICU object
// behind it is immutable and shared by every thread.
#ifndef HEARTH_ISOLATE_POOL_IDNA_BINDING_H_
#define HEARTH_ISOLATE_POOL_IDNA_BINDING_H_

#include <v8-function-callback.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hearth {

// Longest domain, in UTF-16 code units, that DomainToASCII takes: longer ones fail as if
// invalid. The call runs where the CPU watchdog cannot stop it, and ICU's Punycode is
// quadratic in a label's length (up to the 1,000 code points it allows a label): at this
// bound the costliest input takes ~12 ms here (DomainToASCII.CostliestInputAtTheBound).
// Four times DNS's longest name (253 octets): a longer host could not be looked up anyway.
// ASCII domains without Punycode labels never get here (url.js lowercases them itself).
inline constexpr size_t kMaxIdnaInputLength = 1024;

// UTS #46 ToASCII of `domain` (UTF-16) with CheckHyphens, UseSTD3ASCIIRules and
// VerifyDnsLength all equal to `be_strict`, CheckBidi and CheckJoiners true, nontransitional
// processing. std::nullopt on any error, as the URL Standard's "domain to ASCII" fails.
std::optional<std::string> DomainToASCII(std::u16string_view domain, bool be_strict);

// domainToASCII(domain, beStrict) -> ASCII string, or null where the domain is invalid (or
// longer than kMaxIdnaInputLength). TypeError for a domain that is not a string.
void DomainToASCIIBinding(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_IDNA_BINDING_H_
