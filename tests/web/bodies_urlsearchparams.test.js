// URLSearchParams as a Fetch body (Fetch Standard, "extract a body"), from the url module.

test('URLSearchParams body: its serialization, as application/x-www-form-urlencoded', async () => {
  const params = new URLSearchParams([['a', '1'], ['b', 'x y'], ['\u00e9', '&=']]);
  const response = new Response(params);
  assertEquals(response.headers.get('content-type'),
    'application/x-www-form-urlencoded;charset=UTF-8');
  assertEquals(await response.text(), 'a=1&b=x+y&%C3%A9=%26%3D');
});

test('URLSearchParams body: an explicit Content-Type wins', async () => {
  const response = new Response(new URLSearchParams('k=v'), {
    headers: { 'content-type': 'text/plain' },
  });
  assertEquals(response.headers.get('content-type'), 'text/plain');
  assertEquals(await response.text(), 'k=v');
});

test('URLSearchParams body: Request, and formData() reads it back', async () => {
  const request = new Request('http://example.com/', {
    method: 'POST', body: new URLSearchParams({ name: 'Ada', lang: 'en' }),
  });
  const fd = await request.formData();
  assertEquals([...fd], [['name', 'Ada'], ['lang', 'en']]);
});

test('URLSearchParams body: the serialization at construction time is kept', async () => {
  const params = new URLSearchParams('a=1');
  const response = new Response(params);
  params.append('b', '2');
  assertEquals(await response.text(), 'a=1');
});

test('URLSearchParams body: a subclass is still a URLSearchParams', async () => {
  class Params extends URLSearchParams {}
  const response = new Response(new Params('z=26'));
  assertEquals(await response.text(), 'z=26');
  assertEquals(response.headers.get('content-type'),
    'application/x-www-form-urlencoded;charset=UTF-8');
});
