// TextEncoderStream and TextDecoderStream (Encoding Standard, sections 7.3 and 7.5): a
// TransformStream (modules/streams.js) whose steps are TextEncoder's and TextDecoder's.
'use strict';
(function hearthEncodingStreams(rt) {
  const {
    TypeErrorCtor, ObjectCreate, StringPrototypeCharCodeAt, StringPrototypeSlice, Uint8ArrayCtor,
  } = rt.primordials;
  const { toDictionary, member, webidlClass, utf8Encode, TextDecoder, TextDecoderPrototypeDecode } =
    rt;
  const streams = rt.require('streams');

  const kStreamOption = ObjectCreate(null);
  kStreamOption.stream = true;

  class TextEncoderStream {
    #transform;

    constructor() {
      // A lead surrogate at the end of a chunk waits for the next chunk's first code unit.
      let pendingLead = '';
      this.#transform = streams.newTransform((chunk, enqueue) => {
        let input = pendingLead + `${chunk}`;
        pendingLead = '';
        const last = input.length > 0 ? StringPrototypeCharCodeAt(input, input.length - 1) : 0;
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingLead = StringPrototypeSlice(input, input.length - 1);
          input = StringPrototypeSlice(input, 0, input.length - 1);
        }
        if (input.length > 0) enqueue(utf8Encode(input)); // lone surrogates become U+FFFD
      }, (enqueue) => {
        if (pendingLead === '') return;
        const replacement = new Uint8ArrayCtor(3); // U+FFFD
        replacement[0] = 0xef;
        replacement[1] = 0xbf;
        replacement[2] = 0xbd;
        enqueue(replacement);
      });
    }

    get encoding() {
      this.#transform; // brand check
      return 'utf-8';
    }

    get readable() {
      return streams.transformReadable(this.#transform);
    }

    get writable() {
      return streams.transformWritable(this.#transform);
    }
  }
  webidlClass(TextEncoderStream, 'TextEncoderStream');

  class TextDecoderStream {
    #transform;
    #fatal;
    #ignoreBOM;

    constructor(label = 'utf-8', options = undefined) {
      // WebIDL's order: the label converted, then the options read; then the label checked
      // (by TextDecoder's constructor, which throws the RangeError).
      const labelString = `${label}`;
      const dictionary = toDictionary(options, 'TextDecoderOptions');
      const fatal = !!member(dictionary, 'fatal');
      const ignoreBOM = !!member(dictionary, 'ignoreBOM');
      const decoder = new TextDecoder(labelString, { __proto__: null, fatal, ignoreBOM });
      this.#fatal = fatal;
      this.#ignoreBOM = ignoreBOM;
      this.#transform = streams.newTransform((chunk, enqueue) => {
        if (rt.bufferSourceBytes(chunk) === null) {
          throw new TypeErrorCtor('TextDecoderStream: a chunk must be an ArrayBuffer or an ' +
            'ArrayBufferView');
        }
        const text = TextDecoderPrototypeDecode(decoder, chunk, kStreamOption);
        if (text !== '') enqueue(text);
      }, (enqueue) => {
        const text = TextDecoderPrototypeDecode(decoder, new Uint8ArrayCtor(0));
        if (text !== '') enqueue(text);
      });
    }

    get encoding() {
      this.#transform; // brand check
      return 'utf-8';
    }

    get fatal() {
      return this.#fatal;
    }

    get ignoreBOM() {
      return this.#ignoreBOM;
    }

    get readable() {
      return streams.transformReadable(this.#transform);
    }

    get writable() {
      return streams.transformWritable(this.#transform);
    }
  }
  webidlClass(TextDecoderStream, 'TextDecoderStream');

  return { TextEncoderStream, TextDecoderStream };
})
