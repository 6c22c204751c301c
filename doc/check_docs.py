#!/usr/bin/env python3
"""Fail when a public symbol has no documentation.

Public symbols are every nfct_* / nfexp_* function the built library
exports (nm -D) and every struct, union and enum of the public headers
(named or not). Doxygen's XML output says what is documented. A
function needs a description, a @param for each named parameter, a
@return unless it returns void, and a group (its man page). A type
needs a description.

Usage: check_docs.py --xml DIR --lib LIB HEADER...
Prints one line per problem; exit status 1 if there is any.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def text(node):
    return ''.join(node.itertext()).strip() if node is not None else ''


def exported_functions(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TtWi':
            name = parts[2].split('@')[0]
            if re.match(r'nf(ct|exp)_', name):
                names.add(name)
    return names


class Docs:
    """What Doxygen's XML says about every member and compound."""

    def __init__(self, xmldir):
        self.members = {}	# id -> dict
        self.compounds = {}	# (kind, name) -> documented?
        for path in sorted(glob.glob(os.path.join(xmldir, '*.xml'))):
            if os.path.basename(path) in ('index.xml', 'Doxyfile.xml'):
                continue
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as e:
                raise SystemExit('%s: %s' % (path, e))
            for cd in root.iter('compounddef'):
                self.add_compound(cd)

    def add_compound(self, cd):
        kind = cd.get('kind')
        name = text(cd.find('compoundname'))
        documented = bool(text(cd.find('briefdescription')) or
                          text(cd.find('detaileddescription')))
        if kind in ('struct', 'union'):
            self.compounds[(kind, name)] = documented
        for md in cd.iter('memberdef'):
            m = self.members.setdefault(md.get('id'), self.read_member(md))
            if kind == 'group':
                m['groups'].add(name)

    @staticmethod
    def read_member(md):
        params = [text(p.find('declname')) for p in md.findall('param')]
        documented = set()
        for pl in md.iter('parameterlist'):
            if pl.get('kind') == 'param':
                for pn in pl.iter('parametername'):
                    documented.add(text(pn))
        returns = any(s.get('kind') == 'return'
                      for s in md.iter('simplesect'))
        loc = md.find('location')
        return {
            'kind': md.get('kind'),
            'name': text(md.find('name')),
            'type': text(md.find('type')),
            'described': bool(text(md.find('briefdescription')) or
                              text(md.find('detaileddescription'))),
            'params': [p for p in params if p],
            'param_docs': documented,
            'returns': returns,
            'file': loc.get('file', '') if loc is not None else '',
            'line': int(loc.get('line', '0')) if loc is not None else 0,
            'groups': set(),
        }

    def functions(self, name):
        return [m for m in self.members.values()
                if m['kind'] == 'function' and m['name'] == name]


def check_function(docs, name):
    found = docs.functions(name)
    if not found or not any(m['described'] for m in found):
        return ['function %s: no documentation' % name]
    problems = []
    m = max(found, key=lambda m: (m['described'], len(m['param_docs'])))
    for p in m['params']:
        if p not in m['param_docs']:
            problems.append('function %s: parameter %s undocumented'
                            % (name, p))
    if m['type'] not in ('void', 'extern void') and not m['returns']:
        problems.append('function %s: return value undocumented' % name)
    if not any(f['groups'] for f in found):
        problems.append('function %s: in no group (no man page)' % name)
    return problems


DECL = re.compile(r'^(struct|union|enum)\s*(\w*)\s*(\{|;)')


def header_types(path):
    """(kind, name, line) of each top-level type a header declares."""
    types = []
    depth = 0
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            m = DECL.match(line)
            if m and depth == 0:
                types.append((m.group(1), m.group(2), lineno))
            if line.strip() == 'extern "C" {':
                continue
            depth = max(0, depth + line.count('{') - line.count('}'))
            if line.strip() == '}' and depth == 0:
                pass
    return types


def check_type(docs, header, kind, name, line):
    where = '%s:%d' % (os.path.basename(header), line)
    if kind in ('struct', 'union'):
        if not docs.compounds.get((kind, name)):
            return ['%s %s (%s): no documentation' % (kind, name, where)]
        return []
    base = os.path.basename(header)
    for m in docs.members.values():
        if m['kind'] != 'enum' or not m['described']:
            continue
        if name and m['name'] == name:
            return []
        if not name and os.path.basename(m['file']) == base \
                and m['line'] == line:
            return []
    return ['enum %s (%s): no documentation' % (name or '(anonymous)', where)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--xml', required=True)
    ap.add_argument('--lib', required=True)
    ap.add_argument('headers', nargs='+')
    args = ap.parse_args()

    docs = Docs(args.xml)
    problems = []
    funcs = sorted(exported_functions(args.lib))
    if not funcs:
        problems.append('%s exports no nfct_*/nfexp_* function' % args.lib)
    for name in funcs:
        problems += check_function(docs, name)
    ntypes = 0
    for h in args.headers:
        for kind, name, line in header_types(h):
            ntypes += 1
            problems += check_type(docs, h, kind, name, line)
    for p in problems:
        print('undocumented: ' + p)
    print('checked %d functions, %d types: %d problems'
          % (len(funcs), ntypes, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
