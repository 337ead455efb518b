#!/usr/bin/env python3
"""What each crate adds to the wasm: reads a wasm module that still has its `name` section
(cargo's release output, or wasm-opt's with -g) and attributes every function body of the
code section to a crate by its (demangled) name, plus the data section as one row. No tool
beyond python3's standard library, so `make size` needs nothing installed.

A function is charged to the first workspace crate (podlab_*) its name mentions, else to the
crate its path starts with: `<podlab_api::core::Pod as serde::Deserialize>::deserialize` and
`core::ptr::drop_in_place<podlab_sim::Store>` are what podlab_api and podlab_sim cost, even
though the code comes from serde's and core's generics. The gzip column compresses each
crate's bodies on their own: it over-counts against the whole module a little, but ranks the
crates as the shipped file pays for them.

usage: size-breakdown.py MODULE.wasm [TOP_FUNCTIONS] [SHIPPED_GZIP_BYTES]
With SHIPPED_GZIP_BYTES (the gzip size of the wasm actually shipped, after wasm-opt), each
crate's share of the compressed code is also shown as an estimate of its shipped cost.
"""
import re
import sys
import zlib

ESCAPES = {
    "$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$LP$": "(", "$RP$": ")",
    "$C$": ",", "$SP$": "@", "$u20$": " ", "$u27$": "'", "$u5b$": "[", "$u5d$": "]",
    "$u7b$": "{", "$u7d$": "}", "$u7e$": "~", "$u3b$": ";", "$u2b$": "+", "$u22$": '"',
}
HASH = re.compile(r"^h[0-9a-f]{16}$")
WORKSPACE = re.compile(r"\b(podlab_[a-z_]+)::")
WORKSPACE_MODULE = re.compile(r"\b(podlab_[a-z_]+::[a-z_][a-z0-9_]*)")
FIRST_PATH = re.compile(r"\b([a-z_][a-z0-9_]*)::")
# v0 mangling (how the precompiled std is named): the first crate root, `Cs<hash>_<len><name>`.
V0_CRATE = re.compile(r"C[sh]?[0-9A-Za-z]*_(\d+)([A-Za-z_][A-Za-z0-9_]*)")


# Why the big rows cost what they do (from reading their biggest functions; kept next to the
# table so the report explains itself). A row not named here prints without a reason.
REASONS = {
    "podlab_api": "serde Serialize/Deserialize derived for every object type (PodSpec's are among "
    "the biggest functions), Object::to_json, strict decoding and the validation messages",
    "podlab_sim": "the whole cluster: API server pipeline, scheduler plugins, kubelet, "
    "controllers, events; bootstrap builds the initial objects from JSON literals",
    "serde_json": "Value (de)serialisers instantiated for each object type, the pretty printer "
    "behind -o json/yaml, float formatting",
    "alloc": "Vec/String/BTreeMap code instantiated for the workspace's own types",
    "core": "formatting (format!, Display/Debug impls, float printing) and slice/iterator code "
    "instantiated for the workspace's own types",
    "podlab_kubectl": "kubectl's grammar, commands and printers; commands::run is one large "
    "dispatch function (the help texts are in the data row)",
    "podlab_runtime": "the sh interpreter, its applets and the image programs (nginx, redis, ...)",
    "serde_core": "generic serde visitors and error paths",
    "tachys": "Leptos' view code, one instantiation per view tuple shape",
    "serde_path_to_error": "field paths for strict-decoding errors, wrapped around every "
    "visitor",
    "podlab_web": "the UI components and the browser-side state",
    "data": "string constants, the lessons bundle (JSON rendered at build time) and "
    "kubectl's help texts",
}


def leb(data, i):
    """Unsigned LEB128 at i: (value, next index)."""
    result, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def demangle(name):
    """Rust's legacy mangling (_ZN<len><ident>...E) to a readable path; others unchanged."""
    if not name.startswith("_ZN"):
        return name
    i, parts = 3, []
    while i < len(name) and name[i].isdigit():
        j = i
        while j < len(name) and name[j].isdigit():
            j += 1
        n = int(name[i:j])
        parts.append(name[j:j + n])
        i = j + n
    if parts and HASH.match(parts[-1]):
        parts.pop()
    out = []
    for p in parts:
        if p.startswith("_$"):
            p = p[1:]
        for k, v in ESCAPES.items():
            p = p.replace(k, v)
        out.append(p.replace("..", "::"))
    return "::".join(out)


def crate_of(name):
    m = WORKSPACE.search(name)
    if m:
        return m.group(1)
    if name.startswith("_R"):
        m = V0_CRATE.search(name)
        return m.group(2)[: int(m.group(1))] if m else "?"
    m = FIRST_PATH.search(name)
    if m:
        return m.group(1)
    # Glue wasm-bindgen and the linker add (imports' shims, allocator entry points).
    return "(bindings and runtime glue)"


def read_module(data):
    """Returns (function names by index, [(index, body bytes)], the data section's bytes)."""
    if data[:4] != b"\0asm":
        sys.exit("size-breakdown: not a wasm module")
    i, imported, names, bodies, data_bytes = 8, 0, {}, [], b""
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        end = i + size
        if sid == 2:  # imports: imported functions take the first function indices
            count, j = leb(data, i)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    imported += 1
                    _, j = leb(data, j)
                elif kind == 1:
                    j += 1
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 2:
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
                else:
                    _, j = leb(data, j + 1)
        elif sid == 10:
            count, j = leb(data, i)
            for k in range(count):
                n, j = leb(data, j)
                bodies.append((imported + k, data[j:j + n]))
                j += n
        elif sid == 11:
            data_bytes = data[i:end]
        elif sid == 0:
            n, j = leb(data, i)
            if data[j:j + n] == b"name":
                j += n
                while j < end:
                    sub = data[j]
                    sl, j = leb(data, j + 1)
                    if sub == 1:
                        count, m = leb(data, j)
                        for _ in range(count):
                            idx, m = leb(data, m)
                            ln, m = leb(data, m)
                            names[idx] = data[m:m + ln].decode("utf-8", "replace")
                            m += ln
                    j += sl
        i = end
    return names, bodies, data_bytes


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    shipped_gz = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    names, bodies, data_bytes = read_module(open(sys.argv[1], "rb").read())
    if not names:
        sys.exit("size-breakdown: no name section (build without wasm-opt stripping, or with -g)")
    crates, functions, modules = {}, [], {}
    for idx, body in bodies:
        name = demangle(names.get(idx, f"func[{idx}]"))
        m = WORKSPACE_MODULE.search(name)
        if m:
            modules[m.group(1)] = modules.get(m.group(1), 0) + len(body)
        c = crates.setdefault(crate_of(name), [0, 0, []])
        c[0] += 1
        c[1] += len(body)
        c[2].append(body)
        functions.append((len(body), name))
    code_total = sum(c[1] for c in crates.values()) or 1
    rows = sorted(crates.items(), key=lambda kv: -kv[1][1])
    gz = {crate: len(zlib.compress(b"".join(parts), 9)) for crate, (_, _, parts) in rows}
    data_gz = len(zlib.compress(data_bytes, 9))
    gz_total = sum(gz.values()) + data_gz or 1
    shipped = f"{'shipped KB':>10}" if shipped_gz else ""
    print(f"{'crate':<30} {'functions':>9} {'code bytes':>11} {'share':>6} {'gzip':>9} {shipped}")
    other = [0, 0, 0]
    for rank, (crate, (count, size, _)) in enumerate(rows):
        if rank >= 16:
            other = [other[0] + count, other[1] + size, other[2] + gz[crate]]
            continue
        est = f"{shipped_gz * gz[crate] / gz_total / 1024:>10.0f}" if shipped_gz else ""
        print(f"{crate:<30} {count:>9} {size:>11} {100 * size / code_total:>5.1f}% {gz[crate]:>9} {est}")
    est = f"{shipped_gz * other[2] / gz_total / 1024:>10.0f}" if shipped_gz else ""
    print(f"{'(' + str(len(rows) - 16) + ' more crates)':<30} {other[0]:>9} {other[1]:>11} {100 * other[1] / code_total:>5.1f}% {other[2]:>9} {est}")
    est = f"{shipped_gz * data_gz / gz_total / 1024:>10.0f}" if shipped_gz else ""
    print(f"{'data (strings, tables, lessons, help)':<40} {len(data_bytes):>11} {'':>6} {data_gz:>9} {est}")
    print("\nworkspace modules (code bytes, generics charged as above):")
    for module, size in sorted(modules.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{size:>9}  {module}")
    print("\nwhy the biggest rows cost what they do:")
    for crate, _ in rows[:10]:
        if crate in REASONS:
            print(f"  {crate}: {REASONS[crate]}")
    print(f"  data: {REASONS['data']}")
    print(f"\nbiggest functions (code bytes):")
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f"{size:>9}  {name[:150]}")


if __name__ == "__main__":
    main()
