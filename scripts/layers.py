#!/usr/bin/env python3
"""Check that the library's layers depend one way.

    scripts/layers.py OBJDIR

OBJDIR holds the library's object files as meson names them
(build/src/libnetfilter_conntrack.so.3.8.0.p: object_attr.c.o, ...).
Prints which source file calls into which, from each object's defined
and undefined symbols, and fails if a file calls a file of a higher
layer or if any files call each other in a cycle.
"""
import collections, glob, os, subprocess, sys

# Lower layers first: a file may use its own layer and those before it.
LAYERS = ['object', 'codec', 'format', 'request', 'io', 'ext']


def layer(name):
    return LAYERS.index(name.split('/', 1)[0])


def read_graph(objdir):
    defs, undef = {}, {}
    for path in sorted(glob.glob(os.path.join(objdir, '*.c.o'))):
        name = os.path.basename(path)[:-len('.c.o')].replace('_', '/', 1)
        out = subprocess.run(['nm', path], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in 'TDBRV':
                defs[f[2]] = name
            elif len(f) == 2 and f[0] == 'U':
                undef.setdefault(name, set()).add(f[1])
    graph = collections.defaultdict(set)
    for name, syms in undef.items():
        for s in syms:
            if s in defs and defs[s] != name:
                graph[name].add(defs[s])
    return defs, graph


def cycles(graph):
    state, stack, found = {}, [], []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    return found


def errors(files, graph):
    """The rule's violations in a call graph, as messages."""
    out = []
    for name in sorted(files):
        if name.split('/', 1)[0] not in LAYERS:
            out.append('%s is in no known layer' % name)
    for name in sorted(graph):
        if name.split('/', 1)[0] not in LAYERS:
            continue
        for dep in sorted(graph[name]):
            if dep.split('/', 1)[0] in LAYERS and layer(dep) > layer(name):
                out.append('%s (layer %s) calls %s (layer %s)' %
                           (name, LAYERS[layer(name)], dep, LAYERS[layer(dep)]))
    for c in cycles(graph):
        out.append('cycle ' + ' -> '.join(c))
    return out


def self_test():
    """The checker must see an upward call, a cycle and a stray file."""
    graph = {'object/a': {'io/b'}, 'io/b': {'io/c'}, 'io/c': {'io/b'},
             'misc': set()}
    found = errors(['object/a', 'io/b', 'io/c', 'misc'], graph)
    want = ['misc is in no known layer',
            'object/a (layer object) calls io/b (layer io)',
            'cycle io/b -> io/c -> io/b']
    if found != want:
        sys.exit('self-test failed: %r' % found)


def main():
    self_test()
    defs, graph = read_graph(sys.argv[1])
    if not defs:
        sys.exit('no object files in %s' % sys.argv[1])
    for name in sorted(graph):
        print(name, '->', ' '.join(sorted(graph[name])))
    bad = errors(set(defs.values()), graph)
    for e in bad:
        print('error:', e)
    print('%d files, %d errors' % (len(set(defs.values())), len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
