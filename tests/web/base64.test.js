// atob, btoa (HTML "Base64 utility methods", forgiving-base64) and DOMException (WebIDL).

test('btoa encodes binary strings with padding', () => {
  assertEquals(btoa(''), '');
  assertEquals(btoa('f'), 'Zg==');
  assertEquals(btoa('fo'), 'Zm8=');
  assertEquals(btoa('foo'), 'Zm9v');
  assertEquals(btoa('\u00ff\u00fe\u0000'), '//4A');
  assertEquals(btoa(undefined), 'dW5kZWZpbmVk');
  assertEquals(btoa(null), 'bnVsbA==');
  assertEquals(btoa(12), 'MTI=');
});

test('btoa refuses code units past U+00FF', () => {
  assertThrows(() => btoa('\u0100'), 'InvalidCharacterError');
  assertThrows(() => btoa('\ud83d\ude00'), 'InvalidCharacterError');
  assertThrows(() => btoa(), TypeError);
});

test('atob is forgiving-base64 decode', () => {
  assertEquals(atob('Zm9v'), 'foo');
  assertEquals(atob('Zg'), 'f');
  assertEquals(atob('Zg=='), 'f');
  assertEquals(atob(' Z\tg\n=\f=\r'), 'f');
  assertEquals(atob(''), '');
  assertEquals(atob('//4A'), '\u00ff\u00fe\u0000');
  assertThrows(() => atob(undefined), 'InvalidCharacterError', '"undefined" is 9 characters');
  assertEquals(atob(null), '\u009e\u00e9e');
});

test('atob refuses what forgiving-base64 refuses', () => {
  for (const bad of ['Z', 'Zg=', 'Zg===', '=Zg=', 'Zm9v=', 'Z\u00e9', 'Zm9v-', 'ab=c', '\u0100']) {
    assertThrows(() => atob(bad), 'InvalidCharacterError', `atob(${JSON.stringify(bad)})`);
  }
  assertThrows(() => atob(), TypeError);
});

test('atob and btoa round-trip every byte and long inputs', () => {
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(atob(btoa(all)), all);
  const long = all.repeat(400);
  assertEquals(atob(btoa(long)), long);
});

test('the globals are ordinary writable, non-enumerable properties once used', () => {
  atob('');
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'atob');
  assertEquals(typeof descriptor.value, 'function');
  assertEquals([descriptor.writable, descriptor.enumerable, descriptor.configurable],
    [true, false, true]);
  assertEquals(Object.keys(globalThis).includes('btoa'), false);
});

test('DOMException has name, message, code and inherits from Error', () => {
  const e = new DOMException('went wrong', 'NotFoundError');
  assertEquals(e.name, 'NotFoundError');
  assertEquals(e.message, 'went wrong');
  assertEquals(e.code, 8);
  assert(e instanceof Error, 'instanceof Error');
  assertEquals(Object.getPrototypeOf(DOMException.prototype), Error.prototype);
  assertEquals(String(e), 'NotFoundError: went wrong');
  assertEquals(Object.prototype.toString.call(e), '[object DOMException]');
  assertEquals(typeof e.stack, 'string');
  assertEquals(Object.hasOwn(e, 'name'), false);
});

test('DOMException defaults, codes and legacy constants', () => {
  const plain = new DOMException();
  assertEquals([plain.name, plain.message, plain.code], ['Error', '', 0]);
  assertEquals(new DOMException('x', 'CustomName').code, 0);
  assertEquals(new DOMException('x', 'AbortError').code, 20);
  assertEquals(new DOMException('x', 'TimeoutError').code, 23);
  assertEquals(new DOMException('x', 'DataCloneError').code, 25);
  assertEquals(DOMException.INVALID_CHARACTER_ERR, 5);
  assertEquals(DOMException.prototype.ABORT_ERR, 20);
  assertEquals(DOMException.DATA_CLONE_ERR, 25);
});

test('DOMException accessors check their receiver', () => {
  const getter = Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get;
  assertThrows(() => getter.call({}), TypeError);
  assertThrows(() => DOMException.prototype.code, TypeError);
  assertThrows(() => DOMException('x'), TypeError);
});
