#!/usr/bin/env python3
"""Checks that every module under src/ includes only modules listed before it.

The order is the module table of docs/architecture.md; a module may include
its own headers and those of modules earlier in MODULES, never later ones.
Exit status 1 lists every violation as file:line.
"""
import os
import re
import sys

MODULES = ["base", "io", "types", "net", "log", "formats", "columnar", "state", "catalog",
           "sql", "exec", "connect", "auth", "kafka", "pgwire", "http", "server"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main() -> int:
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    violations = []
    checked = 0
    for module in sorted(os.listdir(root)):
        path = os.path.join(root, module)
        if not os.path.isdir(path):
            continue
        if module not in MODULES:
            violations.append(f"src/{module}: not a module of docs/architecture.md")
            continue
        rank = MODULES.index(module)
        for dirpath, _, files in os.walk(path):
            for f in files:
                if not f.endswith((".h", ".cc")):
                    continue
                fp = os.path.join(dirpath, f)
                with open(fp, encoding="utf-8") as fh:
                    for lineno, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        dep = m.group(1)
                        checked += 1
                        if dep not in MODULES:
                            violations.append(f"{os.path.relpath(fp, root)}:{lineno}: unknown module '{dep}'")
                        elif MODULES.index(dep) > rank:
                            violations.append(
                                f"{os.path.relpath(fp, root)}:{lineno}: {module} may not include {dep} "
                                f"(it comes later in the module order)")
    for v in violations:
        print("layering:", v)
    print(f"layering: {checked} includes checked, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
