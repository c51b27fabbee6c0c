// Process-wide V8 set-up: one platform, initialised once, before the first isolate.
// Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_V8_PLATFORM_H_
#define HEARTH_ISOLATE_POOL_V8_PLATFORM_H_

#include <v8-platform.h>

namespace hearth {

// Initialises V8 on first call (thread-safe) and returns the platform.
v8::Platform* V8PlatformInstance();

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_V8_PLATFORM_H_
