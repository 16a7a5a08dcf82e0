// Reads a .vsix (a zip file) with node's zlib, so the packaging test needs no unzip tool.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** Extracts every file of a zip archive into `target`; returns the entry names. */
export function extractZip(zipPath: string, target: string): string[] {
  const zip = readFileSync(zipPath);
  // The end-of-central-directory record is in the last 64 KiB (after an optional comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let entry = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(entry) !== 0x02014b50) throw new Error(`${zipPath}: broken central directory`);
    const method = zip.readUInt16LE(entry + 10);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const extraLength = zip.readUInt16LE(entry + 30);
    const commentLength = zip.readUInt16LE(entry + 32);
    const localHeader = zip.readUInt32LE(entry + 42);
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    entry += 46 + nameLength + extraLength + commentLength;

    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    names.push(name);
    if (name.endsWith('/')) continue;
    const content = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
    if (!content) throw new Error(`${zipPath}: ${name} uses unsupported compression ${method}`);
    const out = join(target, name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, content);
  }
  return names;
}
