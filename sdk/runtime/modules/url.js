// URL and URLSearchParams, as the WHATWG URL Standard defines them (parsing, IDNA hosts,
// setters, URL.parse and URL.canParse, the searchParams live binding, toJSON;
// URLSearchParams from strings, records and sequences, iteration, sort, size, has/delete
// with a value).
//
// Implementation: the whatwg-url npm package, the reference implementation kept by the URL
// Standard's editors, rather than a parser of our own. It follows the standard step by step
// and is tested against web-platform-tests upstream, so conformance is theirs to keep and a
// spec change reaches us as a version bump, not a rewrite. It is pinned (exact version and
// integrity) in sdk/runtime/npm/package.json and package-lock.json, installed by
// tools/bootstrap.sh (npm ci) into the git-ignored third_party/npm, and inlined into this
// file at build time by sdk/runtime/npm/bundle.mjs: the @bundle marker below becomes its
// CommonJS files (and webidl-conversions'), each wrapped in a function, with their licences
// (MIT, BSD-2-Clause) at the top. The repository holds none of their code. Licences and how
// to move to a new version: sdk/runtime/npm/README.md.
//
// Two of its modules are replaced (`replaced` below):
// - tr46, UTS #46 in JavaScript with its own Unicode mapping table (about 250 KB), by
//   native.domainToASCII: ICU's UTS #46 (isolate_pool/idna_binding.cc), behind the URL
//   Standard's own fast path for ASCII domains with no Punycode label;
// - whatwg-url/lib/encoding.js (TextEncoder and TextDecoder, which user code may replace)
//   by the runtime's UTF-8 coding.
//
// State: everything here is made by the factory, once per isolate that uses URL; nothing
// refers to anything outside the isolate, so a function's snapshot can hold it. The package
// calls built-ins (Object.defineProperty, Array.prototype.push, String.prototype.codePointAt,
// ...) as it finds them when called, so a function that replaced one of those before its
// first URL may break its own URL; nothing else depends on it (the native side checks its
// arguments).
'use strict';
(function hearthURL(rt) {
  const {
    ObjectCreate, StringCtor, StringPrototypeCharCodeAt,
    StringPrototypeToLowerCase, TypeErrorCtor, RangeErrorCtor, NumberCtor, PromiseCtor,
  } = rt.primordials;

  // The URL Standard's "domain to ASCII", step 1: an ASCII domain none of whose labels starts
  // with "xn--" (ASCII case-insensitively) is only lowercased; anything else goes to UTS #46.
  function isAsciiWithoutPunycode(domain) {
    let labelStart = 0;
    for (let i = 0; i < domain.length; i++) {
      const c = StringPrototypeCharCodeAt(domain, i);
      if (c > 0x7f) return false;
      if (c === 0x2e) {
        labelStart = i + 1;
      } else if (i === labelStart + 3 && c === 0x2d &&
                 StringPrototypeCharCodeAt(domain, i - 1) === 0x2d &&
                 (StringPrototypeCharCodeAt(domain, i - 2) | 0x20) === 0x6e &&
                 (StringPrototypeCharCodeAt(domain, i - 3) | 0x20) === 0x78) {
        return false;
      }
    }
    return true;
  }

  // Stands in for tr46.toASCII. whatwg-url passes beStrict as checkHyphens, useSTD3ASCIIRules
  // and verifyDNSLength alike, with checkBidi and checkJoiners on and transitional processing
  // off, which is what native.domainToASCII does for its beStrict.
  function toASCII(domain, options) {
    const beStrict = options.useSTD3ASCIIRules === true;
    if (options.checkHyphens !== beStrict || options.verifyDNSLength !== beStrict ||
        options.checkBidi !== true || options.checkJoiners !== true ||
        options.transitionalProcessing !== false || options.ignoreInvalidPunycode !== false) {
      throw new TypeErrorCtor('url: tr46.toASCII called with options the native IDNA lacks');
    }
    if (!beStrict && isAsciiWithoutPunycode(domain)) return StringPrototypeToLowerCase(domain);
    return rt.domainToASCII(domain, beStrict);
  }

  const replaced = {
    __proto__: null,
    'tr46': { toASCII },
    'whatwg-url/lib/encoding.js': {
      utf8Encode: rt.utf8Encode,
      // "UTF-8 decode without BOM": a leading BOM stays.
      utf8DecodeWithoutBOM: (bytes) => rt.utf8Decode(bytes, false),
    },
  };

  const modules = /* @bundle whatwg-url/webidl2js-wrapper.js except tr46 whatwg-url/lib/encoding.js */;

  // CommonJS, as the package expects: a module runs on its first require(), and a cycle sees
  // the exports of the module still running.
  const loaded = ObjectCreate(null);
  function load(key) {
    const replacement = replaced[key];
    if (replacement !== undefined) return replacement;
    let module = loaded[key];
    if (module === undefined) {
      module = { exports: {} };
      loaded[key] = module;
      const entry = modules[key];  // [factory, {specifier: key}]
      entry[0](module, module.exports, (specifier) => load(entry[1][specifier]));
    }
    return module.exports;
  }

  // The "global object" webidl2js installs the interfaces on; the errors it throws are made
  // with these constructors.
  const globalObject = {
    __proto__: null,
    Array, Object, Number: NumberCtor, Promise: PromiseCtor, String: StringCtor,
    TypeError: TypeErrorCtor, RangeError: RangeErrorCtor,
  };
  const { URL, URLSearchParams } = load('whatwg-url/webidl2js-wrapper.js');
  // whatwg-url 14.2.0's URL.parse answers its internal object instead of a URL; upstream fixed
  // it in 16.0.0 with exactly this (URL-impl.js), which we cannot take yet (npm/README.md).
  load('whatwg-url/lib/URL-impl.js').implementation.parse = (global, input, base) => {
    try {
      return URL.createImpl(global, [input, base]);
    } catch {
      return null;
    }
  };
  URL.install(globalObject, ['Window']);
  URLSearchParams.install(globalObject, ['Window']);
  return { URL: globalObject.URL, URLSearchParams: globalObject.URLSearchParams };
})
