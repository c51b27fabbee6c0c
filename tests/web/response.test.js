// Fetch Standard: Request and Response bodies of every kind (strings, buffers, Blob,
// FormData, ReadableStream), `body` as a ReadableStream, bodyUsed, clone() (which tees),
// blob(), formData(), and Response.json/redirect/error; after the web-platform-tests in
// fetch/api/response/, fetch/api/request/ and fetch/api/body/.

async function microtasks(count = 20) {
  for (let i = 0; i < count; i++) await Promise.resolve();
}
const encode = (text) => new TextEncoder().encode(text);
const bytesOf = (view) => Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
function streamOf(...chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
async function readAllBytes(stream) {
  const out = [];
  for await (const chunk of stream) out.push(...chunk);
  return out;
}

// ----- Extracting bodies -----

test('bodies from strings, buffers and views, with their content types', async () => {
  const cases = [
    ['text', 'text/plain;charset=UTF-8', 'text'],
    [new Uint8Array([104, 105]), null, 'hi'],
    [new Uint8Array([0, 104, 105, 0]).subarray(1, 3), null, 'hi'],
    [new Uint8Array([104, 105]).buffer, null, 'hi'],
    [new DataView(new Uint8Array([104, 105]).buffer), null, 'hi'],
    [new Uint16Array([0x6968]), null, 'hi'],
    [42, 'text/plain;charset=UTF-8', '42'],
  ];
  for (const [body, type, text] of cases) {
    const response = new Response(body);
    assertEquals(response.headers.get('content-type'), type, String(body));
    assertEquals(await response.text(), text);
  }
  const source = new Uint8Array([1, 2]);
  const copied = new Response(source);
  source[0] = 9;
  assertEquals(bytesOf(await copied.bytes()), [1, 2], 'the body is a copy');
});

test('bodies from Blobs: the bytes and the Blob\'s type', async () => {
  const typed = new Response(new Blob(['blob text'], { type: 'text/x-blob' }));
  assertEquals(typed.headers.get('content-type'), 'text/x-blob');
  assertEquals(await typed.text(), 'blob text');
  const untyped = new Response(new Blob(['x']));
  assertEquals(untyped.headers.get('content-type'), null);
  const explicit =
    new Response(new Blob(['x'], { type: 'a/b' }), { headers: { 'Content-Type': 'c/d' } });
  assertEquals(explicit.headers.get('content-type'), 'c/d');
  const file =
    new Request('http://example.com/', { method: 'PUT', body: new File(['f'], 'f.txt') });
  assertEquals(await file.text(), 'f');
});

test('bodies from ReadableStreams: read when consumed, no content type', async () => {
  const response = new Response(streamOf(encode('str'), encode('eam')));
  assertEquals(response.headers.get('content-type'), null);
  assertEquals(response.bodyUsed, false);
  assertEquals(await response.text(), 'stream');
  assertEquals(response.bodyUsed, true);
  await assertRejects(() => response.text(), TypeError);

  const locked = new ReadableStream();
  locked.getReader();
  assertThrows(() => new Response(locked), TypeError);
  const disturbed = streamOf(encode('x'));
  await disturbed.getReader().read();
  assertThrows(() => new Response(disturbed), TypeError);
  assertThrows(() => new Response(new ReadableStream(), { status: 204 }), TypeError);
});

test('a stream body must produce Uint8Array chunks', async () => {
  await assertRejects(() => new Response(streamOf('not bytes')).text(), TypeError);
  await assertRejects(() => new Response(streamOf(new Uint8Array(1).buffer)).arrayBuffer(),
    TypeError);
  const error = new Error('source failed');
  const failing = new Response(new ReadableStream({ start(c) { c.error(error); } }));
  assert(await failing.text().catch((e) => e) === error);
});

test('consuming a stream body reads every chunk, and each way of reading works', async () => {
  const make = () => new Response(streamOf(encode('{"a":'), new Uint8Array(0), encode('[1,2]}')));
  assertEquals(await make().json(), { a: [1, 2] });
  assertEquals(bytesOf(await make().bytes()), Array.from(encode('{"a":[1,2]}')));
  const buffer = await make().arrayBuffer();
  assert(buffer instanceof ArrayBuffer);
  assertEquals(buffer.byteLength, 11);
  const blob =
    await new Response(streamOf(encode('b')), { headers: { 'content-type': 'X/Y' } }).blob();
  assertEquals([blob.type, await blob.text()], ['x/y', 'b']);
});

// ----- The body attribute -----

test('body: null without a body, else a ReadableStream of the bytes', async () => {
  assertEquals(new Response().body, null);
  assertEquals(new Response(null).body, null);
  assertEquals(new Request('http://example.com/').body, null);
  assertEquals(Response.error().body, null);
  assertEquals(Response.redirect('http://example.com/').body, null);
  const response = new Response('abc');
  const body = response.body;
  assert(body instanceof ReadableStream);
  assert(response.body === body, 'the same stream each time');
  assertEquals(response.bodyUsed, false);
  assertEquals(await readAllBytes(body), [97, 98, 99]);
  assertEquals(response.bodyUsed, true);
  await assertRejects(() => response.text(), TypeError);
  assert(new Response('').body instanceof ReadableStream, 'an empty body is not a null body');
});

test('body: a byte stream, so BYOB readers work', async () => {
  const reader = new Response('hello').body.getReader({ mode: 'byob' });
  const { value } = await reader.read(new Uint8Array(2));
  assertEquals(bytesOf(value), [104, 101]);
});

test('body: a locked body cannot be consumed or cloned', async () => {
  const response = new Response('abc');
  const reader = response.body.getReader();
  assertEquals(response.bodyUsed, false, 'locked is not disturbed');
  await assertRejects(() => response.text(), TypeError);
  assertThrows(() => response.clone(), TypeError);
  reader.releaseLock();
  assertEquals(await response.text(), 'abc');
});

test('body: reading after text() gives a closed, disturbed stream', async () => {
  const response = new Response('abc');
  await response.text();
  const body = response.body;
  assert(body instanceof ReadableStream);
  assertEquals((await body.getReader().read()).done, true);
});

test('bodyUsed: a body read through text() without a stream', async () => {
  const response = new Response('x');
  const promise = response.text();
  assertEquals(response.bodyUsed, true);
  await promise;
  await assertRejects(() => response.arrayBuffer(), TypeError);
  await assertRejects(() => response.blob(), TypeError);
  await assertRejects(() => response.formData(), TypeError);
  const empty = new Response();
  await empty.text();
  assertEquals(empty.bodyUsed, false, 'a null body is never used');
  assertEquals(await empty.text(), '');
});

// ----- clone -----

test('clone: both copies read the whole body, from bytes or from a stream', async () => {
  const bytes = new Response('shared', { status: 201, statusText: 'Made', headers: { a: 'b' } });
  const copy = bytes.clone();
  assertEquals([copy.status, copy.statusText, copy.headers.get('a')], [201, 'Made', 'b']);
  assertEquals(await bytes.text(), 'shared');
  assertEquals(await copy.text(), 'shared');

  const streamed = new Response(streamOf(encode('one'), encode('two')));
  const twin = streamed.clone();
  assertEquals(await twin.text(), 'onetwo');
  assertEquals(await streamed.text(), 'onetwo');

  const withBody = new Response('x');
  const body = withBody.body;
  const clone = withBody.clone();
  assert(withBody.body !== body, 'the original gets a branch of the tee');
  assertEquals(await withBody.text(), 'x');
  assertEquals(await clone.text(), 'x');
});

test('clone: a used body cannot be cloned', async () => {
  const response = new Response('x');
  await response.text();
  assertThrows(() => response.clone(), TypeError);
  const request = new Request('http://example.com/', { method: 'POST', body: 'x' });
  await request.text();
  assertThrows(() => request.clone(), TypeError);
  assertEquals(Response.error().clone().type, 'error');
});

// ----- blob() -----

test('blob(): the bytes, typed by the Content-Type header', async () => {
  const blob = await new Response('data',
    { headers: { 'Content-Type': 'Text/Plain; Charset="utf-8"' } }).blob();
  assert(blob instanceof Blob);
  assertEquals([blob.size, blob.type], [4, 'text/plain;charset=utf-8']);
  assertEquals((await new Response(new Uint8Array([1])).blob()).type, '');
  const typeOf = async (contentType) =>
    (await new Response('x', { headers: { 'content-type': contentType } }).blob()).type;
  assertEquals(await typeOf('nonsense'), '');
  const mixed =
    new Headers([['content-type', 'text/html;charset=gbk'], ['content-type', 'text/html']]);
  assertEquals((await new Response('x', { headers: mixed }).blob()).type, 'text/html;charset=gbk',
    'Fetch\'s "extract a MIME type" keeps the charset of the same essence');
  assertEquals(await typeOf('text/html, */*'), 'text/html');
  assertEquals((await new Response('é').blob()).type, 'text/plain;charset=utf-8');
});

// ----- Request bodies -----

test('Request: a stream body needs duplex "half"', async () => {
  const url = 'http://example.com/';
  assertThrows(() => new Request(url, { method: 'POST', body: streamOf(encode('x')) }), TypeError);
  const request = new Request(url, { method: 'POST', body: streamOf(encode('x')), duplex: 'half' });
  assertEquals(request.duplex, 'half');
  assertEquals(await request.text(), 'x');
  assertThrows(() => new Request(url, { method: 'POST', body: 'x', duplex: 'full' }), TypeError);
  assertThrows(() => new Request(url, { body: 'x' }), TypeError, 'GET with a body');
  assertThrows(() => new Request(url, { method: 'HEAD', body: new Blob() }), TypeError);
});

test('Request: new Request(request) takes the body; the original counts as used', async () => {
  const url = 'http://example.com/';
  const original =
    new Request(url, { method: 'POST', body: streamOf(encode('moved')), duplex: 'half' });
  const moved = new Request(original);
  assertEquals(original.bodyUsed, true);
  assertThrows(() => new Request(original), TypeError);
  assertEquals(await moved.text(), 'moved');

  const bytes = new Request(url, { method: 'POST', body: 'b' });
  const next = new Request(bytes);
  assertEquals(bytes.bodyUsed, true);
  assertEquals(await next.text(), 'b');

  const used = new Request(url, { method: 'POST', body: 'u' });
  await used.text();
  const replaced = new Request(used, { body: 'new body' });
  assertEquals(await replaced.text(), 'new body', 'a new body replaces a used one');
});

test('Request: body, clone, blob() and formData()', async () => {
  const request = new Request('http://example.com/', {
    method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert(request.body instanceof ReadableStream);
  const clone = request.clone();
  assertEquals((await request.formData()).get('a'), '1');
  const blob = await clone.blob();
  assertEquals([blob.type, await blob.text()], ['application/x-www-form-urlencoded', 'a=1']);
});

// ----- Response statics -----

test('Response.json: serialized data, application/json, init applied', async () => {
  const response = Response.json({ a: [1, 'b'] }, { status: 202, headers: { 'x-extra': '1' } });
  assertEquals(response.status, 202);
  assertEquals(response.headers.get('content-type'), 'application/json');
  assertEquals(response.headers.get('x-extra'), '1');
  assertEquals(await response.json(), { a: [1, 'b'] });
  const typed = Response.json('x', { headers: { 'Content-Type': 'application/vnd.x+json' } });
  assertEquals(typed.headers.get('content-type'), 'application/vnd.x+json');
  assertThrows(() => Response.json(undefined), TypeError);
  assertThrows(() => Response.json(() => {}), TypeError);
  assertThrows(() => Response.json(1n), TypeError);
  const cyclic = {};
  cyclic.self = cyclic;
  assertThrows(() => Response.json(cyclic), TypeError);
  assertThrows(() => Response.json({}, { status: 204 }), TypeError);
  assert(Response.json(null).body instanceof ReadableStream);
});

test('Response.redirect: Location, status, immutable headers', () => {
  const response = Response.redirect('http://example.com/next', 301);
  assertEquals(response.status, 301);
  assertEquals(response.headers.get('location'), 'http://example.com/next');
  assertThrows(() => response.headers.set('x', 'y'), TypeError);
  assertEquals(Response.redirect('http://example.com/').status, 302);
  for (const status of [301, 302, 303, 307, 308]) {
    assertEquals(Response.redirect('http://example.com/', status).status, status);
  }
  for (const status of [200, 300, 304, 309, 400]) {
    assertThrows(() => Response.redirect('http://example.com/', status), RangeError);
  }
});

test('Response.error: a network error with immutable headers', async () => {
  const response = Response.error();
  assertEquals([response.type, response.status, response.statusText, response.ok],
    ['error', 0, '', false]);
  assertThrows(() => response.headers.append('x', 'y'), TypeError);
  assertEquals(await response.text(), '');
});

test('reading a body looks up no then on objects of its own', async () => {
  const seen = [];
  const chunk = encode('real');
  Object.defineProperty(Object.prototype, 'then', {
    get() {
      seen.push(Object.prototype.toString.call(this));
      return undefined;
    },
    configurable: true,
  });
  let fromStream, fromBytes, fromBlob;
  try {
    fromStream = new Response(streamOf(chunk)).text();
    fromBytes = new Response('bytes').text();
    fromBlob = new Response(new Blob(['blob'])).text();
    await microtasks();
  } finally {
    delete Object.prototype.then;
  }
  assertEquals([await fromStream, await fromBytes, await fromBlob], ['real', 'bytes', 'blob']);
  assertEquals(seen, []);
});
