// Hearth global: crypto (W3C Web Cryptography API), with getRandomValues, randomUUID, and
// crypto.subtle's part that Hearth implements: digests (SHA-1, SHA-256, SHA-384, SHA-512)
// and HMAC keys (importKey, exportKey, generateKey, sign, verify; raw and jwk formats).
// Other algorithms reject with a NotSupportedError at run time, so they are left out here:
// using one is a type error.

type HashAlgorithmName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
type HashAlgorithmIdentifier = HashAlgorithmName | { name: HashAlgorithmName };
type HmacAlgorithmIdentifier = 'HMAC' | { name: 'HMAC' };

/** For importKey and generateKey: the hash the key signs with, and its length in bits. */
interface HmacImportParams {
  name: 'HMAC';
  hash: HashAlgorithmIdentifier;
  length?: number;
}
type HmacKeyGenParams = HmacImportParams;

interface HmacKeyAlgorithm {
  name: 'HMAC';
  hash: { name: HashAlgorithmName };
  length: number;
}

/** What an HMAC key may be used for. */
type KeyUsage = 'sign' | 'verify';

interface CryptoKey {
  readonly type: 'secret';
  readonly extractable: boolean;
  readonly algorithm: HmacKeyAlgorithm;
  readonly usages: KeyUsage[];
}

/** An HMAC key as a JSON Web Key (RFC 7517): kty "oct", the key in `k` (base64url). */
interface JsonWebKey {
  kty?: string;
  k?: string;
  alg?: string;
  ext?: boolean;
  key_ops?: string[];
  use?: string;
}

/** Every method does its work at once and returns a settled promise; errors reject. */
interface SubtleCrypto {
  digest(algorithm: HashAlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer>;
  importKey(
    format: 'raw',
    keyData: BufferSource,
    algorithm: HmacImportParams,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKey>;
  importKey(
    format: 'jwk',
    keyData: JsonWebKey,
    algorithm: HmacImportParams,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKey>;
  exportKey(format: 'raw', key: CryptoKey): Promise<ArrayBuffer>;
  exportKey(format: 'jwk', key: CryptoKey): Promise<JsonWebKey>;
  generateKey(
    algorithm: HmacKeyGenParams,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKey>;
  sign(algorithm: HmacAlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  /** Compares in constant time: use it rather than comparing signatures yourself. */
  verify(
    algorithm: HmacAlgorithmIdentifier,
    key: CryptoKey,
    signature: BufferSource,
    data: BufferSource,
  ): Promise<boolean>;
}

/** The integer typed arrays getRandomValues fills (at most 65,536 bytes at a time). */
type RandomValuesArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface Crypto {
  readonly subtle: SubtleCrypto;
  /** Fills `array` from the operating system's CSPRNG and returns it. */
  getRandomValues<T extends RandomValuesArray>(array: T): T;
  /** A random (version 4) UUID, lowercase: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}

declare var crypto: Crypto;
