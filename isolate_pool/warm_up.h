// The warm-up invocation: a handler of its own and one request through it, run once in
// every reserve isolate (FunctionIsolate::WarmUp) and once in the runtime snapshot's
// isolate at build time (snapshot_tool.cc). Both must go through the same runtime code: the
// blob then holds that code compiled, and a reserve isolate compiles none of it lazily.
// It is shaped like a cold start's load and first invocation: checkHandler on an object
// with a fetch method, a request with a header and a body, a response with a status and
// headers.
//
// Thread: constants only.
#ifndef HEARTH_ISOLATE_POOL_WARM_UP_H_
#define HEARTH_ISOLATE_POOL_WARM_UP_H_

#include <string_view>

namespace hearth::warm_up {

// An object expression: `export default` + it is a module, `(` + it + `)` a script.
inline constexpr std::string_view kHandler = R"({
  async fetch(request, env) {
    const text = await request.text();
    return new Response(text + request.url + request.headers.get('x') + env,
                        { status: 200, headers: { 'content-type': 'text/plain' } });
  },
})";
inline constexpr std::string_view kMethod = "POST";
inline constexpr std::string_view kUrl = "http://localhost/warm-up?a=1";
inline constexpr std::string_view kHeaderName = "x";
inline constexpr std::string_view kHeaderValue = "y";
inline constexpr std::string_view kBody = "warm";

}  // namespace hearth::warm_up

#endif  // HEARTH_ISOLATE_POOL_WARM_UP_H_
