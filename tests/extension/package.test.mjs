// The store packages (scripts/build-extension.mjs, scripts/zip.mjs): built
// into a temporary folder, each zip holds exactly its build, manifest.json at
// the root and the WASM engine included, byte for byte the same on every
// run; and web-ext lint finds nothing to complain about in the Firefox build.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { buildExtension, packageExtension, repoRoot, STORE_TARGETS } from '../../scripts/build-extension.mjs';
import { wasmBuildDir } from '../wasm/helpers.mjs';

const engineFiles = {
  wrapper: path.join(repoRoot, 'wasm', 'fineprint.js'),
  artifacts: [path.join(wasmBuildDir, 'fineprint_wasm.js'), path.join(wasmBuildDir, 'fineprint_wasm.wasm')],
};
const ENGINE_ENTRIES = ['wasm/fineprint.js', 'wasm/fineprint_wasm.js', 'wasm/fineprint_wasm.wasm'];

// The entries of a zip, read from its central directory: {name: contents},
// and every entry's modification time as its DOS time and date fields.
function readZip(bytes) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'no end of central directory record');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map();
  const stamps = new Set();
  for (let i = 0; i < count; ++i) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, `central header ${i}`);
    const method = bytes.readUInt16LE(at + 10);
    stamps.add(`${bytes.readUInt16LE(at + 12)} ${bytes.readUInt16LE(at + 14)}`);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.equal(bytes.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    assert.ok(method === 0 || method === 8, `${name}: method ${method}`);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return { entries, stamps };
}

async function filesUnder(root, relative = '') {
  const files = [];
  for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    files.push(...(entry.isDirectory() ? await filesUnder(root, name) : [name]));
  }
  return files;
}

describe('store packages', () => {
  let outRoot;
  const zips = {};

  before(async () => {
    outRoot = await mkdtemp(path.join(os.tmpdir(), 'fineprint-package-'));
    for (const target of STORE_TARGETS) {
      await buildExtension(target, { engineFiles, outRoot });
      zips[target] = await packageExtension(target, { outRoot });
    }
  });
  after(async () => {
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  for (const target of STORE_TARGETS) {
    test(`${target}: the zip holds exactly the build, manifest.json at its root`, async () => {
      const buildDir = path.join(outRoot, target);
      const { version } = JSON.parse(await readFile(path.join(buildDir, 'manifest.json'), 'utf8'));
      assert.equal(zips[target], path.join(outRoot, `fineprint-${target}-${version}.zip`));
      const { entries, stamps } = readZip(await readFile(zips[target]));
      // No build time leaks in (two runs within the same two seconds would
      // not show it): every entry says 1980-01-01 00:00.
      assert.deepEqual([...stamps], [`0 ${(0 << 9) | (1 << 5) | 1}`]);
      const names = [...entries.keys()];
      assert.deepEqual(names, [...names].sort(), 'entries in sorted order');
      assert.deepEqual(new Set(names), new Set(await filesUnder(buildDir)));
      for (const name of ['manifest.json', ...ENGINE_ENTRIES]) assert.ok(entries.has(name), `${name} in the zip`);
      for (const [name, contents] of entries) {
        assert.ok(contents.equals(await readFile(path.join(buildDir, name))), `${name} unchanged`);
      }
      assert.equal(JSON.parse(entries.get('manifest.json').toString('utf8')).version, version);
    });
  }

  test('packaging the same build again gives the same bytes', async () => {
    const first = await readFile(zips.firefox);
    await packageExtension('firefox', { outRoot });
    assert.ok(first.equals(await readFile(zips.firefox)));
    const zipsLeft = (await readdir(outRoot)).filter((name) => name.endsWith('.zip'));
    assert.deepEqual(zipsLeft.sort(), STORE_TARGETS.map((target) => path.basename(zips[target])).sort());
  });

  test('test builds are never packaged', async () => {
    await assert.rejects(packageExtension('firefox-test', { outRoot }), /only chromium and firefox/);
  });

  test('web-ext lint: no errors or warnings for the Firefox build', async () => {
    const webExt = path.join(repoRoot, 'node_modules', 'web-ext', 'bin', 'web-ext.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [webExt, 'lint', '--source-dir', path.join(outRoot, 'firefox'), '--output', 'json', '--no-config-discovery'],
      { maxBuffer: 16 << 20 },
    ).catch((error) => error); // exits non-zero when it finds errors; the report says which
    const report = JSON.parse(stdout);
    const messages = [...report.errors, ...report.warnings].map(
      (m) => `${m._type} ${m.code} ${m.file ?? ''}:${m.line ?? ''} ${m.message}`,
    );
    assert.deepEqual([report.summary.errors, report.summary.warnings], [0, 0], messages.join('\n'));
  });
});
