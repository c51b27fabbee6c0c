// crypto (W3C Web Cryptography API): getRandomValues, randomUUID, and crypto.subtle's
// digest and HMAC. Known answers from FIPS 180-2 (SHA) and RFC 4231 / RFC 2202 (HMAC);
// argument and error cases after WPT's WebCryptoAPI tests (getRandomValues.any.js,
// digest/digest.https.any.js, sign_verify/hmac.js, import_export/symmetric_importKey.js,
// generateKey/failures.js).

const hex = (buffer) => [...new Uint8Array(buffer)]
  .map((b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text) => new TextEncoder().encode(text);
const fromHex = (text) => new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
const repeat = (byte, count) => new Uint8Array(count).fill(byte);

// ----- getRandomValues -----

test('getRandomValues fills every integer array type in place and returns it', () => {
  for (const Ctor of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
    Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
    const array = new Ctor(64);
    assert(crypto.getRandomValues(array) === array, `${Ctor.name}: the same array`);
    assert(array.some((value) => value != 0), `${Ctor.name} was filled`);
  }
  const big = new Uint8Array(65536);
  crypto.getRandomValues(big);
  assert(big.some((value) => value !== 0));
  assertEquals(crypto.getRandomValues(new Uint8Array(0)).length, 0);
});

test('getRandomValues fills a view\'s bytes only', () => {
  const buffer = new Uint8Array(32);
  crypto.getRandomValues(new Uint8Array(buffer.buffer, 8, 16));
  assertEquals([...buffer.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assertEquals([...buffer.subarray(24)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert(buffer.subarray(8, 24).some((b) => b !== 0));
});

test('getRandomValues refuses float arrays and DataView (TypeMismatchError)', () => {
  for (const value of [new Float32Array(4), new Float64Array(4), new DataView(new ArrayBuffer(4))]) {
    assertThrows(() => crypto.getRandomValues(value), 'TypeMismatchError');
  }
});

test('getRandomValues refuses more than 65536 bytes (QuotaExceededError)', () => {
  assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), 'QuotaExceededError');
  assertThrows(() => crypto.getRandomValues(new Uint32Array(16385)), 'QuotaExceededError');
  crypto.getRandomValues(new Uint32Array(16384));
});

test('getRandomValues refuses what is not an ArrayBufferView (TypeError)', () => {
  for (const value of [undefined, null, 1, 'abc', [1, 2], new ArrayBuffer(4), {}]) {
    assertThrows(() => crypto.getRandomValues(value), TypeError, String(value));
  }
  assertThrows(() => crypto.getRandomValues(), TypeError);
  assertThrows(() => Crypto.prototype.getRandomValues.call({}, new Uint8Array(1)), TypeError);
});

test('getRandomValues draws different values each time', () => {
  const a = hex(crypto.getRandomValues(new Uint8Array(16)));
  const b = hex(crypto.getRandomValues(new Uint8Array(16)));
  assert(a !== b, `${a} twice`);
});

test('randomUUID is a version 4 UUID, new each time', () => {
  const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const seen = new Set();
  for (let i = 0; i < 100; i++) {
    const uuid = crypto.randomUUID();
    assert(pattern.test(uuid), uuid);
    seen.add(uuid);
  }
  assertEquals(seen.size, 100);
});

test('crypto, Crypto, SubtleCrypto and CryptoKey have WebIDL shapes', () => {
  assert(crypto instanceof Crypto);
  assertEquals(crypto.subtle, crypto.subtle, '[SameObject]');
  assert(crypto.subtle instanceof SubtleCrypto);
  assertThrows(() => new Crypto(), TypeError);
  assertThrows(() => new SubtleCrypto(), TypeError);
  assertThrows(() => new CryptoKey(), TypeError);
  assertEquals(Object.prototype.toString.call(crypto), '[object Crypto]');
  assertEquals(Object.prototype.toString.call(crypto.subtle), '[object SubtleCrypto]');
  assertEquals(crypto.getRandomValues.length, 1);
  assertEquals(crypto.subtle.digest.length, 2);
  assertEquals(crypto.subtle.importKey.length, 5);
  assertEquals(crypto.subtle.sign.length, 3);
  assertEquals(crypto.subtle.verify.length, 4);
});

// ----- digest -----

const kDigests = {
  'SHA-1': {
    '': 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    abc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
    abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq:
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
  },
  'SHA-256': {
    '': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq:
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  'SHA-384': {
    '': '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
    abc: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu:
      '09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039',
  },
  'SHA-512': {
    '': 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    abc: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu:
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  },
};

test('digest: FIPS 180-2 known answers', async () => {
  for (const [algorithm, vectors] of Object.entries(kDigests)) {
    for (const [message, expected] of Object.entries(vectors)) {
      const result = await crypto.subtle.digest(algorithm, bytes(message));
      assert(result instanceof ArrayBuffer, 'an ArrayBuffer');
      assertEquals(hex(result), expected, `${algorithm}(${JSON.stringify(message)})`);
    }
  }
});

test('digest: one million "a"s (FIPS 180-2)', async () => {
  const million = repeat(0x61, 1000000);
  assertEquals(hex(await crypto.subtle.digest('SHA-1', million)),
    '34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  assertEquals(hex(await crypto.subtle.digest({ name: 'SHA-256' }, million)),
    'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('digest: names match ASCII case-insensitively; any BufferSource', async () => {
  const expected = kDigests['SHA-256'].abc;
  assertEquals(hex(await crypto.subtle.digest('sha-256', bytes('abc'))), expected);
  assertEquals(hex(await crypto.subtle.digest({ name: 'Sha-256' }, bytes('abc').buffer)), expected);
  const view = new DataView(new Uint8Array([0, 0x61, 0x62, 0x63, 0]).buffer, 1, 3);
  assertEquals(hex(await crypto.subtle.digest('SHA-256', view)), expected);
  // U+017F (long s) upper-cases to 'S', but only ASCII letters are folded.
  await assertRejects(() => crypto.subtle.digest('\u017fHA-256', bytes('abc')),
    'NotSupportedError');
});

test('digest copies its input before hashing', async () => {
  const data = bytes('abc');
  const promise = crypto.subtle.digest('SHA-256', data);
  data[0] = 0;
  assertEquals(hex(await promise), kDigests['SHA-256'].abc);
});

test('digest rejects; it never throws', async () => {
  await assertRejects(() => crypto.subtle.digest('MD5', bytes('a')), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.digest('HMAC', bytes('a')), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.digest({}, bytes('a')), TypeError);
  await assertRejects(() => crypto.subtle.digest('SHA-256', 'text'), TypeError);
  await assertRejects(() => crypto.subtle.digest('SHA-256', [1, 2]), TypeError);
  await assertRejects(() => crypto.subtle.digest('SHA-256'), TypeError);
  await assertRejects(() => crypto.subtle.digest.call({}, 'SHA-256', bytes('a')), TypeError);
  const result = crypto.subtle.digest('nope', bytes('a'));
  assert(result instanceof Promise);
  result.catch(() => {});
});

// ----- HMAC -----

const kHmac = [
  // [key, data, {hash: expected}], RFC 4231 test cases 1, 2, 3, 4, 6 and 7 and RFC 2202's
  // first HMAC-SHA-1 case.
  [repeat(0x0b, 20), bytes('Hi There'), {
    'SHA-1': 'b617318655057264e28bc0b6fb378c8ef146be00',
    'SHA-256': 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'SHA-384': 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    'SHA-512': '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
  }],
  [bytes('Jefe'), bytes('what do ya want for nothing?'), {
    'SHA-256': '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'SHA-384': 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    'SHA-512': '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  }],
  [repeat(0xaa, 20), repeat(0xdd, 50), {
    'SHA-256': '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    'SHA-512': 'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
  }],
  [fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'), repeat(0xcd, 50), {
    'SHA-256': '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  }],
  [repeat(0xaa, 131), bytes('Test Using Larger Than Block-Size Key - Hash Key First'), {
    'SHA-256': '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    'SHA-384': '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
  }],
  [repeat(0xaa, 131), bytes('This is a test using a larger than block-size key and a larger ' +
    'than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'), {
    'SHA-256': '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    'SHA-512': 'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58',
  }],
];

test('HMAC sign and verify: RFC 4231 and RFC 2202 known answers', async () => {
  for (const [keyBytes, data, expectations] of kHmac) {
    for (const [hash, expected] of Object.entries(expectations)) {
      const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash }, false,
        ['sign', 'verify']);
      const mac = await crypto.subtle.sign('HMAC', key, data);
      assert(mac instanceof ArrayBuffer);
      assertEquals(hex(mac), expected, `HMAC-${hash}`);
      assertEquals(await crypto.subtle.verify('HMAC', key, fromHex(expected), data), true);
      const wrong = fromHex(expected);
      wrong[0] ^= 1;
      assertEquals(await crypto.subtle.verify({ name: 'hmac' }, key, wrong, data), false);
      assertEquals(await crypto.subtle.verify('HMAC', key, fromHex(expected).subarray(1), data),
        false);
    }
  }
});

test('RFC 4231 test case 5: a truncated MAC does not verify', async () => {
  const key = await crypto.subtle.importKey('raw', repeat(0x0c, 20),
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const data = bytes('Test With Truncation');
  const mac = await crypto.subtle.sign('HMAC', key, data);
  assertEquals(hex(mac).slice(0, 32), 'a3b6167473100ee06e0c796c2955552b');
  assertEquals(await crypto.subtle.verify('HMAC', key, new Uint8Array(mac).subarray(0, 16), data),
    false);
});

test('importKey makes a CryptoKey with WebCrypto\'s attributes', async () => {
  const key = await crypto.subtle.importKey('raw', repeat(1, 32),
    { name: 'hmac', hash: { name: 'sha-384' } }, true, ['verify', 'sign', 'verify']);
  assert(key instanceof CryptoKey);
  assertEquals(Object.prototype.toString.call(key), '[object CryptoKey]');
  assertEquals(key.type, 'secret');
  assertEquals(key.extractable, true);
  assertEquals(key.algorithm, { name: 'HMAC', hash: { name: 'SHA-384' }, length: 256 });
  assertEquals(key.algorithm, key.algorithm, '[[algorithm_cached]]');
  assertEquals(key.usages, ['sign', 'verify']);
  assert(key.usages === key.usages, 'the same array each time');
  // What a user does to the cached objects does not change the key.
  key.algorithm.hash.name = 'SHA-1';
  key.usages.length = 0;
  const mac = await crypto.subtle.sign('HMAC', key, bytes('x'));
  assertEquals(new Uint8Array(mac).length, 48);
});

test('importKey: the length member must match the key data', async () => {
  const data = repeat(7, 4);  // 32 bits
  const key = await crypto.subtle.importKey('raw', data, { name: 'HMAC', hash: 'SHA-256',
    length: 25 }, false, ['sign']);
  assertEquals(key.algorithm.length, 25);
  for (const length of [33, 24, 0]) {
    await assertRejects(() => crypto.subtle.importKey('raw', data,
      { name: 'HMAC', hash: 'SHA-256', length }, false, ['sign']), 'DataError', String(length));
  }
  await assertRejects(() => crypto.subtle.importKey('raw', data,
    { name: 'HMAC', hash: 'SHA-256', length: -1 }, false, ['sign']), TypeError);
});

test('importKey errors, in WebCrypto\'s order', async () => {
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const key = repeat(1, 16);
  await assertRejects(() => crypto.subtle.importKey('raw', new Uint8Array(0), hmac, false,
    ['sign']), 'DataError');
  await assertRejects(() => crypto.subtle.importKey('raw', key, hmac, false, ['encrypt']),
    'SyntaxError');
  await assertRejects(() => crypto.subtle.importKey('raw', key, hmac, false, []), 'SyntaxError');
  await assertRejects(() => crypto.subtle.importKey('raw', key, hmac, false, ['bogus']),
    TypeError);
  await assertRejects(() => crypto.subtle.importKey('raw', key, hmac, false, 'sign'), TypeError);
  await assertRejects(() => crypto.subtle.importKey('bogus', key, hmac, false, ['sign']),
    TypeError);
  await assertRejects(() => crypto.subtle.importKey('spki', key, hmac, false, ['sign']),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.importKey('raw', key, { name: 'HMAC' }, false,
    ['sign']), TypeError);
  await assertRejects(() => crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'MD5' },
    false, ['sign']), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.importKey('raw', { k: 'x' }, hmac, false, ['sign']),
    TypeError);
  await assertRejects(() => crypto.subtle.importKey('jwk', key, hmac, false, ['sign']),
    TypeError);
  await assertRejects(() => crypto.subtle.importKey('raw', key, hmac, false), TypeError);
});

test('exportKey: raw and jwk for extractable keys, InvalidAccessError otherwise', async () => {
  const data = fromHex('000102030405060708090a0b0c0d0e0f');
  const key = await crypto.subtle.importKey('raw', data, { name: 'HMAC', hash: 'SHA-256' }, true,
    ['sign']);
  const raw = await crypto.subtle.exportKey('raw', key);
  assert(raw instanceof ArrayBuffer);
  assertEquals(hex(raw), hex(data));
  new Uint8Array(raw)[0] = 0xff;  // a copy
  assertEquals(hex(await crypto.subtle.exportKey('raw', key)), hex(data));
  const jwk = await crypto.subtle.exportKey('jwk', key);
  assertEquals(jwk, { alg: 'HS256', ext: true, k: 'AAECAwQFBgcICQoLDA0ODw', key_ops: ['sign'],
    kty: 'oct' });
  await assertRejects(() => crypto.subtle.exportKey('spki', key), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.exportKey('bogus', key), TypeError);
  await assertRejects(() => crypto.subtle.exportKey('raw', {}), TypeError);
  const locked = await crypto.subtle.importKey('raw', data, { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  await assertRejects(() => crypto.subtle.exportKey('raw', locked), 'InvalidAccessError');
});

test('importKey jwk: round trip and the JWK checks', async () => {
  const hmac = { name: 'HMAC', hash: 'SHA-512' };
  const jwk = { kty: 'oct', k: '_-8', alg: 'HS512', ext: true, key_ops: ['sign', 'verify'] };
  const key = await crypto.subtle.importKey('jwk', jwk, hmac, true, ['sign']);
  assertEquals(hex(await crypto.subtle.exportKey('raw', key)), 'ffef');
  const bad = (changes) => crypto.subtle.importKey('jwk', { ...jwk, ...changes }, hmac, true,
    ['sign']);
  await assertRejects(() => bad({ kty: 'RSA' }), 'DataError');
  await assertRejects(() => bad({ alg: 'HS256' }), 'DataError');
  await assertRejects(() => bad({ k: 'a+b' }), 'DataError');
  await assertRejects(() => bad({ k: undefined }), 'DataError');
  await assertRejects(() => bad({ use: 'enc' }), 'DataError');
  await assertRejects(() => bad({ key_ops: ['verify'] }), 'DataError');
  await assertRejects(() => bad({ ext: false }), 'DataError');
});

test('sign and verify check the key\'s algorithm and usages', async () => {
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const signOnly = await crypto.subtle.importKey('raw', repeat(1, 16), hmac, false, ['sign']);
  const verifyOnly = await crypto.subtle.importKey('raw', repeat(1, 16), hmac, false, ['verify']);
  const mac = await crypto.subtle.sign('HMAC', signOnly, bytes('x'));
  assertEquals(await crypto.subtle.verify('HMAC', verifyOnly, mac, bytes('x')), true);
  await assertRejects(() => crypto.subtle.sign('HMAC', verifyOnly, bytes('x')),
    'InvalidAccessError');
  await assertRejects(() => crypto.subtle.verify('HMAC', signOnly, mac, bytes('x')),
    'InvalidAccessError');
  await assertRejects(() => crypto.subtle.sign('ECDSA', signOnly, bytes('x')),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.sign('HMAC', {}, bytes('x')), TypeError);
  await assertRejects(() => crypto.subtle.sign('HMAC', signOnly, 'x'), TypeError);
  await assertRejects(() => crypto.subtle.verify('HMAC', verifyOnly, mac), TypeError);
});

test('generateKey makes HMAC keys of the hash\'s block size, or of the given length', async () => {
  const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true,
    ['sign', 'verify']);
  assert(key instanceof CryptoKey, 'a CryptoKey, not a pair');
  assertEquals(key.algorithm, { name: 'HMAC', hash: { name: 'SHA-256' }, length: 512 });
  assertEquals(new Uint8Array(await crypto.subtle.exportKey('raw', key)).length, 64);
  const key384 = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-384' }, true,
    ['sign']);
  assertEquals(key384.algorithm.length, 1024);
  const short = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-1', length: 12 },
    true, ['sign']);
  assertEquals(new Uint8Array(await crypto.subtle.exportKey('raw', short)).length, 2);
  const other = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true,
    ['sign']);
  assert(hex(await crypto.subtle.exportKey('raw', key)) !==
    hex(await crypto.subtle.exportKey('raw', other)), 'two keys differ');
  const mac = await crypto.subtle.sign('HMAC', key, bytes('x'));
  assertEquals(await crypto.subtle.verify('HMAC', key, mac, bytes('x')), true);
});

test('generateKey errors', async () => {
  await assertRejects(() => crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true,
    []), 'SyntaxError');
  await assertRejects(() => crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true,
    ['encrypt']), 'SyntaxError');
  await assertRejects(() => crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256',
    length: 0 }, true, ['sign']), 'OperationError');
  await assertRejects(() => crypto.subtle.generateKey({ name: 'HMAC' }, true, ['sign']),
    TypeError);
  await assertRejects(() => crypto.subtle.generateKey('AES-GCM', true, ['encrypt']),
    'NotSupportedError');
});

test('the other SubtleCrypto methods exist and support no algorithm', async () => {
  const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
  await assertRejects(() => crypto.subtle.encrypt('AES-GCM', key, bytes('x')),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.decrypt('HMAC', key, bytes('x')), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.deriveBits('HKDF', key, 8), 'NotSupportedError');
  await assertRejects(() => crypto.subtle.deriveKey('HKDF', key, 'HMAC', true, ['sign']),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.wrapKey('raw', key, key, 'AES-KW'),
    'NotSupportedError');
  await assertRejects(() => crypto.subtle.unwrapKey('raw', bytes('x'), key, 'AES-KW', 'HMAC',
    true, ['sign']), 'NotSupportedError');
});
