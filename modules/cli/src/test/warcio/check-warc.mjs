// Reads every WARC file of a directory, and its CDXJ index, with warcio.js (Webrecorder's reader; not the library
// that wrote them) and checks what a replay tool relies on:
//   - every record parses, its block digest and (response) payload digest recompute from the bytes read;
//   - every request names, in WARC-Concurrent-To, a response or revisit of the same file;
//   - every revisit refers to a response (WARC-Refers-To) read earlier, whose target and date it repeats;
//   - every CDXJ line's offset and length open a record of its url, of the type its mime says, whose payload
//     digest is the line's digest, and every response and revisit has exactly one CDXJ line.
// Prints one JSON object on stdout ({"files", "records": {type: count}, "captures": {url: [type, ...]}}) and
// exits 0, or prints one line saying what is wrong and exits 1 (2 for bad arguments).
//
//   node check-warc.mjs DIRECTORY
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { WARCParser } from "warcio";

const directory = process.argv[2];
if (!directory || !statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
  console.log("usage: node check-warc.mjs DIRECTORY");
  process.exit(2);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes) { // RFC 4648, as WARC digests are written
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += ALPHABET[(value << (5 - bits)) & 31];
  }
  return out;
}

function sha1(bytes) {
  return "sha1:" + base32(createHash("sha1").update(bytes).digest());
}

function fail(message) {
  console.log(message);
  process.exit(1);
}

function endOfHead(block) { // the index just after the CRLFCRLF that ends an HTTP message's head
  for (let i = 0; i + 3 < block.length; i++) {
    if (block[i] === 13 && block[i + 1] === 10 && block[i + 2] === 13 && block[i + 3] === 10) {
      return i + 4;
    }
  }
  return -1;
}

// Reads one record from a stream (the whole file, or from an offset); the block as bytes, HTTP not parsed.
async function readRecords(file, start, onRecord) {
  const parser = new WARCParser(createReadStream(file, { start }), { parseHttp: false });
  for await (const record of parser) {
    const block = await record.readFully(false);
    const stop = await onRecord(record, block, start + parser.offset, parser.recordLength);
    if (stop) {
      return;
    }
  }
}

const names = readdirSync(directory).sort();
const warcFiles = names.filter((name) => name.endsWith(".warc.gz"));
if (warcFiles.length === 0) {
  fail(`no .warc.gz file in ${directory}`);
}
const counts = {};
const captures = {};
const byId = new Map();
let checked = 0;
for (const name of warcFiles) {
  const file = join(directory, name);
  const ids = new Map(); // record id -> type, in this file
  const requests = [];
  const captureOffsets = new Map(); // offset -> {url, type, digest, length}
  let first = true;
  await readRecords(file, 0, (record, block, offset, length) => {
    const type = record.warcType;
    const where = `${name} at ${offset} (${type} ${record.warcTargetURI ?? ""})`;
    if (first && type !== "warcinfo") {
      fail(`${where}: the first record of a file is not a warcinfo record`);
    }
    first = false;
    if (record.warcHeader("WARC-Type") === undefined || record.warcHeaders.protocol !== "WARC/1.1") {
      fail(`${where}: not a WARC/1.1 record (${record.warcHeaders.protocol})`);
    }
    if (block.length !== record.warcContentLength) {
      fail(`${where}: read ${block.length} bytes of a block of Content-Length ${record.warcContentLength}`);
    }
    const blockDigest = record.warcBlockDigest;
    if (blockDigest && blockDigest !== sha1(block)) {
      fail(`${where}: WARC-Block-Digest ${blockDigest}, but the block's is ${sha1(block)}`);
    }
    counts[type] = (counts[type] ?? 0) + 1;
    const id = record.warcHeader("WARC-Record-ID");
    ids.set(id, type);
    if (type === "response" || type === "revisit") {
      const url = record.warcTargetURI;
      (captures[url] ??= []).push(type);
      let digest = record.warcPayloadDigest;
      if (type === "response") {
        const head = endOfHead(block);
        if (head < 0) {
          fail(`${where}: no end of the HTTP headers in the block`);
        }
        const payload = block.subarray(head);
        if (digest !== sha1(payload)) {
          fail(`${where}: WARC-Payload-Digest ${digest}, but the payload's is ${sha1(payload)}`);
        }
        byId.set(id, { url, date: record.warcDate, digest });
      } else {
        if (record.warcHeader("WARC-Profile") !== "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest") {
          fail(`${where}: the revisit's profile is ${record.warcHeader("WARC-Profile")}`);
        }
        const original = byId.get(record.warcHeader("WARC-Refers-To"));
        if (!original) {
          fail(`${where}: WARC-Refers-To ${record.warcHeader("WARC-Refers-To")} is no response read before it`);
        }
        if (original.digest !== digest || original.url !== record.warcRefersToTargetURI
            || original.date !== record.warcRefersToDate) {
          fail(`${where}: the revisit's digest, target or date is not its original's (${JSON.stringify(original)})`);
        }
      }
      captureOffsets.set(offset, { url, type, digest, length });
    } else if (type === "request") {
      requests.push({ where, to: record.warcConcurrentTo ?? [] });
    }
  });
  for (const request of requests) {
    if (!request.to.some((id) => ids.get(id) === "response" || ids.get(id) === "revisit")) {
      fail(`${request.where}: WARC-Concurrent-To ${JSON.stringify(request.to)} names no capture of the file`);
    }
  }

  const indexName = name.replace(/\.warc\.gz$/, ".cdxj");
  if (!names.includes(indexName)) {
    fail(`${name}: no index ${indexName} beside it`);
  }
  const lines = readFileSync(join(directory, indexName), "utf8").split("\n").filter((line) => line.length > 0);
  const indexed = new Set();
  for (const line of lines) {
    const match = /^(\S+) (\d{14}) (\{.*\})$/.exec(line);
    if (!match) {
      fail(`${indexName}: not a CDXJ line: ${line}`);
    }
    const fields = JSON.parse(match[3]);
    const offset = Number(fields.offset);
    const capture = captureOffsets.get(offset);
    if (!capture || fields.filename !== name || Number(fields.length) !== capture.length
        || fields.url !== capture.url || fields.digest !== capture.digest
        || (fields.mime === "warc/revisit") !== (capture.type === "revisit")) {
      fail(`${indexName}: the line ${line} does not match the record at ${offset}: ${JSON.stringify(capture)}`);
    }
    await readRecords(join(directory, name), offset, (record) => { // opened at the offset alone, as a replay tool does
      if (record.warcTargetURI !== fields.url) {
        fail(`${indexName}: at offset ${offset}, ${record.warcTargetURI} rather than ${fields.url}`);
      }
      return true;
    });
    indexed.add(offset);
    checked++;
  }
  if (indexed.size !== captureOffsets.size) {
    fail(`${indexName}: ${indexed.size} distinct offsets for ${captureOffsets.size} responses and revisits`);
  }
}
console.log(JSON.stringify({ files: warcFiles.length, records: counts, indexLines: checked, captures }));
