// DOMException (WebIDL section 2.8.1): the error the Web APIs throw. Its prototype inherits
// from Error.prototype; name, message and code are accessors on the prototype, as WebIDL
// lays out an interface, and each instance has a V8 stack like any error.
'use strict';
(function hearthDOMException(rt) {
  const {
    ObjectDefineProperty, ObjectSetPrototypeOf, ErrorPrototype, ErrorCaptureStackTrace,
    TypeErrorCtor, ObjectFreeze, ReflectConstruct,
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

  // An instance is a host object (made by native.domExceptionBase(): two internal fields
  // holding its name and message), so that structuredClone's serializer hands it to
  // isolate_pool/structured_clone_binding.cc, which clones it as a DOMException, as HTML
  // says ([Serializable]). Plain JavaScript objects would clone to {}.
  const HostBase = rt.native.domExceptionBase();

  // The brand and the fields JavaScript reads: private fields added to the host object by
  // returning it from a base constructor ("stamping").
  class Stamp {
    constructor(object) {
      return object;
    }
  }
  let isDOMException, nameOf, messageOf;
  // For structuredClone: completes a DOMException the deserializer made (native, with the
  // internal fields and the prototype already).
  const adoptDOMException = (object, name, message) => {
    new Fields(object, name, message);
  };
  class Fields extends Stamp {
    #name;
    #message;
    constructor(object, name, message) {
      super(object);
      this.#name = name;
      this.#message = message;
    }
    static {
      isDOMException = (value) => typeof value === 'object' && value !== null && #name in value;
      nameOf = (value) => value.#name;
      messageOf = (value) => value.#message;
    }
  }

  class DOMException {
    constructor(message = '', name = 'Error') {
      message = rt.toUSVString(message);
      name = rt.toUSVString(name);
      const self = ReflectConstruct(HostBase, [name, message], new.target);
      new Fields(self, name, message);
      ErrorCaptureStackTrace(self, DOMException);
      return self;
    }

    get name() {
      if (!isDOMException(this)) throw new TypeErrorCtor('Illegal invocation');
      return nameOf(this);
    }

    get message() {
      if (!isDOMException(this)) throw new TypeErrorCtor('Illegal invocation');
      return messageOf(this);
    }

    get code() {
      if (!isDOMException(this)) throw new TypeErrorCtor('Illegal invocation');
      return codes[nameOf(this)] ?? 0;
    }
  }
  ObjectSetPrototypeOf(DOMException.prototype, ErrorPrototype);
  rt.webidlClass(DOMException, 'DOMException');
  for (let i = 0; i < constants.length; i++) {
    const descriptor = { value: i + 1, enumerable: true };
    ObjectDefineProperty(DOMException, constants[i], descriptor);
    ObjectDefineProperty(DOMException.prototype, constants[i], descriptor);
  }
  return { DOMException, adoptDOMException };
})
