// Which WebAssembly functions V8 recompiles with its optimising compiler
// (TurboFan) while a fresh engine starts and reads its first page, and what
// each recompile costs a compile thread:
//
//   ./build-wasm.sh --names && node bench/wasm_tierup.mjs [--runs N] [--top K]
//
// Why it matters (core/out_of_line.h): a fresh instance runs in V8's baseline
// tier (Liftoff); a function whose own loops run long enough is recompiled
// with TurboFan on other threads, and a running call never switches to the
// new code. On a 2-core machine those compiles take the CPU the first page
// is waiting for, so a function that runs once per engine or page and gets
// recompiled is pure cost there.
//
// Each run is a new Node process with --trace-wasm-compilation-times that
// creates an engine from build/wasm-names (FINEPRINT_WASM_BUILD_DIR to
// change it), analyses X's privacy policy as the extension does (its
// blocks), then idles 500 ms for compiles still running. The trace names
// functions by index; the names come from the .wasm's name section. Prints
// per phase (creating the engine, the first page, after it) the functions
// compiled with each tier and their compile time, then the --top K
// TurboFan compiles by mean time over the runs, with their body sizes.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), '..');
const USAGE = 'usage: node bench/wasm_tierup.mjs [--runs N] [--top K]';
const PHASES = ['creating the engine', 'the first page', 'after it'];

function parseArguments(args) {
  const options = { runs: 3, top: 25, child: false };
  for (let i = 0; i < args.length; i++) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (name === '--child') {
      options.child = true;
    } else if ((name === '--runs' || name === '--top') && /^[1-9][0-9]*$/.test(value ?? '')) {
      options[name.slice(2)] = Number(value);
      i++;
    } else {
      throw new Error(`${name} ${value ?? ''}: not understood\n${USAGE}`);
    }
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
const buildDir = process.env.FINEPRINT_WASM_BUILD_DIR
  ? path.resolve(process.env.FINEPRINT_WASM_BUILD_DIR)
  : path.join(repoRoot, 'build', 'wasm-names');

// The child: one fresh engine, its first page, with phase marks between the
// trace's lines (stdout, in order).
if (options.child) {
  const { createRawModule, flagshipBlocksJson, readFlagship } = await import('../tests/wasm/helpers.mjs');
  const blocksJson = flagshipBlocksJson(readFlagship());
  console.log('PHASE 0');
  const module = await createRawModule();
  const engine = new module.Engine('');
  if (engine.error() !== '') throw new Error(`the built-in rules do not load: ${engine.error()}`);
  console.log('PHASE 1');
  const page = engine.analyzePage(blocksJson);
  if (page.error() !== '') throw new Error(page.error());
  page.analysisJson(true);
  page.delete();
  console.log('PHASE 2');
  await new Promise((resolve) => setTimeout(resolve, 500));
  engine.delete();
  process.exit(0);
}

// Function index -> name, from the name section (custom section "name",
// subsection 1). Indices count imported functions first, as V8's do.
function functionNames(wasm) {
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  const text = (length) => new TextDecoder().decode(wasm.subarray(at, (at += length)));
  const names = new Map();
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const end = at + size;
    if (id === 0 && text(leb()) === 'name') {
      while (at < end) {
        const subsection = wasm[at++];
        const subsectionEnd = leb() + at;
        if (subsection === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            names.set(index, text(leb()));
          }
        }
        at = subsectionEnd;
      }
    }
    at = end;
  }
  return names;
}

const wasmFile = path.join(buildDir, 'fineprint_wasm.wasm');
if (!existsSync(wasmFile)) {
  console.error(`no ${wasmFile}: run ./build-wasm.sh --names first`);
  process.exit(1);
}
const names = functionNames(readFileSync(wasmFile));
if (names.size === 0) {
  console.error(`${wasmFile} has no function names: build it with ./build-wasm.sh --names`);
  process.exit(1);
}

// "Compiled function 0x...#440 using TurboFan, took 2 ms and ... bodysize
// 1915 codesize 3576 name wasm-function#440"
const COMPILED = /^Compiled function \S*#(\d+) using (\w+), took (\d+) ms.*bodysize (\d+)/;
const perPhase = PHASES.map(() => new Map());  // tier -> { functions, ms }
const turbofan = new Map();  // name -> { ms, runs, bodySize }
for (let run = 0; run < options.runs; run++) {
  const out = execFileSync(process.execPath, ['--trace-wasm-compilation-times', self, '--child'], {
    encoding: 'utf8',
    env: { ...process.env, FINEPRINT_WASM_BUILD_DIR: buildDir },
    maxBuffer: 64 << 20,
  });
  let phase = -1;
  let compiled = 0;
  for (const line of out.split('\n')) {
    const mark = /^PHASE (\d)$/.exec(line);
    if (mark) {
      phase = Number(mark[1]);
      continue;
    }
    const match = COMPILED.exec(line);
    if (!match || phase < 0) continue;
    compiled++;
    const [, index, tier, ms, bodySize] = match;
    const tiers = perPhase[phase];
    const entry = tiers.get(tier) ?? { functions: 0, ms: 0 };
    entry.functions++;
    entry.ms += Number(ms);
    tiers.set(tier, entry);
    if (tier === 'TurboFan') {
      const name = names.get(Number(index)) ?? `function #${index}`;
      const fn = turbofan.get(name) ?? { ms: 0, runs: 0, bodySize: Number(bodySize), phase };
      fn.ms += Number(ms);
      fn.runs++;
      turbofan.set(name, fn);
    }
  }
  if (compiled === 0) throw new Error('no "Compiled function" lines in the trace: has V8\'s trace format changed?');
}

const mean = (ms) => (ms / options.runs).toFixed(1);
console.log(`${path.relative(repoRoot, wasmFile)}, ${options.runs} fresh processes, X's privacy policy as the first page`);
console.log('per phase, mean per process: functions compiled, compile-thread ms');
PHASES.forEach((phase, k) => {
  const tiers = [...perPhase[k]].map(([tier, { functions, ms }]) => `${tier} ${mean(functions)} (${mean(ms)} ms)`);
  console.log(`  ${phase.padEnd(22)} ${tiers.join(', ') || '-'}`);
});
console.log(`TurboFan compiles, the ${options.top} costliest (mean ms per process; body bytes; phase the compile finished in):`);
for (const [name, { ms, bodySize, phase }] of [...turbofan].sort((a, b) => b[1].ms - a[1].ms).slice(0, options.top)) {
  console.log(`  ${mean(ms).padStart(6)} ms ${String(bodySize).padStart(6)} B  ${PHASES[phase].padEnd(20)} ${name.slice(0, 110)}`);
}
