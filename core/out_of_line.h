// FINEPRINT_OUT_OF_LINE: keeps a function out of its callers, for the sake of
// the WebAssembly engine's first page in the extension.
//
// V8 first runs WebAssembly in its baseline tier, and recompiles a function
// with its optimising compiler, on background threads, once that function's
// own code has run long enough. A running call never switches to the new
// code. So a function called once per page (classifying a document, writing
// its JSON, loading the rule pack) whose per-item loop body was inlined into
// it grows large, runs long, and is recompiled for a call that only comes
// with the next page: on a 2-core machine that recompilation takes the CPU
// the first page is waiting for. With the loop body in a function of its
// own, the outer function stays small and cheap to recompile, and the
// per-item function, which is called again within the same page, is the one
// that gets optimised.
//
// What V8 optimised during a fresh engine's first analysis, and how long
// each took: `./build-wasm.sh --names && node bench/wasm_tierup.mjs`.
// The loops that matter run over thousands of items once per
// engine or page: reading the prepared automaton (about 11,000 states) and
// filter, the segmenter's scan of every byte. What moving such steps out of
// line gains shows in `node bench/browser_bench.mjs --only x` (a cold X
// page's median, against the previous build's WebAssembly through
// FINEPRINT_WASM_BUILD_DIR).
#ifndef FINEPRINT_CORE_OUT_OF_LINE_H_
#define FINEPRINT_CORE_OUT_OF_LINE_H_

#define FINEPRINT_OUT_OF_LINE __attribute__((noinline))

#endif  // FINEPRINT_CORE_OUT_OF_LINE_H_
