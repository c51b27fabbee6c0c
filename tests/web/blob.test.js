// Blob and File (W3C File API, sections 3 and 4), after the web-platform-tests in
// FileAPI/blob/ and FileAPI/file/.

const bytesOf = (view) => Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));

test('Blob constructor: no parts, strings, buffers, views and Blobs', async () => {
  const empty = new Blob();
  assertEquals([empty.size, empty.type], [0, '']);
  assertEquals(await new Blob([]).text(), '');
  const parts = [
    'ab',
    new Uint8Array([99, 100]).buffer,
    new Uint8Array([0, 101, 102, 0]).subarray(1, 3),
    new DataView(new Uint8Array([103]).buffer),
    new Int16Array([0x6968]), // little-endian: 'h', 'i'
    new Blob(['jk']),
  ];
  const blob = new Blob(parts);
  assertEquals(blob.size, 11);
  assertEquals(await blob.text(), 'abcdefghijk');
});

test('Blob constructor: other values are strings; lone surrogates become U+FFFD', async () => {
  assertEquals(await new Blob([1, null, undefined, { toString: () => 'o' }, true]).text(),
    '1nullundefinedotrue');
  const replaced = new Uint8Array(await new Blob(['\ud800']).arrayBuffer());
  assertEquals(bytesOf(replaced), [0xef, 0xbf, 0xbd]);
  assertEquals(new Blob(['\u00e9']).size, 2);
  assertEquals(await new Blob([[1, 2]]).text(), '1,2');
});

test('Blob constructor: blobParts must be a sequence', async () => {
  assertThrows(() => new Blob(null), TypeError);
  assertThrows(() => new Blob('abc'), TypeError);
  assertThrows(() => new Blob(7), TypeError);
  assertThrows(() => new Blob({}), TypeError);
  assertThrows(() => new Blob({ [Symbol.iterator]: 1 }), TypeError);
  const iterable = { *[Symbol.iterator]() { yield 'x'; yield 'y'; } };
  assertEquals(await new Blob(iterable).text(), 'xy');
  const error = new Error('from the iterator');
  assert(assertThrows(() => new Blob({ *[Symbol.iterator]() { throw error; } })) === error);
  assertThrows(() => new Blob([Symbol('s')]), TypeError);
});

test('Blob constructor: the bytes are copied when the Blob is made', async () => {
  const source = new Uint8Array([1, 2, 3]);
  const blob = new Blob([source]);
  source[0] = 9;
  assertEquals(bytesOf(await blob.bytes()), [1, 2, 3]);
  const copy = await blob.bytes();
  copy[1] = 9;
  assertEquals(bytesOf(await blob.bytes()), [1, 2, 3], 'readers get copies');
  const buffer = await blob.arrayBuffer();
  assert(buffer instanceof ArrayBuffer);
  assertEquals(buffer.byteLength, 3);
});

test('Blob constructor: SharedArrayBuffer parts are refused', () => {
  if (typeof SharedArrayBuffer !== 'function') return;
  assertThrows(() => new Blob([new SharedArrayBuffer(4)]), TypeError);
  assertThrows(() => new Blob([new Uint8Array(new SharedArrayBuffer(4))]), TypeError);
});

test('Blob options: type is printable ASCII, lowercased; endings', async () => {
  assertEquals(new Blob([], { type: 'Text/HTML;Charset=UTF-8' }).type, 'text/html;charset=utf-8');
  assertEquals(new Blob([], { type: 'text/\u00e9' }).type, '');
  assertEquals(new Blob([], { type: 'a\u0000b' }).type, '');
  assertEquals(new Blob([], { type: 'a\u007fb' }).type, '');
  assertEquals(new Blob([], { type: 5 }).type, '5');
  assertEquals(new Blob([], null).type, '');
  assertThrows(() => new Blob([], 'text/plain'), TypeError);
  assertEquals(await new Blob(['a\r\nb\rc\nd'], { endings: 'native' }).text(), 'a\nb\nc\nd');
  assertEquals(await new Blob(['a\r\nb'], { endings: 'transparent' }).text(), 'a\r\nb');
  assertThrows(() => new Blob([], { endings: 'invalid' }), TypeError);
  assertEquals(await new Blob([new Uint8Array([13, 10])], { endings: 'native' }).size, 2,
    'bytes are never converted');
  const order = [];
  new Blob([], {
    get type() { order.push('type'); return ''; },
    get endings() { order.push('endings'); return 'transparent'; },
  });
  assertEquals(order, ['endings', 'type']);
});

test('Blob.slice: relative and clamped offsets, contentType', async () => {
  const blob = new Blob(['0123456789']);
  const cases = [
    [[], '0123456789'], [[3], '3456789'], [[3, 5], '34'], [[-3], '789'], [[-3, -1], '78'],
    [[5, 3], ''], [[0, 100], '0123456789'], [[-100, 2], '01'], [[100], ''],
    [[2.5, 4.5], '23'], [[3.5, 5.5], '45'],
    [[1.5], '23456789'], [[NaN, 2], '01'], [[undefined, 3], '012'], [['4', '6'], '45'],
    [[-Infinity, Infinity], '0123456789'],
  ];
  for (const [args, expected] of cases) {
    assertEquals(await blob.slice(...args).text(), expected, `slice(${args.join(', ')})`);
  }
  assertEquals(blob.slice(0, 1).type, '');
  assertEquals(blob.slice(0, 1, 'TEXT/Plain').type, 'text/plain');
  assertEquals(blob.slice(0, 1, '\u00e9').type, '');
  assertEquals(new Blob(['x'], { type: 'a/b' }).slice().type, '', 'the type is not inherited');
  const nested = blob.slice(2, 8).slice(1, -1);
  assertEquals([nested.size, await nested.text()], [4, '3456']);
});

test('Blob.text: UTF-8 with replacement, one leading BOM removed', async () => {
  assertEquals(await new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff])]).text(), 'a\ufffd');
  assertEquals(await new Blob(['\ufeff\ufeffx']).text(), '\ufeffx');
});

test('Blob.stream: a readable byte stream of the bytes', async () => {
  const blob = new Blob(['hello']);
  const stream = blob.stream();
  assert(stream instanceof ReadableStream);
  const reader = stream.getReader({ mode: 'byob' });
  const first = await reader.read(new Uint8Array(3));
  assertEquals(bytesOf(first.value), [104, 101, 108]);
  const rest = await reader.read(new Uint8Array(10));
  assertEquals(bytesOf(rest.value), [108, 111]);
  assertEquals((await reader.read(new Uint8Array(1))).done, true);
  const chunks = [];
  for await (const chunk of new Blob(['ab', 'cd']).stream()) chunks.push(...chunk);
  assertEquals(chunks, [97, 98, 99, 100]);
  assertEquals((await new Blob().stream().getReader().read()).done, true);
});

test('Blob: WebIDL shape and brand checks', async () => {
  const blob = new Blob();
  assertEquals(Object.prototype.toString.call(blob), '[object Blob]');
  assertEquals(Blob.length, 0);
  assertThrows(() => Blob(), TypeError);
  const size = Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get;
  assertThrows(() => size.call({}), TypeError);
  await assertRejects(() => Blob.prototype.text.call({}), TypeError);
  await assertRejects(() => Blob.prototype.arrayBuffer.call({}), TypeError);
  assertThrows(() => Blob.prototype.slice.call({}), TypeError);
  assertThrows(() => Blob.prototype.stream.call({}), TypeError);
  assert(Object.getOwnPropertyDescriptor(Blob.prototype, 'slice').enumerable);
});

test('File: name, lastModified, type, and it is a Blob', async () => {
  const before = Date.now();
  const file = new File(['contents'], 'notes.txt', { type: 'Text/Plain' });
  const after = Date.now();
  assert(file instanceof Blob && file instanceof File);
  assertEquals(Object.prototype.toString.call(file), '[object File]');
  assertEquals([file.name, file.type, file.size], ['notes.txt', 'text/plain', 8]);
  assert(file.lastModified >= before && file.lastModified <= after, 'lastModified is now');
  assertEquals(await file.text(), 'contents');
  assertEquals(new File([], 'x', { lastModified: 42 }).lastModified, 42);
  assertEquals(new File([], 'x', { lastModified: -1.9 }).lastModified, -1);
  assertEquals(new File([], 'x', { lastModified: NaN }).lastModified, 0);
  assertEquals(new File([], 'a/b\ud800').name, 'a/b\ufffd');
  assertEquals(new File([], 12).name, '12');
  const slice = file.slice(0, 3);
  assert(!(slice instanceof File), 'a slice of a File is a Blob');
  assertEquals(await slice.text(), 'con');
  assertEquals(File.length, 2);
});

test('File: two arguments are required; the parts are as Blob\'s', async () => {
  assertThrows(() => new File(), TypeError);
  assertThrows(() => new File(['x']), TypeError);
  assertThrows(() => new File('x', 'name'), TypeError);
  const file = new File([new Blob(['a']), new Uint8Array([98]), 'c'], 'abc');
  assertEquals(await file.text(), 'abc');
  assertEquals(await new File(['a\rb'], 'n', { endings: 'native' }).text(), 'a\nb');
  assertThrows(() => Object.getOwnPropertyDescriptor(File.prototype, 'name').get.call(new Blob()),
    TypeError);
});
