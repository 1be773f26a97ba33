#!/usr/bin/env python3
"""Checks the folder layering that docs/architecture.md declares.

Reads the table between the `layers:begin` and `layers:end` markers of docs/architecture.md (one row per src/ area:
the area, then the areas it may include, comma-separated, or "-"), then every `#include "hearth/<area>/..."` in
src/<area>/ and include/hearth/<area>/. Fails (exit 1, one line per problem) when:
- a file includes an area its own area may not include;
- an area exists in src/ or include/hearth/ without a row, or a row names an area that does not exist;
- the declared edges themselves form a cycle (the table must describe layers);
- a source file is longer than the limit the document states (`size-limit: N`), unless the document lists it
  as an exception (`size-exception: PATH`).

`--self-test` runs the checks on small trees made in a temporary folder (a clean one, a disallowed include, an
undeclared area, a declared cycle, an oversized file) and fails unless each is judged as it should be.
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"hearth/([a-z_0-9]+)/', re.M)
ROW = re.compile(r"^\|\s*`?([a-z_0-9]+)`?\s*\|\s*([^|]*)\|")


def read_declaration(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    m = re.search(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", text, re.S)
    if not m:
        raise SystemExit(f"{doc_path}: no <!-- layers:begin --> ... <!-- layers:end --> table")
    allowed = {}
    for line in m.group(1).splitlines():
        r = ROW.match(line.strip())
        if not r or r.group(1) in ("area",):
            continue
        deps = r.group(2).replace("`", "").strip()
        allowed[r.group(1)] = set() if deps in ("-", "") else {d.strip() for d in deps.split(",") if d.strip()}
    limit = re.search(r"size-limit:\s*(\d+)", text)
    exceptions = set(re.findall(r"size-exception:\s*`?([^\s`]+)`?", text))
    return allowed, (int(limit.group(1)) if limit else None), exceptions


def source_files(root):
    for top in ("src", os.path.join("include", "hearth")):
        base = os.path.join(root, top)
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith((".cpp", ".hpp", ".h", ".cc")):
                    path = os.path.join(dirpath, f)
                    parts = os.path.relpath(path, base).split(os.sep)
                    yield path, (parts[0] if len(parts) > 1 else None)


def find_cycle(graph):
    """One cycle of the graph as a list of nodes, or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                c = visit(w)
                if c:
                    return c
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            c = visit(v)
            if c:
                return c
    return None


def check(root):
    allowed, limit, exceptions = read_declaration(os.path.join(root, "docs", "architecture.md"))
    problems, areas = [], set()
    for path, area in source_files(root):
        rel = os.path.relpath(path, root)
        text = open(path, encoding="utf-8", errors="replace").read()
        if area is not None:
            areas.add(area)
            for used in INCLUDE.findall(text):
                if used != area and area in allowed and used not in allowed[area]:
                    problems.append(f"{rel}: area '{area}' may not include '{used}' (docs/architecture.md)")
        if limit and rel.startswith("src" + os.sep) and rel not in exceptions:
            lines = text.count("\n")
            if lines > limit:
                problems.append(f"{rel}: {lines} lines, over the {limit}-line limit (docs/architecture.md)")
    for a in sorted(areas - set(allowed)):
        problems.append(f"area '{a}' has no row in docs/architecture.md's layer table")
    for a in sorted(set(allowed) - areas):
        problems.append(f"docs/architecture.md declares area '{a}', which has no folder")
    for a, deps in sorted(allowed.items()):
        for d in sorted(deps - set(allowed)):
            problems.append(f"docs/architecture.md: '{a}' may include '{d}', which is not an area")
    cycle = find_cycle(allowed)
    if cycle:
        problems.append("docs/architecture.md declares a cycle: " + " -> ".join(cycle))
    return problems


def self_test():
    def tree(files):
        d = tempfile.mkdtemp(prefix="check-layers-")
        for rel, text in files.items():
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write(text)
        return d

    doc = ("<!-- layers:begin -->\n| area | may include |\n|---|---|\n| util | - |\n| net | util |\n"
           "| app | net, util |\n<!-- layers:end -->\nsize-limit: 5\nsize-exception: `src/util/table.cpp`\n")
    clean = {
        "docs/architecture.md": doc,
        "src/util/a.cpp": '#include "hearth/util/a.hpp"\n',
        "src/util/table.cpp": "x\n" * 9,
        "include/hearth/util/a.hpp": "#pragma once\n",
        "src/net/n.cpp": '#include "hearth/util/a.hpp"\n',
        "src/app/app.cpp": '#include "hearth/net/n.hpp"\n#include "hearth/util/a.hpp"\n',
    }
    cases = [
        ("clean tree", clean, []),
        ("upward include", {**clean, "src/net/m.cpp": '#include "hearth/app/app.hpp"\n'},
         ["src/net/m.cpp: area 'net' may not include 'app'"]),
        ("upward include from a header", {**clean, "include/hearth/util/b.hpp": ' # include "hearth/net/n.hpp"\n'},
         ["include/hearth/util/b.hpp: area 'util' may not include 'net'"]),
        ("undeclared area", {**clean, "src/serve/s.cpp": "\n"}, ["area 'serve' has no row"]),
        ("declared cycle", {**clean, "docs/architecture.md": doc.replace("| util | - |", "| util | app |")},
         ["declares a cycle: app -> net -> util -> app"]),
        ("oversized file", {**clean, "src/net/big.cpp": "y\n" * 6}, ["src/net/big.cpp: 6 lines, over the 5-line"]),
    ]
    failed = 0
    for name, files, expected in cases:
        got = check(tree(files))
        ok = len(got) == len(expected) and all(any(e in g for g in got) for e in expected)
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": expected {expected}, got {got}"))
        failed += not ok
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} problem(s)")
        return 1
    print("layering: the include graph between src/ areas follows docs/architecture.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
