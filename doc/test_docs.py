#!/usr/bin/env python3
"""The docs suite: the generated reference is complete and usable.

1. check_docs.py passes on the reference the build generated;
2. the man pages are exactly one per exported function, public type and
   topic; each renders without warnings, and every `man -l` command of
   the README and the docs works as written from the top of the tree;
3. every example program of utils/ is referenced from the guide or one
   of its chapters on the extensions (doc/ext/*.md);
4. the check can fail: on a copy of the sources with one function's doc
   comment, one @param line and one enum's comment deleted, Doxygen is
   run again and check_docs.py must report exactly those symbols.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, 'check_docs.py')
failures = []


def fail(msg):
    print('FAIL: ' + msg)
    failures.append(msg)


def public_headers(incdir):
    return sorted(os.path.join(incdir, f) for f in os.listdir(incdir)
                  if re.match(r'libnetfilter_conntrack.*\.h$', f))


def run_check(xml, lib, incdir):
    r = subprocess.run([sys.executable, CHECK, '--xml', xml, '--lib', lib]
                       + public_headers(incdir), capture_output=True,
                       text=True)
    return r.returncode, r.stdout + r.stderr


def test_complete(a):
    rc, out = run_check(os.path.join(a.builddir, 'xml'), a.lib,
                        os.path.join(a.srcroot, 'include',
                                     'libnetfilter_conntrack'))
    print(out, end='')
    if rc != 0:
        fail('check_docs.py reports undocumented public symbols')


def exported(lib):
    """The functions the library exports (data objects have no page)."""
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    return sorted({l.split()[2].split('@')[0] for l in out.splitlines()
                   if len(l.split()) == 3 and l.split()[1] in 'TtWi'
                   and re.match(r'nf(ct|exp)_', l.split()[2])})


def public_types(incdir):
    """Named structs, unions and enums of the library's own headers."""
    names = set()
    for h in public_headers(incdir):
        with open(h) as f:
            names |= set(re.findall(r'^(?:struct|union|enum)\s+(\w+)\s*[{;]',
                                    f.read(), re.M))
    return names


def topics():
    with open(os.path.join(HERE, 'groups.dox')) as f:
        return set(re.findall(r'^@defgroup (\w+)', f.read(), re.M))


def expected_pages(lib, incdir):
    """Public functions, public types, topic pages: nothing else."""
    return set(exported(lib)) | public_types(incdir) | topics()


def man_set(man3):
    return {f[:-2] for f in os.listdir(man3) if f.endswith('.3')}


def compare_sets(where, got, want):
    if got != want:
        fail('%s: man pages not expected: %s; missing: %s'
             % (where, ' '.join(sorted(got - want)) or '-',
                ' '.join(sorted(want - got)) or '-'))
    return got == want


def warnings(stderr):
    # A prototype longer than the line can't be broken: cosmetic.
    return '\n'.join(l for l in stderr.splitlines()
                     if l.strip() and "can't break line" not in l)


def man_env():
    return dict(os.environ, MANWIDTH='80', LC_ALL='C.UTF-8', MANPAGER='cat',
                PAGER='cat')


def briefs(xmldir):
    """Function name -> its one-line summary, from Doxygen's XML."""
    out = {}
    for path in glob.glob(os.path.join(xmldir, 'group__*.xml')):
        for md in ET.parse(path).getroot().iter('memberdef'):
            if md.get('kind') == 'function':
                out[md.findtext('name')] = ' '.join(
                    ''.join(md.find('briefdescription').itertext()).split())
    return out


def doc_man_commands(srcroot):
    """Every `man -l PATH` the README and the docs tell a reader to run."""
    files = [os.path.join(srcroot, 'README.md')] + \
        glob.glob(os.path.join(srcroot, 'doc', '*.md')) + \
        glob.glob(os.path.join(srcroot, 'doc', 'ext', '*.md'))
    cmds = set()
    for path in files:
        with open(path) as f:
            cmds |= set(re.findall(r'man -l (build/doc/man3/\S+?\.3)\b', f.read()))
    return sorted(cmds)


def test_man(a):
    man3 = os.path.join(a.builddir, 'man3')
    incdir = os.path.join(a.srcroot, 'include', 'libnetfilter_conntrack')
    got = man_set(man3)
    if compare_sets('build/doc/man3', got, expected_pages(a.lib, incdir)):
        print('man pages: %d (%d functions, %d types, %d topics)'
              % (len(got), len(exported(a.lib)), len(public_types(incdir)),
                 len(topics())))
    summaries = briefs(os.path.join(a.builddir, 'xml'))
    # As the README writes them: from the top of the tree, plain man.
    # The build directory may have another name than build/.
    rel = os.path.relpath(a.builddir, a.srcroot)
    cmds = doc_man_commands(a.srcroot)
    if not cmds:
        fail('no "man -l build/doc/man3/..." command found in the docs')
    for page in cmds + ['build/doc/man3/libnfct_query.3',
                        'build/doc/man3/nfct_open.3',
                        'build/doc/man3/nfexp_query.3',
                        'build/doc/man3/nf_conntrack_query.3']:
        path = os.path.join(rel, page[len('build/doc/'):])
        r = subprocess.run(['man', '-l', path], cwd=a.srcroot, env=man_env(),
                           capture_output=True, text=True)
        name = os.path.basename(page)[:-2]
        text = ' '.join(r.stdout.split())
        want = summaries.get(name, name)
        if r.returncode != 0 or r.stderr.strip():
            fail('man -l %s (from the top of the tree): rc %d, stderr: %s'
                 % (page, r.returncode, r.stderr[:500]))
        elif want not in text or 'NAME' not in text:
            fail('man -l %s: %r not in its output:\n%s'
                 % (page, want, r.stdout[:1000]))
        else:
            print('man -l %s: %d lines' % (page, r.stdout.count('\n')))
    # groff's macro warnings on every page (one groff for all: a man
    # per page takes minutes), so no page renders half-way
    pages = [os.path.join(man3, n + '.3') for n in sorted(got)]
    r = subprocess.run(['groff', '-man', '-Tutf8', '-z', '-wmac'] + pages,
                       env=man_env(), capture_output=True, text=True)
    if r.returncode != 0 or warnings(r.stderr):
        fail('groff warns on the man pages: %s' % warnings(r.stderr)[:500])


def test_examples_in_guide(a):
    # the guide and its chapters on the extensions (doc/ext/*.md)
    with open(os.path.join(HERE, 'guide.md')) as f:
        guide = f.read()
    ext = os.path.join(HERE, 'ext')
    if os.path.isdir(ext):
        for name in sorted(os.listdir(ext)):
            if name.endswith('.md'):
                with open(os.path.join(ext, name)) as f:
                    guide += f.read()
    utils = os.path.join(a.srcroot, 'utils')
    examples = sorted(f for f in os.listdir(utils) if f.endswith('.c'))
    if not examples:
        fail('no example programs found in utils/')
    for ex in examples:
        if 'utils/' + ex not in guide:
            fail('neither doc/guide.md nor doc/ext/*.md references utils/' + ex)
    print('guide references %d example programs' % len(examples))


def delete_doc_comment(path, code_start):
    """Remove the /** ... */ block right above the line starting with
    code_start; keep the line count (blank lines) so nothing else moves."""
    with open(path) as f:
        lines = f.readlines()
    for i, line in enumerate(lines):
        if line.startswith(code_start):
            j = i - 1
            while j >= 0 and not lines[j].lstrip().startswith('/*'):
                j -= 1
            if j < 0 or i - j > 60:
                break
            for k in range(j, i):
                lines[k] = '\n'
            with open(path, 'w') as f:
                f.writelines(lines)
            return
    raise SystemExit('mutation target %r not found in %s' % (code_start, path))


def delete_line(path, pattern):
    with open(path) as f:
        lines = f.readlines()
    for i, line in enumerate(lines):
        if re.match(pattern, line):
            lines[i] = ' *\n'
            with open(path, 'w') as f:
                f.writelines(lines)
            return
    raise SystemExit('mutation target %r not found in %s' % (pattern, path))


def test_check_can_fail(a):
    tmp = tempfile.mkdtemp(prefix='nfct-docs-')
    try:
        src = os.path.join(tmp, 'src')
        inc = os.path.join(tmp, 'include', 'libnetfilter_conntrack')
        shutil.copytree(os.path.join(a.srcroot, 'src'), src)
        shutil.copytree(os.path.join(a.srcroot, 'include',
                                     'libnetfilter_conntrack'), inc)
        delete_doc_comment(os.path.join(src, 'io', 'query.c'),
                           'NFCT_EXPORT int nfct_query(')
        delete_line(os.path.join(src, 'object', 'object.c'), r'^ \* @len:')
        delete_doc_comment(os.path.join(inc, 'libnetfilter_conntrack.h'),
                           'enum nf_conntrack_attr {')
        out = os.path.join(tmp, 'out')
        os.mkdir(out)
        with open(a.doxyfile) as f:
            conf = f.read()
        conf += '\nINPUT = %s %s %s\nOUTPUT_DIRECTORY = %s\n' % (
            os.path.join(HERE, 'groups.dox'), src, inc, out)
        conf += 'GENERATE_HTML = NO\nGENERATE_MAN = NO\n'
        conf += 'WARN_LOGFILE = %s\n' % os.path.join(out, 'warnings.log')
        conf += 'STRIP_FROM_PATH = %s\n' % tmp
        doxyfile = os.path.join(tmp, 'Doxyfile')
        with open(doxyfile, 'w') as f:
            f.write(conf)
        subprocess.run([a.doxygen, doxyfile], check=True, cwd=tmp)
        rc, report = run_check(os.path.join(out, 'xml'), a.lib, inc)
        expected = ['function nfct_query: no documentation',
                    'function nfct_set_attr_l: parameter len undocumented',
                    'enum nf_conntrack_attr (libnetfilter_conntrack.h:']
        if rc == 0:
            fail('check_docs.py passed with doc comments removed')
        for e in expected:
            if e not in report:
                fail('check_docs.py did not report %r' % e)
        extra = [l for l in report.splitlines()
                 if l.startswith('undocumented:')
                 and not any(e in l for e in expected)]
        if extra:
            fail('check_docs.py reported more than the removals: %s' % extra)
        print('mutated copy: check_docs.py exit %d, reports %d problems'
              % (rc, report.count('undocumented:')))
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser()
    for opt in ('doxygen', 'doxyfile', 'builddir', 'srcroot', 'lib'):
        ap.add_argument('--' + opt, required=True)
    return run_all(ap.parse_args(), (test_complete, test_man,
                                     test_examples_in_guide,
                                     test_check_can_fail))


def run_all(a, tests):
    """Run each test; exit status 1 if any of them failed."""
    passed = failed = 0
    for t in tests:
        before = len(failures)
        t(a)
        if len(failures) == before:
            passed += 1
        else:
            failed += 1
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
