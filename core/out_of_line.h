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
// each took: `node --trace-wasm-compilation-times bench/wasm_bench.mjs
// --one-cold-start` (names: link with --profiling-funcs and read the name
// section). The loops that matter are the ones that run over thousands of
// items once per engine or page: reading the prepared automaton (about
// 10,000 states) and filter, and the segmenter's scan of every byte. Before
// their steps went out of line, V8 recompiled Classifier::Build (10 KB of
// code, 87 ms of a compile thread), Segmenter::Run (68 ms) and ReadFilter
// (29 ms) during a fresh engine's first page; in headless Chromium a cold X
// page painted about 50 ms sooner without them (bench/browser_bench.mjs).
#ifndef FINEPRINT_CORE_OUT_OF_LINE_H_
#define FINEPRINT_CORE_OUT_OF_LINE_H_

#define FINEPRINT_OUT_OF_LINE __attribute__((noinline))

#endif  // FINEPRINT_CORE_OUT_OF_LINE_H_
