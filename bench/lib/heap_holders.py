#!/usr/bin/env python3
"""What keeps a JVM's large byte arrays alive: reads a heap dump (HPROF, as `jcmd PID GC.heap_dump FILE` writes it:
live objects only) and, for every byte[] of at least --min bytes, finds a shortest chain of references from a GC
root to it; arrays are grouped by the last --depth links of their chain (the holders nearest the array).

  jcmd PID GC.heap_dump /tmp/crawl.hprof
  bench/lib/heap_holders.py /tmp/crawl.hprof --min 16384 --depth 4 [--show 2]

Prints the byte arrays' total, then one line per group (MB, count, holder <- holder's holder ...), largest first;
--show N prints the whole root chain of N arrays of the largest group. Pure Python: a 100 MB dump takes ~15 s and
~2 GB of memory. No JDK tool answers this without a GUI (jhat is gone since JDK 9)."""
import argparse
import collections
import struct

SIZES = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}   # HPROF basic types; 2 (object) is the id size
# GC root records: the bytes after the object's id (None: one more id, the JNI global's reference id)
ROOT_SKIP = {0xFF: 0, 0x01: None, 0x02: 8, 0x03: 8, 0x04: 4, 0x05: 0, 0x06: 4, 0x07: 0, 0x08: 8}


class Heap:
    """The reference graph of a dump: who refers to whom, by which field, and the roots."""

    def __init__(self, path):
        with open(path, "rb") as handle:
            self.data = data = handle.read()
        p = data.index(b"\0") + 1
        self.idsz = struct.unpack_from(">I", data, p)[0]
        self.read_id = (lambda o: struct.unpack_from(">I", data, o)[0]) if self.idsz == 4 \
            else (lambda o: struct.unpack_from(">Q", data, o)[0])
        self.sizes = {**SIZES, 2: self.idsz}
        self.strings, self.class_names, self.classes = {}, {}, {}
        self.objects = {}          # id -> (class id or 'byte[]'/'array', offset of fields or -1, length)
        self.referrers = collections.defaultdict(list)
        self.roots = {}
        self.byte_arrays = []
        p += 12
        while p < len(data):
            tag, length = data[p], struct.unpack_from(">I", data, p + 5)[0]
            body, p = p + 9, p + 9 + length
            if tag == 0x01:
                self.strings[self.read_id(body)] = data[body + self.idsz:p].decode("utf-8", "replace")
            elif tag == 0x02:
                self.class_names[self.read_id(body + 4)] = self.read_id(body + 8 + self.idsz)
            elif tag in (0x0C, 0x1C):
                self._segment(body, p)
        self._instance_fields()

    def _segment(self, q, end):
        data, rid, idsz = self.data, self.read_id, self.idsz
        while q < end:
            sub = data[q]
            q += 1
            if sub in ROOT_SKIP:
                self.roots[rid(q)] = sub
                q += idsz + (idsz if ROOT_SKIP[sub] is None else ROOT_SKIP[sub])
            elif sub == 0x20:     # class: constants, statics (their references count), instance field layout
                cid, sup = rid(q), rid(q + 4 + idsz)
                q += 7 * idsz + 8
                constants = struct.unpack_from(">H", data, q)[0]
                q += 2
                for _ in range(constants):
                    q += 3 + self.sizes[data[q + 2]]
                statics = struct.unpack_from(">H", data, q)[0]
                q += 2
                for _ in range(statics):
                    name, kind = rid(q), data[q + idsz]
                    q += idsz + 1
                    if kind == 2 and rid(q):
                        self.referrers[rid(q)].append((cid, "static " + self.strings.get(name, "?")))
                    q += self.sizes[kind]
                count = struct.unpack_from(">H", data, q)[0]
                q += 2
                fields = []
                for _ in range(count):
                    fields.append((rid(q), data[q + idsz]))
                    q += idsz + 1
                self.classes[cid] = (sup, fields)
            elif sub == 0x21:     # instance: its field bytes are read once every class is known
                oid, cid = rid(q), rid(q + 4 + idsz)
                length = struct.unpack_from(">I", data, q + 4 + 2 * idsz)[0]
                q += 8 + 2 * idsz
                self.objects[oid] = (cid, q, length)
                q += length
            elif sub == 0x22:     # object array
                oid, n, acid = rid(q), struct.unpack_from(">I", data, q + 4 + idsz)[0], rid(q + 8 + idsz)
                q += 8 + 2 * idsz
                self.objects[oid] = (acid, -1, n)
                for i in range(n):
                    ref = rid(q + i * idsz)
                    if ref:
                        self.referrers[ref].append((oid, "[%d]" % i))
                q += n * idsz
            elif sub == 0x23:     # primitive array
                oid, n, kind = rid(q), struct.unpack_from(">I", data, q + 4 + idsz)[0], data[q + 8 + idsz]
                q += 9 + idsz
                self.objects[oid] = ("byte[]" if kind == 8 else "array", -1, n)
                if kind == 8:
                    self.byte_arrays.append((oid, n))
                q += n * self.sizes[kind]
            else:
                raise SystemExit(f"heap_holders: unknown heap dump record 0x{sub:x} at byte {q - 1}")

    def _instance_fields(self):
        for oid, (cid, offset, _) in self.objects.items():
            if offset < 0 or isinstance(cid, str):
                continue
            q, klass = offset, cid
            while klass in self.classes:
                sup, fields = self.classes[klass]
                for name, kind in fields:
                    if kind == 2 and self.read_id(q):
                        self.referrers[self.read_id(q)].append((oid, self.strings.get(name, "?")))
                    q += self.sizes[kind]
                klass = sup

    def describe(self, oid):
        if oid in self.classes:
            return "class " + self._name(oid)
        entry = self.objects.get(oid)
        return self._name(entry[0]) if entry else "?"

    def _name(self, cid):
        if isinstance(cid, str):
            return cid
        return self.strings.get(self.class_names.get(cid), "?").replace("/", ".")

    def root_chain(self, oid, limit=500_000):
        """[(object, its field that refers to the next)] from a root down to the array (None for the array itself):
        a shortest chain, found breadth first over the referrers."""
        came_from = {oid: None}   # holder -> (the object it refers to, by which field)
        queue = collections.deque([oid])
        while queue and len(came_from) < limit:
            current = queue.popleft()
            if current in self.roots or current in self.classes:
                chain = []
                while came_from[current] is not None:
                    child, field = came_from[current]
                    chain.append((current, field))
                    current = child
                return chain + [(oid, None)]
            for holder, field in self.referrers.get(current, ()):
                if holder not in came_from:
                    came_from[holder] = (current, field)
                    queue.append(holder)
        return [(oid, None)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--min", type=int, default=16384, help="smallest byte[] looked at (default 16384)")
    parser.add_argument("--depth", type=int, default=4, help="holders per group line (default 4)")
    parser.add_argument("--groups", type=int, default=15, help="group lines printed (default 15)")
    parser.add_argument("--show", type=int, default=0, help="whole chains printed for the largest group")
    args = parser.parse_args()
    heap = Heap(args.dump)
    big = [(oid, n) for oid, n in heap.byte_arrays if n >= args.min]
    print("byte[]: %.1f MB in %d arrays; %.1f MB in the %d of >= %d bytes" % (
        sum(n for _, n in heap.byte_arrays) / 1e6, len(heap.byte_arrays), sum(n for _, n in big) / 1e6,
        len(big), args.min))
    groups = collections.defaultdict(lambda: [0, 0, []])
    for oid, n in big:
        chain = heap.root_chain(oid)
        # chain runs root ... array; the holders nearest the array are the last links before it
        near = [f"{heap.describe(o).rsplit('.', 1)[-1]}.{f}" for o, f in chain[:-1]][::-1][:args.depth]
        group = groups[tuple(near) or ("<a root itself>",)]
        group[0] += 1
        group[1] += n
        group[2].append(chain)
    ordered = sorted(groups.items(), key=lambda kv: -kv[1][1])
    for key, (count, total, _) in ordered[:args.groups]:
        print("%7.2f MB %5d  %s" % (total / 1e6, count, " <- ".join(key)))
    if args.show and ordered:
        for chain in ordered[0][1][2][:args.show]:
            print("\n" + "\n".join(f"  {heap.describe(o)}{'.' + f if f else ''}"
                                  + (" (GC root)" if o in heap.roots else "") for o, f in chain))


if __name__ == "__main__":
    main()
