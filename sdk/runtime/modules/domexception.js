// DOMException (WebIDL section 2.8.1): the error the Web APIs throw. Its prototype inherits
// from Error.prototype; name, message and code are accessors on the prototype, as WebIDL
// lays out an interface, and each instance has a V8 stack like any error.
'use strict';
(function hearthDOMException(rt) {
  const {
    ObjectDefineProperty, ObjectSetPrototypeOf, ErrorPrototype, ErrorCaptureStackTrace,
    TypeErrorCtor, SymbolToStringTag, ObjectFreeze,
  } = rt.primordials;

  // The legacy code of each error name that has one (WebIDL's error names table).
  const codes = ObjectFreeze({
    __proto__: null,
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
    InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8,
    NotSupportedError: 9, InUseAttributeError: 10, InvalidStateError: 11, SyntaxError: 12,
    InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
    URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24,
    DataCloneError: 25,
  });
  const constants = [
    'INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR',
    'INVALID_CHARACTER_ERR', 'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR',
    'NOT_FOUND_ERR', 'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR', 'INVALID_STATE_ERR',
    'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR', 'NAMESPACE_ERR', 'INVALID_ACCESS_ERR',
    'VALIDATION_ERR', 'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR', 'ABORT_ERR',
    'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR', 'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR',
    'DATA_CLONE_ERR',
  ];

  class DOMException {
    #name;
    #message;

    constructor(message = '', name = 'Error') {
      this.#message = rt.toUSVString(message);
      this.#name = rt.toUSVString(name);
      ErrorCaptureStackTrace(this, DOMException);
    }

    get name() {
      if (!(#name in this)) throw new TypeErrorCtor('Illegal invocation');
      return this.#name;
    }

    get message() {
      if (!(#name in this)) throw new TypeErrorCtor('Illegal invocation');
      return this.#message;
    }

    get code() {
      if (!(#name in this)) throw new TypeErrorCtor('Illegal invocation');
      return codes[this.#name] ?? 0;
    }
  }
  ObjectSetPrototypeOf(DOMException.prototype, ErrorPrototype);
  rt.webidlClass(DOMException, 'DOMException');
  for (let i = 0; i < constants.length; i++) {
    const descriptor = { value: i + 1, enumerable: true };
    ObjectDefineProperty(DOMException, constants[i], descriptor);
    ObjectDefineProperty(DOMException.prototype, constants[i], descriptor);
  }
  return { DOMException };
})
