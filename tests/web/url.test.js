// URL and URLSearchParams (WHATWG URL Standard, with WebIDL for the interface shapes).
// tests/url_conformance_e2e_test.cc runs web-platform-tests' data files; these cases cover
// the API around them: interface shapes, argument conversions, the searchParams binding,
// URLSearchParams' constructors and methods, and the module's own promises (lazy loading,
// independence from what user code did to TextEncoder, IDNA through ICU).

test('URL loads on first use, even after TextEncoder and TextDecoder were replaced', () => {
  // The first test to touch URL: the module loads here. whatwg-url would use these two;
  // the runtime's module uses its own UTF-8 coding instead.
  const { TextEncoder: savedEncoder, TextDecoder: savedDecoder } = globalThis;
  globalThis.TextEncoder = function () { throw new Error('tampered'); };
  globalThis.TextDecoder = function () { throw new Error('tampered'); };
  try {
    const url = new URL('https://example.com/%C3%A9?q=%E2%82%AC#x');
    assertEquals(url.searchParams.get('q'), '\u20ac');
    assertEquals(new URL('https://example.com/\u00e9').pathname, '/%C3%A9');
  } finally {
    globalThis.TextEncoder = savedEncoder;
    globalThis.TextDecoder = savedDecoder;
  }
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'URL');
  assertEquals(descriptor.value, URL);
  assertEquals([descriptor.writable, descriptor.enumerable, descriptor.configurable],
    [true, false, true], 'WebIDL interface object property');
  const params = URLSearchParams;  // its first read loads nothing more: the module is loaded
  assertEquals(Object.getOwnPropertyDescriptor(globalThis, 'URLSearchParams').value, params);
});

test('URL is a WebIDL interface', () => {
  assertEquals(typeof URL, 'function');
  assertEquals(URL.name, 'URL');
  assertEquals(URL.length, 1);
  assertThrows(() => URL('https://example.com/'), TypeError, 'called without new');
  assertThrows(() => new URL(), TypeError, 'no argument');
  const url = new URL('https://example.com/');
  assertEquals(Object.prototype.toString.call(url), '[object URL]');
  assert(Object.getPrototypeOf(url) === URL.prototype, 'a URL.prototype object');
  const attributes = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname',
    'port', 'pathname', 'search', 'searchParams', 'hash'];
  for (const name of attributes) {
    const d = Object.getOwnPropertyDescriptor(URL.prototype, name);
    assert(d !== undefined && typeof d.get === 'function', `${name} is an accessor`);
    assert(d.enumerable && d.configurable, `${name} is enumerable and configurable`);
    const readonly = name === 'origin' || name === 'searchParams';
    assertEquals(typeof d.set, readonly ? 'undefined' : 'function', `${name} setter`);
    assertThrows(() => d.get.call({}), TypeError, `${name} getter on a non-URL`);
  }
  for (const name of ['toString', 'toJSON']) {
    const d = Object.getOwnPropertyDescriptor(URL.prototype, name);
    assert(d.enumerable && d.writable && d.configurable, `${name} is a WebIDL operation`);
    assertThrows(() => d.value.call({}), TypeError, `${name} on a non-URL`);
  }
  for (const name of ['canParse', 'parse']) {
    const d = Object.getOwnPropertyDescriptor(URL, name);
    assert(d.enumerable && typeof d.value === 'function', `URL.${name} is a static operation`);
    assertEquals(d.value.length, 1, `URL.${name}.length`);
  }
  assertThrows(() => { url.origin = 'https://other.example'; }, TypeError, 'origin is readonly');
  assertThrows(() => { url.searchParams = new URLSearchParams(); }, TypeError,
    'searchParams is readonly');
});

test('parsing splits a URL into its components', () => {
  const url = new URL('HTTPS://user:pa%20ss@EXAMPLE.com:8080/a/../b/./c%2e?x=1&y#frag ment');
  assertEquals(url.href, 'https://user:pa%20ss@example.com:8080/b/c%2e?x=1&y#frag%20ment');
  assertEquals(url.protocol, 'https:');
  assertEquals(url.username, 'user');
  assertEquals(url.password, 'pa%20ss');
  assertEquals(url.host, 'example.com:8080');
  assertEquals(url.hostname, 'example.com');
  assertEquals(url.port, '8080');
  assertEquals(url.pathname, '/b/c%2e');
  assertEquals(url.search, '?x=1&y');
  assertEquals(url.hash, '#frag%20ment');
  assertEquals(url.origin, 'https://example.com:8080');
  assertEquals(new URL('https://example.com:443/').port, '', 'default port dropped');
  assertEquals(new URL('  \t https://ex\nample.com/\r ').href, 'https://example.com/',
    'leading/trailing C0 and space trimmed, tabs and newlines removed');
  assertEquals(new URL('http://example.com\\a\\b').pathname, '/a/b', 'backslash in special URL');
  assertEquals(new URL('sc://host/a\\b').pathname, '/a\\b', 'backslash kept in non-special URL');
});

test('relative references resolve against a base string or URL', () => {
  const base = new URL('http://a/b/c/d;p?q');
  // RFC 3986 section 5.4.1, as the URL Standard resolves them.
  const cases = [['g', 'http://a/b/c/g'], ['./g', 'http://a/b/c/g'], ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'], ['//g', 'http://g/'], ['?y', 'http://a/b/c/d;p?y'],
    ['#s', 'http://a/b/c/d;p?q#s'], ['', 'http://a/b/c/d;p?q'], ['..', 'http://a/b/'],
    ['../../../g', 'http://a/g'], ['g;x=1/../y', 'http://a/b/c/y']];
  for (const [input, expected] of cases) {
    assertEquals(new URL(input, base).href, expected, `<${input}> against a URL`);
    assertEquals(new URL(input, base.href).href, expected, `<${input}> against a string`);
  }
  assertEquals(new URL('https://other/x', 'http://a/').href, 'https://other/x');
  assertThrows(() => new URL('g', 'not a url'), TypeError, 'invalid base');
  assertThrows(() => new URL('g'), TypeError, 'relative without base');
  assertThrows(() => new URL('g', 'data:text/plain,x'), TypeError, 'base with an opaque path');
  assertEquals(new URL('https://example.com/', undefined).href, 'https://example.com/');
});

test('arguments are converted to USVString', () => {
  assertEquals(new URL({ toString: () => 'https://example.com/x' }).pathname, '/x');
  assertEquals(new URL('/\ud800', 'https://example.com').pathname, '/%EF%BF%BD',
    'a lone surrogate becomes U+FFFD');
  assertThrows(() => new URL(Symbol('x')), TypeError, 'a symbol');
  assertThrows(() => new URL(undefined), TypeError, '"undefined" is not a URL');
  assertEquals(new URL('x', { toString: () => 'https://example.com/a/' }).href,
    'https://example.com/a/x');
  assertEquals(URL.canParse({ toString: () => 'https://example.com' }), true);
});

test('URL.canParse and URL.parse agree with the constructor', () => {
  assertEquals(URL.canParse('https://example.com/'), true);
  assertEquals(URL.canParse('x', 'https://example.com/'), true);
  assertEquals(URL.canParse('x'), false);
  assertEquals(URL.canParse('https://ex ample.com/'), false);
  assertEquals(URL.canParse('x', 'invalid'), false);
  assertThrows(() => URL.canParse(), TypeError);
  const parsed = URL.parse('../y', 'https://example.com/a/b');
  assert(parsed instanceof URL, 'URL.parse returns a URL');
  assertEquals(parsed.href, 'https://example.com/y');
  assertEquals(URL.parse('x'), null);
  assertEquals(URL.parse('x', 'invalid'), null);
  assert(URL.parse('https://example.com/') !== URL.parse('https://example.com/'),
    'a new URL each time');
  assertThrows(() => URL.parse(), TypeError);
});

test('failures throw TypeError', () => {
  const invalid = ['', 'http://', 'https://exa mple.com', 'http://[::1', 'http://[1::2::3]/',
    'http://1.2.3.256/', 'http://example.com:65536/', 'http://example.com:x/', 'https://a%00b/',
    'http://a<b/', 'file://[::1/'];
  for (const input of invalid) {
    assertThrows(() => new URL(input), TypeError, `<${input}>`);
  }
});

test('hosts: IPv4, IPv6, opaque hosts, percent-decoding', () => {
  assertEquals(new URL('http://0x7f.1/').host, '127.0.0.1');
  assertEquals(new URL('http://2130706433/').host, '127.0.0.1');
  assertEquals(new URL('http://192.168.257/').host, '192.168.1.1');
  assertEquals(new URL('http://[0:0:0:0:0:0:0:1]/').host, '[::1]');
  assertEquals(new URL('http://[1:0:0:2:0:0:0:3]/').host, '[1:0:0:2::3]');
  assertEquals(new URL('http://[::ffff:192.168.0.1]/').host, '[::ffff:c0a8:1]');
  assertEquals(new URL('http://%65xample.com/').host, 'example.com');
  assertEquals(new URL('sc://Ex%41mple/').host, 'Ex%41mple', 'opaque host, case and escapes kept');
  assertEquals(new URL('sc://\u00e9/').host, '%C3%A9', 'opaque host is percent-encoded');
  assertEquals(new URL('file://localhost/x').host, '', 'localhost file host becomes empty');
});

test('IDNA: hosts go through UTS #46 ToASCII as the URL Standard asks', () => {
  assertEquals(new URL('https://fa\u00df.de/').host, 'xn--fa-hia.de', 'nontransitional');
  assertEquals(new URL('https://EXAMPLE.\u0440\u0444/').host, 'example.xn--p1ai');
  assertEquals(new URL('https://\uff25xample.com/').host, 'example.com', 'fullwidth mapped');
  assertEquals(new URL('https://a\u00adb.com/').host, 'ab.com', 'soft hyphen mapped away');
  assertEquals(new URL('https://ex%C3%A4mple.com/').host, 'xn--exmple-cua.com',
    'percent-decoded, then IDNA');
  assertEquals(new URL('https://xn--fa-hia.de/').host, 'xn--fa-hia.de');
  assertEquals(new URL('https://XN--FA-HIA.DE/').host, 'xn--fa-hia.de');
  assertEquals(new URL('https://-a-.b--c.com/').host, '-a-.b--c.com', 'no hyphen checks');
  assertEquals(new URL(`https://${'a'.repeat(70)}.com/`).hostname.length, 74,
    'no DNS length check');
  assertEquals(new URL('https://a..b./').host, 'a..b.', 'empty labels allowed');
  assertThrows(() => new URL('https://xn--a.com/'), TypeError, 'invalid Punycode');
  assertThrows(() => new URL('https://a\u200db.com/'), TypeError, 'CheckJoiners');
  assertThrows(() => new URL('https://\u05d0a.com/'), TypeError, 'CheckBidi');
  assertThrows(() => new URL('https://\u0301a.com/'), TypeError, 'leading combining mark');
  assertThrows(() => new URL('https://a\ufffdb.com/'), TypeError, 'disallowed code point');
  assertThrows(() => new URL('https://%E2%80%8D.com/'), TypeError, 'decoded ZWJ alone');
  assertThrows(() => new URL('https://\u00e9'.padEnd(20000, '\u00e9') + '/'), TypeError,
    'a non-ASCII domain past the native bound fails instead of running long');
  assertEquals(new URL(`https://${'a'.repeat(20000)}/`).hostname.length, 20000,
    'an ASCII domain takes the fast path, without bound');
});

test('setters follow the basic URL parser with a state override', () => {
  const url = new URL('https://example.com/a?b#c');
  url.protocol = 'http';
  assertEquals(url.href, 'http://example.com/a?b#c');
  url.protocol = 'sc:';
  assertEquals(url.protocol, 'http:', 'special to non-special is refused');
  url.username = 'us er';
  url.password = 'p@ss';
  assertEquals(url.href, 'http://us%20er:p%40ss@example.com/a?b#c');
  url.host = 'other.example:81';
  assertEquals(url.host, 'other.example:81');
  url.hostname = 'third.example:99';
  assertEquals(url.host, 'other.example:81', 'a ":" makes the hostname setter change nothing');
  url.hostname = 'third.example';
  assertEquals(url.host, 'third.example:81');
  url.port = '80';
  assertEquals(url.port, '', 'default port becomes empty');
  url.port = '8080abc';
  assertEquals(url.port, '8080', 'port setter takes the leading digits');
  url.port = 'abc';
  assertEquals(url.port, '8080', 'no digits: unchanged');
  url.port = '';
  assertEquals(url.port, '');
  url.pathname = 'x y/z';
  assertEquals(url.pathname, '/x%20y/z');
  url.search = 'q=1 2';
  assertEquals(url.search, '?q=1%202');
  url.search = '?';
  assertEquals(url.search, '');
  assertEquals(url.href, 'http://us%20er:p%40ss@third.example/x%20y/z?#c');
  url.hash = '';
  assertEquals(url.href, 'http://us%20er:p%40ss@third.example/x%20y/z?');
  url.hash = 'f g';
  assertEquals(url.hash, '#f%20g');
  url.href = 'https://new.example/';
  assertEquals(url.host, 'new.example');
  assertThrows(() => { url.href = 'not a url'; }, TypeError, 'href setter throws on failure');
  assertEquals(url.href, 'https://new.example/', 'unchanged after a failed href');
  const file = new URL('file:///tmp/x');
  file.username = 'u';
  file.port = '12';
  assertEquals(file.href, 'file:///tmp/x', 'file URLs have no credentials or port');
  const opaque = new URL('mailto:someone@example.com');
  opaque.pathname = 'other';
  assertEquals(opaque.pathname, 'someone@example.com', 'opaque paths cannot be set');
  const data = new URL('sc:host');
  data.host = 'x';
  assertEquals(data.href, 'sc:host', 'a URL with an opaque path has no host to set');
});

test('origin', () => {
  assertEquals(new URL('https://example.com:443/x').origin, 'https://example.com');
  assertEquals(new URL('http://\u00e9.example:8080/').origin, 'http://xn--9ca.example:8080');
  assertEquals(new URL('blob:https://example.com:444/uuid').origin, 'https://example.com:444');
  assertEquals(new URL('blob:ftp://example.com/uuid').origin, 'null');
  assertEquals(new URL('file:///tmp/x').origin, 'null');
  assertEquals(new URL('sc://host/').origin, 'null');
  assertEquals(new URL('data:text/plain,x').origin, 'null');
});

test('href, toString, toJSON and JSON.stringify agree', () => {
  const url = new URL('https://example.com/a b');
  assertEquals(url.toString(), 'https://example.com/a%20b');
  assertEquals(String(url), url.href);
  assertEquals(`${url}`, url.href);
  assertEquals(url.toJSON(), url.href);
  assertEquals(JSON.stringify({ url }), '{"url":"https://example.com/a%20b"}');
});

test('searchParams is one live object bound to its URL', () => {
  const url = new URL('https://example.com/?a=1&b=2#h');
  const params = url.searchParams;
  assertEquals(url.searchParams, params, '[SameObject]');
  assert(params instanceof URLSearchParams, 'a URLSearchParams');
  params.append('c', '3 4');
  assertEquals(url.search, '?a=1&b=2&c=3+4');
  assertEquals(url.href, 'https://example.com/?a=1&b=2&c=3+4#h');
  params.delete('a');
  params.set('b', '\u20ac');
  assertEquals(url.search, '?b=%E2%82%AC&c=3+4');
  url.search = '?x=y';
  assertEquals(params.get('x'), 'y', 'search setter updates the object');
  assertEquals(params.has('b'), false);
  url.href = 'https://example.com/?z=1';
  assertEquals([...params].length, 1, 'href setter updates it too');
  assertEquals(params.get('z'), '1');
  params.delete('z');
  assertEquals(url.href, 'https://example.com/', 'an empty list drops the "?"');
  params.sort();
  assertEquals(url.href, 'https://example.com/', 'sort of nothing leaves no "?"');
  url.search = '?%41=%zz&+=+';
  assertEquals(params.get('A'), '%zz');
  assertEquals(params.get(' '), ' ');
  const other = new URL('https://example.com/?q=1');
  assertEquals(other.searchParams.toString(), 'q=1');
  assert(other.searchParams !== params, 'each URL has its own');
});

test('URLSearchParams is a WebIDL interface', () => {
  assertEquals(URLSearchParams.name, 'URLSearchParams');
  assertEquals(URLSearchParams.length, 0);
  assertThrows(() => URLSearchParams(), TypeError, 'called without new');
  const params = new URLSearchParams();
  assertEquals(Object.prototype.toString.call(params), '[object URLSearchParams]');
  for (const name of ['append', 'delete', 'get', 'getAll', 'has', 'set', 'sort', 'toString',
    'entries', 'keys', 'values', 'forEach']) {
    const d = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, name);
    assert(d !== undefined && d.enumerable && d.writable && d.configurable, `${name}`);
    assertThrows(() => d.value.call({}, 'a', 'b'), TypeError, `${name} on a non-URLSearchParams`);
  }
  const size = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'size');
  assert(typeof size.get === 'function' && size.set === undefined, 'size is a readonly attribute');
  assertEquals(URLSearchParams.prototype[Symbol.iterator], URLSearchParams.prototype.entries);
  const iterator = params.entries();
  assertEquals(Object.prototype.toString.call(iterator), '[object URLSearchParams Iterator]');
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), '%IteratorPrototype%');
  assertThrows(() => params.append('a'), TypeError, 'append needs two arguments');
  assertThrows(() => params.get(), TypeError, 'get needs one');
});

test('URLSearchParams from a string', () => {
  const list = (init) => [...new URLSearchParams(init)];
  assertEquals(list(''), []);
  assertEquals(list(undefined), []);
  assertEquals(list('?a=1&b=2'), [['a', '1'], ['b', '2']], 'one leading "?" is dropped');
  assertEquals(list('??a=1'), [['?a', '1']]);
  assertEquals(list('a=b=c&&d&=e&f='), [['a', 'b=c'], ['d', ''], ['', 'e'], ['f', '']]);
  assertEquals(list('a+b=c+d%20e%2B'), [['a b', 'c d e+']]);
  assertEquals(list('%zz=%4'), [['%zz', '%4']], 'bad escapes stay');
  assertEquals(list('%E2%82%AC=%FF'), [['\u20ac', '\ufffd']], 'UTF-8 decoded, U+FFFD on error');
  assertEquals(list('%EF%BB%BFa=1'), [['\ufeffa', '1']], 'a BOM is kept');
  assertEquals(list(null), [['null', '']], 'null is the string "null"');
  assertEquals(list(12), [['12', '']]);
});

test('URLSearchParams from a record', () => {
  assertEquals([...new URLSearchParams({ a: '1', b: 2, c: null })],
    [['a', '1'], ['b', '2'], ['c', 'null']]);
  const record = { x: 'y' };
  Object.defineProperty(record, 'hidden', { value: 'no', enumerable: false });
  Object.defineProperty(record, Symbol('s'), { value: 'no', enumerable: false });
  assertEquals([...new URLSearchParams(record)], [['x', 'y']], 'own enumerable keys only');
  assertThrows(() => new URLSearchParams({ [Symbol('s')]: 'v' }), TypeError,
    'an enumerable symbol key cannot become a USVString');
  const inherited = Object.create({ fromProto: '1' });
  inherited.own = '2';
  assertEquals([...new URLSearchParams(inherited)], [['own', '2']], 'inherited keys ignored');
  assertEquals([...new URLSearchParams({ '\ud800': '\udc00' })], [['\ufffd', '\ufffd']],
    'keys and values are USVStrings');
  assertEquals(new URLSearchParams({}).toString(), '');
  assertEquals([...new URLSearchParams(Object.create(null, {
    k: { value: 'v', enumerable: true },
  }))], [['k', 'v']]);
});

test('URLSearchParams from a sequence of pairs, or any iterable of them', () => {
  assertEquals([...new URLSearchParams([['a', '1'], ['a', '2'], ['b', 3]])],
    [['a', '1'], ['a', '2'], ['b', '3']]);
  assertEquals([...new URLSearchParams(new Map([['m', 'n']]))], [['m', 'n']]);
  const source = new URLSearchParams('x=1&x=2');
  const copy = new URLSearchParams(source);
  source.append('x', '3');
  assertEquals([...copy], [['x', '1'], ['x', '2']], 'a copy, not a view');
  assertEquals([...new URLSearchParams([new Set(['s', 't'])])], [['s', 't']]);
  assertThrows(() => new URLSearchParams([['a']]), TypeError, 'a pair of one');
  assertThrows(() => new URLSearchParams([['a', 'b', 'c']]), TypeError, 'a pair of three');
  assertThrows(() => new URLSearchParams(['ab']), TypeError, 'a string is not a pair');
  assertThrows(() => new URLSearchParams([1]), TypeError, 'a number is not a pair');
  const throwing = { [Symbol.iterator]() { throw new RangeError('from the iterator'); } };
  assertThrows(() => new URLSearchParams(throwing), RangeError, 'iterator errors propagate');
});

test('append, get, getAll, set, has and delete', () => {
  const params = new URLSearchParams('a=1&b=2&a=3');
  params.append('a', 4);
  assertEquals(params.getAll('a'), ['1', '3', '4']);
  assertEquals(params.get('a'), '1');
  assertEquals(params.get('missing'), null);
  assertEquals(params.getAll('missing'), []);
  params.set('a', 'x');
  assertEquals(params.toString(), 'a=x&b=2', 'set replaces the first and drops the rest');
  params.set('c', 'y');
  assertEquals(params.toString(), 'a=x&b=2&c=y', 'set appends a new name');
  params.append('b', '5');
  assertEquals(params.has('b'), true);
  assertEquals(params.has('b', '5'), true, 'has with a value');
  assertEquals(params.has('b', '6'), false);
  assertEquals(params.has('b', undefined), true, 'an undefined value is no value');
  params.delete('b', '2');
  assertEquals(params.getAll('b'), ['5'], 'delete with a value removes only that pair');
  params.delete('b', undefined);
  assertEquals(params.has('b'), false, 'an undefined value deletes every pair of the name');
  params.delete('nothing');
  assertEquals(params.toString(), 'a=x&c=y');
  params.append(null, undefined);
  assertEquals(params.get('null'), 'undefined', 'arguments become strings');
});

test('size follows the list', () => {
  const params = new URLSearchParams('a=1&a=2&b=3');
  assertEquals(params.size, 3);
  params.delete('a');
  assertEquals(params.size, 1);
  params.append('c', '');
  assertEquals(params.size, 2);
  const url = new URL('https://example.com/?x&y&z');
  assertEquals(url.searchParams.size, 3);
  url.search = '';
  assertEquals(url.searchParams.size, 0);
});

test('sort is stable and orders by UTF-16 code units', () => {
  const params = new URLSearchParams('z=b&a=b&z=a&a=a');
  params.sort();
  assertEquals(params.toString(), 'z=b&a=b&z=a&a=a'.split('&').sort((x, y) =>
    (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).join('&'));
  assertEquals(params.toString(), 'a=b&a=a&z=b&z=a');
  const units = new URLSearchParams([['\ufffd', '1'], ['\ud83d\ude00', '2'], ['\u00e9', '3'],
    ['e', '4'], ['\ufb03', '5']]);
  units.sort();
  assertEquals([...units.keys()], ['e', '\u00e9', '\ud83d\ude00', '\ufb03', '\ufffd'],
    'U+1F600 (a surrogate pair, 0xD83D first) sorts before U+FB03');
  const url = new URL('https://example.com/?b=2&a=1');
  url.searchParams.sort();
  assertEquals(url.search, '?a=1&b=2', 'sort updates the URL');
});

test('iteration: entries, keys, values, forEach, and live lists', () => {
  const params = new URLSearchParams('a=1&b=2&c=3');
  assertEquals([...params.keys()], ['a', 'b', 'c']);
  assertEquals([...params.values()], ['1', '2', '3']);
  assertEquals([...params.entries()], [['a', '1'], ['b', '2'], ['c', '3']]);
  const seen = [];
  params.forEach(function (value, key, object) {
    seen.push([value, key, object === params, this]);
  }, 'thisArg');
  assertEquals(seen, [['1', 'a', true, 'thisArg'], ['2', 'b', true, 'thisArg'],
    ['3', 'c', true, 'thisArg']]);
  assertThrows(() => params.forEach(), TypeError, 'forEach needs a callback');
  assertThrows(() => params.forEach('x'), TypeError, 'a callback that is not callable');
  // The iterator reads the list as it is at each step.
  const live = new URLSearchParams('a=1&b=2&c=3&d=4');
  const keys = [];
  for (const [key] of live) {
    keys.push(key);
    if (key === 'a') live.delete('b');
    if (key === 'c') live.append('e', '5');
  }
  assertEquals(keys, ['a', 'c', 'd', 'e']);
  const iterator = new URLSearchParams('k=v')[Symbol.iterator]();
  assertEquals(iterator.next(), { value: ['k', 'v'], done: false });
  assertEquals(iterator.next(), { value: undefined, done: true });
  assertThrows(() => iterator.next.call({}), TypeError, 'next on a foreign object');
});

test('toString is application/x-www-form-urlencoded serialization', () => {
  const params = new URLSearchParams();
  params.append('a b', 'c+d&e=f~');
  params.append('*-._', '!\'()');
  params.append('\u20ac', '\ud83d\ude00');
  params.append('\ud800', '\n');
  assertEquals(params.toString(),
    'a+b=c%2Bd%26e%3Df%7E&*-._=%21%27%28%29&%E2%82%AC=%F0%9F%98%80&%EF%BF%BD=%0A');
  assertEquals(new URLSearchParams('q=%20').toString(), 'q=+');
  assertEquals(String(new URLSearchParams([['x', 'y']])), 'x=y');
});
