#!/usr/bin/env node
// Builds the unpacked extensions from the single manifest.json:
//   dist/chromium/  background.service_worker (a module service worker)
//   dist/firefox/   background.scripts (a module event page) + gecko settings
// and a zip of each for its store, dist/fineprint-<target>-<version>.zip
// (manifest.json at the zip's root; the version is the manifest's); and,
// with --test, dist/chromium-test/ and dist/firefox-test/: the same plus
// access to http://127.0.0.1/*, for the end-to-end tests' local pages (see
// TARGETS). Never ship those: they are never zipped.
//
// Each build holds manifest.json, extension/* and the WASM engine in wasm/:
// the wrapper wasm/fineprint.js and build/wasm/fineprint_wasm.{js,wasm}
// (./build-wasm.sh makes them). No dependencies beyond Node itself.
//
//   node scripts/build-extension.mjs [--test]
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipDirectory } from './zip.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The part of the extension each browser gets as it is in the source tree.
const EXTENSION_DIRECTORIES = ['_locales', 'background', 'browser', 'content', 'options', 'popup', 'shared'];
const TEST_HOST_PERMISSIONS = ['http://127.0.0.1/*'];
// The builds people install, which get a zip for their store.
export const STORE_TARGETS = ['chromium', 'firefox'];

// Per-browser manifest differences. The source manifest holds the union;
// each target drops what its browser does not know (and would warn about).
const TARGETS = {
  chromium: (manifest) => {
    const { scripts, ...background } = manifest.background;
    const { browser_specific_settings, ...rest } = manifest;
    return { ...rest, background };
  },
  firefox: (manifest) => {
    const { service_worker, ...background } = manifest.background;
    const { minimum_chrome_version, ...rest } = manifest;
    return { ...rest, background };
  },
  // Host access to the test pages, in place of the activeTab grant that only
  // a real click on the toolbar button gives: the tests then send the same
  // message the popup's button sends.
  'chromium-test': (manifest) => withTestHostAccess(TARGETS.chromium(manifest)),
  // WebDriver BiDi cannot open extension pages, so the Firefox test build
  // also runs the content script on the test pages by itself.
  'firefox-test': (manifest) => {
    const firefox = withTestHostAccess(TARGETS.firefox(manifest));
    const [policyPages, ...others] = firefox.content_scripts;
    const matches = [...policyPages.matches, ...TEST_HOST_PERMISSIONS];
    return { ...firefox, content_scripts: [{ ...policyPages, matches }, ...others] };
  },
};

function withTestHostAccess(manifest) {
  return { ...manifest, host_permissions: [...(manifest.host_permissions ?? []), ...TEST_HOST_PERMISSIONS] };
}

// The engine from build/wasm, or from FINEPRINT_WASM_BUILD_DIR when set (a
// helper's own build); the WASM tests and benchmarks load the same one
// (tests/wasm/helpers.mjs imports it).
export const wasmBuildDir = process.env.FINEPRINT_WASM_BUILD_DIR
  ? path.resolve(process.env.FINEPRINT_WASM_BUILD_DIR)
  : path.join(repoRoot, 'build', 'wasm');
export const defaultEngineFiles = {
  wrapper: path.join(repoRoot, 'wasm', 'fineprint.js'),
  artifacts: [path.join(wasmBuildDir, 'fineprint_wasm.js'), path.join(wasmBuildDir, 'fineprint_wasm.wasm')],
};

async function exists(file) {
  return stat(file).then(() => true, () => false);
}

// Every file the manifest names must be in the build: a typo here would
// otherwise only show up as a browser refusing to load the extension.
async function checkManifestFiles(manifest, outDir) {
  const named = [
    manifest.background.service_worker,
    ...(manifest.background.scripts ?? []),
    manifest.action?.default_popup,
    ...manifest.content_scripts.flatMap((entry) => [...(entry.js ?? []), ...(entry.css ?? [])]),
  ].filter(Boolean);
  for (const file of named) {
    if (!(await exists(path.join(outDir, file)))) {
      throw new Error(`manifest names ${file}, which is not in ${path.relative(repoRoot, outDir)}`);
    }
  }
}

// Where builds go: dist/, or FINEPRINT_DIST_DIR when set (so that several
// test runs in one working tree do not overwrite each other's builds).
const defaultOutRoot = process.env.FINEPRINT_DIST_DIR ? path.resolve(process.env.FINEPRINT_DIST_DIR) : path.join(repoRoot, 'dist');

// Builds one target into <outRoot>/<target>/ and returns that directory.
export async function buildExtension(target, { engineFiles = defaultEngineFiles, outRoot = defaultOutRoot } = {}) {
  const transform = TARGETS[target];
  if (!transform) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
  const engineSources = [engineFiles.wrapper, ...engineFiles.artifacts];
  for (const file of engineSources) {
    if (!(await exists(file))) {
      throw new Error(`missing ${path.relative(repoRoot, file)}: build the WASM engine first (./build-wasm.sh)`);
    }
  }

  const manifest = transform(JSON.parse(await readFile(path.join(repoRoot, 'manifest.json'), 'utf8')));
  const outDir = path.join(outRoot, target);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'wasm'), { recursive: true });
  for (const directory of EXTENSION_DIRECTORIES) {
    await cp(path.join(repoRoot, 'extension', directory), path.join(outDir, directory), { recursive: true });
  }
  for (const file of engineSources) {
    await cp(file, path.join(outDir, 'wasm', path.basename(file)));
  }
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await checkManifestFiles(manifest, outDir);
  return outDir;
}

// Zips the build of a store target (built first by buildExtension) into
// <outRoot>/fineprint-<target>-<version>.zip, replacing any earlier zip of
// that target, and returns the zip's path.
export async function packageExtension(target, { outRoot = defaultOutRoot } = {}) {
  if (!STORE_TARGETS.includes(target)) {
    throw new Error(`only ${STORE_TARGETS.join(' and ')} are packaged for a store, not ${target}`);
  }
  const outDir = path.join(outRoot, target);
  const { version } = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8'));
  const prefix = `fineprint-${target}-`;
  for (const name of await readdir(outRoot)) {
    if (name.startsWith(prefix) && name.endsWith('.zip')) await rm(path.join(outRoot, name));
  }
  const zipPath = path.join(outRoot, `${prefix}${version}.zip`);
  await zipDirectory(outDir, zipPath);
  return zipPath;
}

async function main(argv) {
  const targets = [...STORE_TARGETS, ...(argv.includes('--test') ? ['chromium-test', 'firefox-test'] : [])];
  const show = (file) => path.relative(process.cwd(), file) || '.';
  for (const target of targets) {
    const outDir = await buildExtension(target);
    console.log(`build-extension: ${show(outDir)}`);
    if (STORE_TARGETS.includes(target)) console.log(`build-extension: ${show(await packageExtension(target))}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`build-extension: ${error.message}`);
    process.exit(1);
  });
}
