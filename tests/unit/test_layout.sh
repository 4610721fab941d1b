#!/bin/bash
# The library's layout (src/lib/README): a folder includes only the folders
# listed before it, and no include chain among the library's files comes
# back to where it started.  TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
python3 - "$top" <<'PY'
import os, re, sys
top = sys.argv[1]
order = ['base', 'config', 'state', 'cgroup', 'process', 'fs', 'container']
rank = {g: i for i, g in enumerate(order)}
inc = re.compile(r'#include "([a-z]+)/([a-z_0-9]+)\.h"')
deps, upward, n = {}, [], 0
present = sorted(d for d in os.listdir(f'{top}/src/lib') if os.path.isdir(f'{top}/src/lib/{d}') and not d.startswith('.'))
for base in ('src/lib', 'include'):
    for g in order:
        d = f'{top}/{base}/{g}'
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not f.endswith(('.c', '.h')):
                continue
            for m in inc.finditer(open(f'{d}/{f}').read()):
                G, h = m.groups()
                if G not in rank or rank[G] > rank[g]:
                    upward.append(f'{base}/{g}/{f} includes {G}/{h}.h')
                if h != f[:-2]:
                    deps.setdefault(f'{g}/{f[:-2]}', set()).add(f'{G}/{h}')
cycles, state, stack = [], {}, []
def visit(u):
    state[u] = 1; stack.append(u)
    for v in sorted(deps.get(u, ())):
        if state.get(v) == 1:
            cycles.append(' -> '.join(stack[stack.index(v):] + [v]))
        elif not state.get(v):
            visit(v)
    stack.pop(); state[u] = 2
for u in sorted(deps):
    if not state.get(u):
        visit(u)
def report(ok, name, details):
    global n
    n += 1
    print(('ok' if ok else 'not ok') + f' {n} - {name}')
    for d in details[:20]:
        print(f'#   {d}')
report(present == sorted(order), 'src/lib has exactly the folders of src/lib/README', [f'found: {present}'] if present != sorted(order) else [])
report(not upward, 'no folder includes one listed after it', upward)
report(not cycles, 'no include cycle among the library files', cycles)
print(f'1..{n}')
sys.exit(0 if not upward and not cycles and present == sorted(order) else 1)
PY
