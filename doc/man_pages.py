#!/usr/bin/env python3
"""Make the installed section 3 man pages from Doxygen's output.

Doxygen writes one page per topic (group) and per documented struct,
and, with MAN_LINKS, a ".so" page for every member it sees: struct
fields ("delete", "new"), anonymous enums ("@7"), enumerators and
macros. Those pages are junk in a system's man path (`man delete`
opened a struct of this library), and a ".so" line resolves against
the directory man runs in, so `man -l build/doc/man3/nfct_query.3`
could not find its target. This script writes, into a fresh directory:

- the topic pages (libnfct_*.3) as Doxygen made them;
- one complete page per documented function, cut from its topic page:
  NAME with the summary, SYNOPSIS with the header and the prototype,
  DESCRIPTION, SEE ALSO the topic;
- one page per public type, i.e. every named struct, union and enum of
  the library's headers (libnetfilter_conntrack*.h): Doxygen's page of
  a struct with members, else a page cut from the topic page (enums)
  or made from the XML description (opaque structs).

Nothing else: no pages for fields, enumerators, macros or the kernel's
UAPI headers (linux_*.h). A public type without documentation stops the
build. Usage: man_pages.py --raw DIR --xml DIR --out DIR HEADER...
"""
import argparse
import glob
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

TYPE_DECL = re.compile(r'^(?:struct|union|enum)\s+(\w+)\s*[{;]', re.M)
SECTION = re.compile(r'^\.S[HS] ')


def public_types(headers):
    names = {}
    for h in headers:
        with open(h) as f:
            for m in TYPE_DECL.finditer(f.read()):
                names[m.group(1)] = os.path.basename(h)
    return names


def roff_text(s):
    """Plain text as roff: escape backslashes and leading dots."""
    s = s.replace('\\', '\\e')
    return re.sub(r'^([.\'])', r'\\&\1', s, flags=re.M)


def plain(s):
    """A roff fragment without font changes, for NAME lines."""
    s = re.sub(r'\\f[BIRPC]', '', s)
    return s.replace('\\&', '').strip()


class Topic:
    """One topic page: its header line and the blocks it documents."""

    def __init__(self, path):
        self.name = os.path.basename(path)[:-2]
        with open(path) as f:
            self.lines = f.read().split('\n')
        self.th = self.lines[0]
        self.synopsis = {}	# function -> (prototype, summary)
        self.blocks = {}	# ('function' | 'enum', name) -> body lines
        self.parse()

    def parse(self):
        lines = self.lines
        section = None
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith('.SH '):
                section = line[4:].strip('"')
            if section == 'SYNOPSIS' and line.startswith('.RI "'):
                proto = line[5:-1].rstrip()
                m = re.search(r'\\fB(\w+)\\fP \(', proto)
                summary = ''
                if i + 2 < len(lines) and lines[i + 1] == '.br' \
                        and lines[i + 2].startswith('.RI "'):
                    summary = lines[i + 2][5:-1].strip()
                if m:
                    self.synopsis[m.group(1)] = (proto, summary)
            if line.startswith('.SS "') and section in (
                    'Function Documentation', 'Enumeration Type Documentation'):
                head = plain(line[5:-1])
                j = i + 1
                while j < len(lines) and not SECTION.match(lines[j]):
                    j += 1
                if section == 'Function Documentation':
                    m = re.search(r'(\w+) \(', head)
                    key = ('function', m.group(1)) if m else None
                else:
                    m = re.match(r'enum (\w+)$', head)
                    key = ('enum', m.group(1)) if m else None
                if key:
                    self.blocks[key] = lines[i + 1:j]
                i = j
                continue
            i += 1


def th(topic, name):
    """The topic's .TH line (date, version, title) for page @name."""
    return re.sub(r'^\.TH "[^"]*"', '.TH "%s"' % name, topic.th)


def page(topic, name, summary, synopsis, body):
    out = [th(topic, name), '.ad l', '.nh', '.SH NAME',
           '%s \\- %s' % (name, plain(summary) or topic.name), '.SH SYNOPSIS',
           '.nf'] + synopsis + ['.fi', '.SH DESCRIPTION']
    out += [l for l in body if l.strip() != '']
    out += ['.SH "SEE ALSO"', '\\fB%s\\fP(3)' % topic.name, '']
    return '\n'.join(out)


def first_sentence(lines):
    text = ' '.join(l for l in lines if l and not l.startswith('.'))
    text = plain(text)
    m = re.match(r'(.*?\\&\.|.*?\.)(\s|$)', text)
    return (m.group(1) if m else text).replace('\\&', '').rstrip('.')


def append_struct(page_path, raw, name):
    """A struct named like a function (nfct_ext_stats_cpu): one page,
    the function's, with the struct's documentation as a last section."""
    with open(raw) as f:
        lines = f.read().split('\n')
    start = next((i for i, l in enumerate(lines)
                  if l.startswith('.SH') and 'NAME' not in l), len(lines))
    body = ['.SH "STRUCT %s"' % name.upper()]
    for l in lines[start:]:
        if l.startswith('.SH "Author"'):
            break
        body.append('.SS' + l[3:] if l.startswith('.SH') else l)
    with open(page_path) as f:
        text = f.read()
    see = text.rindex('.SH "SEE ALSO"')
    with open(page_path, 'w') as f:
        f.write(text[:see] + '\n'.join(body) + '\n' + text[see:])


def xml_types(xmldir):
    """Struct/union name -> (brief, detail paragraphs, topic) from the XML."""
    topic_of = {}
    for path in glob.glob(os.path.join(xmldir, 'group__*.xml')):
        root = ET.parse(path).getroot()
        for cd in root.iter('compounddef'):
            group = cd.findtext('compoundname')
            for ic in cd.findall('innerclass'):
                topic_of[ic.text] = group
    types = {}
    for path in glob.glob(os.path.join(xmldir, 'struct*.xml')) + \
            glob.glob(os.path.join(xmldir, 'union*.xml')):
        root = ET.parse(path).getroot()
        for cd in root.iter('compounddef'):
            name = cd.findtext('compoundname')
            brief = ' '.join(''.join(cd.find('briefdescription').itertext()).split())
            paras = [' '.join(''.join(p.itertext()).split())
                     for p in cd.find('detaileddescription').iter('para')]
            types[name] = (cd.get('kind'), brief, [p for p in paras if p],
                           topic_of.get(name))
    return types


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--raw', required=True)
    ap.add_argument('--xml', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('headers', nargs='+')
    a = ap.parse_args()

    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    topics = [Topic(p) for p in sorted(glob.glob(os.path.join(a.raw, 'libnfct_*.3')))]
    if not topics:
        sys.exit('no topic pages in %s' % a.raw)
    by_name = {t.name: t for t in topics}
    written = set()

    def write(name, text):
        with open(os.path.join(a.out, name + '.3'), 'w') as f:
            f.write(text)
        written.add(name)

    for t in topics:
        shutil.copy(os.path.join(a.raw, t.name + '.3'), a.out)
        written.add(t.name)
        header = ('libnetfilter_conntrack_ext.h' if t.name == 'libnfct_ext'
                  else 'libnetfilter_conntrack.h')
        for (kind, name), body in sorted(t.blocks.items()):
            if kind != 'function':
                continue
            proto, summary = t.synopsis.get(name, (name + '()', ''))
            write(name, page(t, name, summary,
                             ['\\fB#include <libnetfilter_conntrack/%s>\\fP'
                              % header, '.PP', proto + ';'], body))

    xtypes = xml_types(a.xml)
    missing = []
    for name, header in sorted(public_types(a.headers).items()):
        raw = os.path.join(a.raw, name + '.3')
        enum = [(t, t.blocks[('enum', name)]) for t in topics
                if ('enum', name) in t.blocks]
        include = ['\\fB#include <libnetfilter_conntrack/%s>\\fP' % header, '.PP']
        if enum:
            t, body = enum[0]
            write(name, page(t, name, first_sentence(body),
                             include + ['enum \\fB%s\\fP { ... };' % name], body))
        elif os.path.exists(raw) and not open(raw).readline().startswith('.so'):
            if name in written:
                append_struct(os.path.join(a.out, name + '.3'), raw, name)
            else:
                shutil.copy(raw, a.out)
                written.add(name)
        elif name in xtypes and xtypes[name][3] in by_name and \
                (xtypes[name][1] or xtypes[name][2]):
            kind, brief, paras, group = xtypes[name]
            body = []
            for p in ([brief] if brief else []) + paras:
                body += ['.PP', roff_text(p)]
            write(name, page(by_name[group], name, brief or paras[0],
                             include + ['%s \\fB%s\\fP;' % (kind, name)], body))
        else:
            missing.append(name)
    if missing:
        sys.exit('public types without documentation (no man page): '
                 + ' '.join(missing))
    print('%d man pages' % len(written))


if __name__ == '__main__':
    main()
