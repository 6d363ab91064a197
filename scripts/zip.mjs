// A reproducible zip of a directory, for the browser stores: with Node
// only (no `zip` on the machine needed). The same files give the same bytes:
// entries in sorted path order, one fixed timestamp, a fixed compression
// level, no directory entries and no platform-specific extra fields.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

// 1980-01-01 00:00, the earliest time a zip can hold: no build time leaks in.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
const FLAG_UTF8_NAMES = 0x0800;
const REGULAR_FILE_MODE = 0o100644;

// Every file below `root`, as '/'-separated paths relative to it, sorted by
// their UTF-16 code units (the same order on every platform).
async function listFiles(root, relative = '') {
  const files = [];
  for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, name)));
    else if (entry.isFile()) files.push(name);
    else throw new Error(`zip: ${name} is neither a file nor a directory`);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// The 26 bytes a file's local header and its central directory header
// share, from "version needed to extract" to the name's length.
function writeEntryFields(buffer, at, entry) {
  buffer.writeUInt16LE(VERSION_NEEDED, at);
  buffer.writeUInt16LE(FLAG_UTF8_NAMES, at + 2);
  buffer.writeUInt16LE(entry.method, at + 4);
  buffer.writeUInt16LE(DOS_TIME, at + 6);
  buffer.writeUInt16LE(DOS_DATE, at + 8);
  buffer.writeUInt32LE(entry.crc, at + 10);
  buffer.writeUInt32LE(entry.compressedSize, at + 14);
  buffer.writeUInt32LE(entry.size, at + 18);
  buffer.writeUInt16LE(entry.nameLength, at + 22);
}

// Writes every file under `sourceDir` into the zip file `zipPath`, paths
// relative to sourceDir (so sourceDir/manifest.json is manifest.json at the
// zip's root). Returns the entry names in the order written.
export async function zipDirectory(sourceDir, zipPath) {
  const names = await listFiles(sourceDir);
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const name of names) {
    const data = await readFile(path.join(sourceDir, ...name.split('/')));
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const nameBytes = Buffer.from(name, 'utf8');
    const entry = {
      method: stored ? METHOD_STORE : METHOD_DEFLATE,
      crc: crc32(data),
      compressedSize: body.length,
      size: data.length,
      nameLength: nameBytes.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, entry);
    // extra field length: 0
    chunks.push(local, nameBytes, body);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
    writeEntryFields(header, 6, entry);
    // extra length, comment length, disk number, internal attributes: 0
    header.writeUInt32LE((REGULAR_FILE_MODE << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, nameBytes);
    offset += local.length + nameBytes.length + body.length;
    if (offset > 0xffffffff || names.length > 0xffff) throw new Error('zip: too large for a zip without zip64');
  }
  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  // disk numbers: 0
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  // comment length: 0
  await writeFile(zipPath, Buffer.concat([...chunks, ...central, end]));
  return names;
}
