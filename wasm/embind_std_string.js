// An Emscripten JS library (linked with --js-library, wasm/CMakeLists.txt)
// that replaces embind's std::string conversion with the browser's own UTF-8
// encoder and decoder. Emscripten 3.1.6's (src/embind/embind.js) walks every
// byte in JavaScript: a returned string is scanned for NULs and then again
// to decode it, an argument is measured and then encoded character by
// character. A freshly started service worker runs those loops in its
// interpreter, on the way to the page's first highlight.
//
// What crosses is unchanged for the strings the wrapper (wasm/fineprint.js)
// passes, which are well-formed, and the core only returns valid UTF-8. A
// lone surrogate in a string passed to the module directly now becomes
// U+FFFD, as TextEncoder makes it (embind folded it into the next
// character). Embedded NULs cross both ways, as before.
// Uint8Array arguments are copied with one set() instead of a loop.
// std::basic_string<unsigned char> (registered through the same function)
// keeps its one byte per character.
mergeInto(LibraryManager.library, {
  _embind_register_std_string__deps: ['$readLatin1String', '$registerType', '$simpleReadValueFromPointer',
    '$throwBindingError', 'malloc', 'free'],
  _embind_register_std_string: function(rawType, name) {
    name = readLatin1String(name);
    // As with Emscripten's default EMBIND_STD_STRING_IS_UTF8 (the build
    // never changes it): std::string is UTF-8, other 8-bit strings Latin-1.
    var isUtf8 = name === 'std::string';
    // ignoreBOM: a leading U+FEFF is text like any other, as UTF8ToString
    // keeps it.
    var decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    var encoder = new TextEncoder();

    // One byte per UTF-16 code unit (the non-UTF-8 string types).
    function latin1Bytes(value) {
      var bytes = new Uint8Array(value.length);
      for (var i = 0; i < value.length; ++i) {
        var charCode = value.charCodeAt(i);
        if (charCode > 255) throwBindingError('String has UTF-16 code units that do not fit in 8 bits');
        bytes[i] = charCode;
      }
      return bytes;
    }

    registerType(rawType, {
      name: name,
      'fromWireType': function(value) {
        var length = HEAPU32[value >> 2];
        var bytes = HEAPU8.subarray(value + 4, value + 4 + length);
        var str;
        if (isUtf8) {
          str = decoder.decode(bytes);
        } else {
          str = '';
          for (var i = 0; i < length; i += 8192) {
            str += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(length, i + 8192)));
          }
        }
        _free(value);
        return str;
      },
      'toWireType': function(destructors, value) {
        if (value instanceof ArrayBuffer) value = new Uint8Array(value);
        var isString = typeof value == 'string';
        if (!(isString || value instanceof Uint8Array || value instanceof Uint8ClampedArray || value instanceof Int8Array)) {
          throwBindingError('Cannot pass non-string to std::string');
        }
        var bytes = !isString ? value : isUtf8 ? encoder.encode(value) : latin1Bytes(value);
        var length = bytes.length;
        var ptr = _malloc(4 + length + 1);
        // HEAPU8 and HEAPU32 are read after _malloc, which may grow the heap
        // (and replace them).
        HEAPU32[ptr >> 2] = length;
        HEAPU8.set(bytes, ptr + 4);
        HEAPU8[ptr + 4 + length] = 0;
        if (destructors !== null) destructors.push(_free, ptr);
        return ptr;
      },
      'argPackAdvance': 8,
      'readValueFromPointer': simpleReadValueFromPointer,
      destructorFunction: function(ptr) { _free(ptr); },
    });
  },
});
