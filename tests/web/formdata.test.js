// FormData (XMLHttpRequest Standard, section 5) and its multipart/form-data and
// application/x-www-form-urlencoded forms as Fetch bodies (HTML's encoding algorithm,
// Fetch's parsers), after the web-platform-tests in xhr/formdata/ and fetch/api/body/.

const entriesOf = (fd) => [...fd].map(([name, value]) =>
  [name, typeof value === 'string' ? value : `File(${value.name}, ${value.type}, ${value.size})`]);

test('FormData: append, get, getAll, has, delete keep insertion order', () => {
  const fd = new FormData();
  assertEquals(fd.get('a'), null);
  assertEquals(fd.getAll('a'), []);
  fd.append('a', '1');
  fd.append('b', '2');
  fd.append('a', '3');
  assertEquals(fd.get('a'), '1');
  assertEquals(fd.getAll('a'), ['1', '3']);
  assert(fd.has('b') && !fd.has('c'));
  fd.delete('a');
  assertEquals(entriesOf(fd), [['b', '2']]);
  fd.delete('nothing');
  assertEquals(entriesOf(fd), [['b', '2']]);
});

test('FormData.set replaces the first entry of a name and removes the rest', () => {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('b', '2');
  fd.append('a', '3');
  fd.set('a', 'new');
  assertEquals(entriesOf(fd), [['a', 'new'], ['b', '2']]);
  fd.set('c', 'appended');
  assertEquals(entriesOf(fd), [['a', 'new'], ['b', '2'], ['c', 'appended']]);
});

test('FormData: names and string values are USVStrings', () => {
  const fd = new FormData();
  fd.append(1, 2);
  fd.append('x\ud800', 'y\udc00z');
  fd.append(null, undefined);
  fd.append({ toString: () => 'obj' }, { toString: () => 'val' });
  assertEquals(entriesOf(fd), [['1', '2'], ['x\ufffd', 'y\ufffdz'], ['null', 'undefined'],
    ['obj', 'val']]);
  assert(fd.has('x\udbff'), 'lookups convert their argument too');
});

test('FormData: Blob values become Files named "blob" or the given filename', () => {
  const fd = new FormData();
  const blob = new Blob(['abc'], { type: 'text/x' });
  fd.append('b', blob);
  const asFile = fd.get('b');
  assert(asFile instanceof File);
  assertEquals([asFile.name, asFile.type, asFile.size], ['blob', 'text/x', 3]);
  fd.append('named', blob, 'n.txt');
  assertEquals(fd.get('named').name, 'n.txt');
  const file = new File(['z'], 'orig.bin', { type: 'a/b', lastModified: 1234 });
  fd.append('same', file);
  assert(fd.get('same') === file, 'a File without a filename is kept as it is');
  fd.append('renamed', file, 'new.bin');
  const renamed = fd.get('renamed');
  assert(renamed !== file);
  assertEquals([renamed.name, renamed.type, renamed.lastModified], ['new.bin', 'a/b', 1234]);
  fd.set('b', blob, 'set.txt');
  assertEquals(fd.getAll('b').map((f) => f.name), ['set.txt']);
});

test('FormData: argument counts and types', () => {
  const fd = new FormData();
  assertThrows(() => fd.append('a'), TypeError);
  assertThrows(() => fd.append(), TypeError);
  assertThrows(() => fd.append('a', 'string', 'filename'), TypeError);
  assertThrows(() => fd.set('a', 'string', 'filename'), TypeError);
  assertThrows(() => fd.get(), TypeError);
  assertThrows(() => fd.getAll(), TypeError);
  assertThrows(() => fd.has(), TypeError);
  assertThrows(() => fd.delete(), TypeError);
  assertThrows(() => fd.forEach(), TypeError);
  assertThrows(() => fd.append(Symbol('s'), 'x'), TypeError);
  fd.append('a', new Blob(), undefined);
  assertEquals(fd.get('a').name, 'blob');
});

test('FormData constructor: no form elements here', () => {
  new FormData(undefined);
  assertThrows(() => new FormData(null), TypeError);
  assertThrows(() => new FormData({}), TypeError);
  assertThrows(() => FormData(), TypeError);
  assertEquals(Object.prototype.toString.call(new FormData()), '[object FormData]');
});

test('FormData iteration: entries, keys, values, forEach, live', () => {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('b', '2');
  assertEquals([...fd.keys()], ['a', 'b']);
  assertEquals([...fd.values()], ['1', '2']);
  assertEquals([...fd.entries()], [['a', '1'], ['b', '2']]);
  assertEquals(FormData.prototype[Symbol.iterator], FormData.prototype.entries);
  const iterator = fd.keys();
  assertEquals(Object.prototype.toString.call(iterator), '[object FormData Iterator]');
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  assertEquals(iterator.next(), { value: 'a', done: false });
  fd.append('c', '3');
  assertEquals(iterator.next(), { value: 'b', done: false });
  assertEquals(iterator.next(), { value: 'c', done: false }, 'iterators are live');
  assertEquals(iterator.next().done, true);
  const seen = [];
  const thisArg = {};
  fd.forEach(function (value, name, object) {
    assert(this === thisArg && object === fd);
    seen.push(`${name}=${value}`);
  }, thisArg);
  assertEquals(seen, ['a=1', 'b=2', 'c=3']);
});

test('FormData as a body: multipart/form-data with a boundary', async () => {
  const fd = new FormData();
  fd.append('field', 'value');
  fd.append('upload', new Blob(['file bytes'], { type: 'text/plain' }), 'a.txt');
  const response = new Response(fd);
  const type = response.headers.get('content-type');
  const match = /^multipart\/form-data; boundary=(.+)$/.exec(type);
  assert(match !== null, type);
  const boundary = match[1];
  assertEquals(await response.text(),
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="field"\r\n\r\nvalue\r\n' +
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="upload"; filename="a.txt"\r\n' +
    'Content-Type: text/plain\r\n\r\nfile bytes\r\n' +
    `--${boundary}--\r\n`);
  const request = new Request('http://example.com/', { method: 'POST', body: fd });
  assert(request.headers.get('content-type').startsWith('multipart/form-data; boundary='));
});

test('multipart/form-data: newlines become CRLF; names escape quotes and newlines', async () => {
  const fd = new FormData();
  fd.append('a\nb"c', 'x\ny\rz\r\n');
  fd.append('f', new Blob(['raw\n']), 'q"\r\n.txt');
  const response = new Response(fd);
  const boundary = response.headers.get('content-type').split('boundary=')[1];
  const text = await response.text();
  assert(text.includes('name="a%0D%0Ab%22c"\r\n\r\nx\r\ny\r\nz\r\n\r\n'), text);
  assert(text.includes('filename="q%22%0D%0A.txt"\r\nContent-Type: application/octet-stream\r\n' +
    '\r\nraw\n\r\n'), 'file bytes are not converted; the default type');
  assert(!text.slice(0, -boundary.length - 6).includes(`--${boundary}--`));
});

test('formData(): multipart/form-data round trip', async () => {
  const fd = new FormData();
  fd.append('text', 'h\u00e9llo\r\nworld');
  fd.append('file', new File([new Uint8Array([0, 1, 2, 255])], 'bin.dat',
    { type: 'application/x-test' }));
  fd.append('quoted"name', 'v');
  fd.append('empty', '');
  const parsed = await new Response(fd).formData();
  assert(parsed instanceof FormData);
  assertEquals(parsed.get('text'), 'h\u00e9llo\r\nworld');
  assertEquals(parsed.get('quoted"name'), 'v');
  assertEquals(parsed.get('empty'), '');
  const file = parsed.get('file');
  assert(file instanceof File);
  assertEquals([file.name, file.type, file.size], ['bin.dat', 'application/x-test', 4]);
  assertEquals(Array.from(new Uint8Array(await file.arrayBuffer())), [0, 1, 2, 255]);
});

test('formData(): multipart parts as other producers write them', async () => {
  const body = 'preamble\r\n' +
    '--XyZ\r\n' +
    'content-disposition: form-data; name="plain"\r\n\r\n' +
    'one\r\n' +
    '--XyZ\r\n' +
    'Content-Disposition: form-data; filename="f.txt"; name="up"\r\n\r\n' +
    'file\r\n' +
    '--XyZ--\r\n' +
    'epilogue';
  const fd = await new Response(body, {
    headers: { 'content-type': 'multipart/form-data; boundary="XyZ"' },
  }).formData();
  assertEquals(fd.get('plain'), 'one');
  const file = fd.get('up');
  assertEquals([file.name, file.type, await file.text()], ['f.txt', 'text/plain', 'file']);
});

test('formData(): malformed multipart bodies and other types are TypeErrors', async () => {
  const multipart = (body, type = 'multipart/form-data; boundary=B') =>
    new Response(body, { headers: { 'content-type': type } }).formData();
  await assertRejects(() => multipart('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'),
    TypeError, 'no closing delimiter');
  await assertRejects(() => multipart('--B\r\nContent-Disposition: attachment\r\n\r\nx\r\n--B--'),
    TypeError, 'not form-data');
  await assertRejects(() => multipart('no delimiter at all'), TypeError);
  await assertRejects(() => multipart('--B--', 'multipart/form-data'), TypeError, 'no boundary');
  assertEquals([...await multipart('--B--\r\n')], [], 'no parts');
  await assertRejects(() => new Response('a=1').formData(), TypeError, 'text/plain');
  await assertRejects(() => new Response(new Uint8Array([1])).formData(), TypeError, 'no type');
});

test('formData(): application/x-www-form-urlencoded', async () => {
  const response = new Response('a=1&b=x+y%20z&&c&d=%zz&%C3%A9=%E2%82%AC&a=2', {
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
  });
  const fd = await response.formData();
  assertEquals(entriesOf(fd), [['a', '1'], ['b', 'x y z'], ['c', ''], ['d', '%zz'],
    ['\u00e9', '\u20ac'], ['a', '2']]);
  const request = new Request('http://example.com/', {
    method: 'POST', body: 'k=v', headers: { 'Content-Type': 'APPLICATION/X-WWW-FORM-URLENCODED' },
  });
  assertEquals((await request.formData()).get('k'), 'v');
  assert(request.bodyUsed);
});
