#!/usr/bin/env python3
"""The docs suite: the generated reference is complete and usable.

1. check_docs.py passes on the reference the build generated;
2. every exported function has its own man page, and `man -l` renders
   them (a topic page and a function's .so link page) without warnings;
3. every example program of utils/ is referenced from the guide or one
   of its chapters on the extensions (doc/ext/*.md);
4. the check can fail: on a copy of the sources with one function's doc
   comment, one @param line and one enum's comment deleted, Doxygen is
   run again and check_docs.py must report exactly those symbols.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

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
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    return sorted({l.split()[2].split('@')[0] for l in out.splitlines()
                   if len(l.split()) == 3
                   and re.match(r'nf(ct|exp)_', l.split()[2])})


def render(builddir, page):
    env = dict(os.environ, MANWIDTH='80', LC_ALL='C.UTF-8', MANPAGER='cat',
               PAGER='cat')
    # From the directory above man3/, so ".so man3/x.3" links resolve.
    return subprocess.run(['man', '--warnings=mac', '-l', page], cwd=builddir,
                          env=env, capture_output=True, text=True)


def warnings(stderr):
    # A prototype longer than the line can't be broken: cosmetic.
    return '\n'.join(l for l in stderr.splitlines()
                     if l.strip() and "can't break line" not in l)


def test_man(a):
    man3 = os.path.join(a.builddir, 'man3')
    funcs = exported(a.lib)
    missing = [f for f in funcs
               if not os.path.exists(os.path.join(man3, f + '.3'))]
    if missing:
        fail('no man page for: ' + ' '.join(missing))
    print('man pages: %d of %d exported functions'
          % (len(funcs) - len(missing), len(funcs)))
    for page, expect in (('man3/libnfct_query.3', 'Queries, callbacks and events'),
                         ('man3/nfct_query.3', 'nfct_query'),
                         ('man3/nfct_open.3', 'nfct_open'),
                         ('man3/nfexp_query.3', 'nfexp_query')):
        r = render(a.builddir, page)
        if r.returncode != 0 or expect not in r.stdout:
            fail('man -l %s: rc %d, %r not in output; stderr: %s'
                 % (page, r.returncode, expect, r.stderr[:500]))
        elif warnings(r.stderr):
            fail('man -l %s warns: %s' % (page, warnings(r.stderr)[:500]))
        elif 'SYNOPSIS' not in r.stdout and 'Functions' not in r.stdout:
            fail('man -l %s: no function list in output' % page)
        else:
            print('man -l %s: %d lines' % (page, r.stdout.count('\n')))


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
    a = ap.parse_args()
    passed = failed = 0
    for t in (test_complete, test_man, test_examples_in_guide,
              test_check_can_fail):
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
