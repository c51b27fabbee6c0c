// structuredClone(value, { transfer }) (HTML, "Structured serialization"): V8's
// ValueSerializer and ValueDeserializer, driven by isolate_pool/structured_clone_binding.cc,
// which also clones DOMException (a [Serializable] platform object), transfers ArrayBuffers
// and counts the serializer's buffer against the function's memory limit.
'use strict';
(function hearthStructuredClone(rt) {
  const { TypeErrorCtor, SymbolIterator } = rt.primordials;
  const { isObject, newList, append } = rt;
  const nativeClone = rt.native.structuredClone;

  function structuredClone(value, options = undefined) {
    if (arguments.length < 1) {
      throw new TypeErrorCtor("Failed to execute 'structuredClone': 1 argument required, but " +
        'only 0 present.');
    }
    // StructuredSerializeOptions: { sequence<object> transfer = [] }.
    let transfer = null;
    if (options !== undefined && options !== null) {
      if (!isObject(options)) {
        throw new TypeErrorCtor("Failed to execute 'structuredClone': The provided value is " +
          "not of type 'StructuredSerializeOptions'.");
      }
      const list = options.transfer;
      if (list !== undefined) {
        if (!isObject(list) || typeof list[SymbolIterator] !== 'function') {
          throw new TypeErrorCtor("Failed to execute 'structuredClone': The provided value " +
            'cannot be converted to a sequence.');
        }
        transfer = newList();
        for (const item of list) {
          if (!isObject(item)) {
            throw new TypeErrorCtor("Failed to execute 'structuredClone': Failed to convert " +
              "value to 'object'.");
          }
          append(transfer, item);
        }
      }
    }
    const { DOMException, adoptDOMException } = rt.require('domexception');
    return nativeClone(value, transfer, DOMException, adoptDOMException);
  }

  return { structuredClone };
})
