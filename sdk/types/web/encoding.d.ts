// Hearth globals: TextEncoder, TextDecoder, TextEncoderStream, TextDecoderStream (Encoding
// Standard), atob and btoa (HTML). Hearth's encoding is UTF-8 only, as WinterTC requires.

/** Bytes as Web APIs take them: an ArrayBuffer or any view of one. */
type BufferSource = ArrayBufferView | ArrayBuffer;
type AllowSharedBufferSource = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

interface TextEncoderEncodeIntoResult {
  read: number;
  written: number;
}

declare class TextEncoder {
  constructor();
  readonly encoding: 'utf-8';
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult;
}

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecodeOptions {
  stream?: boolean;
}

declare class TextDecoder {
  /** `label` must name UTF-8 ("utf-8", "utf8", "unicode-1-1-utf-8", ...): a RangeError otherwise. */
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string;
}

/** Strings in, UTF-8 bytes out: `stream.pipeThrough(new TextEncoderStream())`. */
declare class TextEncoderStream implements ReadableWritablePair<Uint8Array, string> {
  constructor();
  readonly encoding: 'utf-8';
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<string>;
}

/** UTF-8 bytes in, strings out: `body.pipeThrough(new TextDecoderStream())`. */
declare class TextDecoderStream implements ReadableWritablePair<string, BufferSource> {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  readonly readable: ReadableStream<string>;
  readonly writable: WritableStream<BufferSource>;
}

/** Decodes base64 into a "binary string" (one character per byte, U+0000 to U+00FF). */
declare function atob(data: string): string;
/**
 * Encodes a "binary string" as base64; a character above U+00FF throws. To encode text,
 * encode it to UTF-8 bytes first (TextEncoder) and map each byte to a character.
 */
declare function btoa(data: string): string;
