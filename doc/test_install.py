#!/usr/bin/env python3
"""The docs suite, second part: what a new user runs, as written.

1. doc/migration.md's prefix install: its command blocks (marked
   "<!-- run: NAME -->") run as written with bash, from the top of a
   copy of the tree, HOME in a scratch directory and in a private
   network namespace. Then, on that install: ldd shows the prefix's
   library; the man pages installed are exactly one per exported
   function, public type and topic (test_docs.expected_pages); every
   relative link of the installed docs resolves; an extension program
   built without a run path stops before main() on the system's library
   with the loader naming the extension symbol; the installed ext header
   compiles as C++.
2. The command lines of doc/ext/*.md (indented lines starting with
   build/utils/, doc/ext/ or an ip netns session) run as written, from
   the top of the tree, in a private mount and network namespace.
3. Every relative link of README.md and doc/**/*.md resolves in the tree.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_docs  # noqa: E402

fail = test_docs.fail


def blocks(path):
    """Marked blocks of a markdown file: name -> its indented commands."""
    with open(path) as f:
        lines = f.read().split('\n')
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r'<!-- run: ([\w-]+)', line)
        if not m:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith('    '):
            j += 1
        cmds = []
        while j < len(lines) and lines[j].startswith('    '):
            cmds.append(lines[j][4:])
            j += 1
        out[m.group(1)] = '\n'.join(cmds) + '\n'
    return out


def run(script, cwd, env, what):
    r = subprocess.run(['unshare', '-n', 'bash', '-e', '-x', '-c', script],
                       cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        fail('%s: exit %d\n--- stdout\n%s--- stderr\n%s'
             % (what, r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    return r


def tree_copy(srcroot, dst):
    """The tree's files (tracked and new), without any build directory."""
    r = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others',
                        '--exclude-standard'], cwd=srcroot,
                       capture_output=True, text=True)
    if r.returncode == 0:
        for rel in r.stdout.split('\0'):
            if not rel or not os.path.isfile(os.path.join(srcroot, rel)):
                continue
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy2(os.path.join(srcroot, rel), os.path.join(dst, rel))
    else:
        shutil.copytree(srcroot, dst, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns('build*', '.git'))


def links(md_path):
    """Relative link targets of a markdown file (without #anchors)."""
    with open(md_path) as f:
        text = f.read()
    out = []
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'[a-z]+:', target) or target.startswith('#'):
            continue
        out.append(target.split('#')[0])
    return out


def check_links(files, where):
    n = 0
    for md in files:
        for t in links(md):
            n += 1
            if not os.path.exists(os.path.join(os.path.dirname(md), t)):
                fail('%s: %s links to %s, which does not exist'
                     % (where, os.path.relpath(md, where), t))
    return n


def test_prefix_install(a):
    mig = blocks(os.path.join(a.srcroot, 'doc', 'migration.md'))
    for name in ('prefix-install', 'prefix-build'):
        if name not in mig:
            fail('doc/migration.md has no "<!-- run: %s -->" block' % name)
            return
    tmp = tempfile.mkdtemp(prefix='nfct-install-')
    try:
        tree = os.path.join(tmp, 'tree')
        home = os.path.join(tmp, 'home')
        os.makedirs(home)
        tree_copy(a.srcroot, tree)
        env = dict(os.environ, HOME=home)
        env.pop('PKG_CONFIG_PATH', None)
        env.pop('LD_LIBRARY_PATH', None)
        if run(mig['prefix-install'], tree, env, 'prefix-install').returncode:
            return
        r = run(mig['prefix-build'], tree, env, 'prefix-build')
        if r.returncode:
            return
        libdir = os.path.join(home, 'nfct', 'lib', 'x86_64-linux-gnu')
        if libdir + '/libnetfilter_conntrack.so.3' not in r.stdout:
            fail('ldd does not show the prefix library:\n' + r.stdout)
        if not re.search(r'^entries=\d+ max=\d+$', r.stdout, re.M):
            fail('ext_stats from the prefix printed no statistics:\n'
                 + r.stdout)
        print('prefix install: built, pkg-config found it, ext_stats ran on it')

        # the installed man pages: the expected set, nothing else
        man3 = os.path.join(home, 'nfct', 'share', 'man', 'man3')
        incdir = os.path.join(a.srcroot, 'include', 'libnetfilter_conntrack')
        got = test_docs.man_set(man3)
        want = test_docs.expected_pages(a.lib, incdir)
        if got != want:
            fail('installed man3: not expected: %s; missing: %s'
                 % (' '.join(sorted(got - want)) or '-',
                    ' '.join(sorted(want - got)) or '-'))
        else:
            print('installed man3: %d pages, as expected' % len(got))
        mr = subprocess.run(['man', '-M', os.path.join(home, 'nfct', 'share',
                                                        'man'), 'nfct_query'],
                            env=test_docs.man_env(), capture_output=True,
                            text=True)
        if mr.returncode or mr.stderr.strip() or 'nfct_query' not in mr.stdout:
            fail('man -M PREFIX/share/man nfct_query: rc %d %s'
                 % (mr.returncode, mr.stderr))

        # the installed docs' links (the guide's ../utils/*.c among them)
        docdir = os.path.join(home, 'nfct', 'share', 'doc',
                              'libnetfilter_conntrack')
        mds = glob.glob(os.path.join(docdir, '**', '*.md'), recursive=True)
        if not mds:
            fail('no docs installed in ' + docdir)
        print('installed docs: %d links checked in %d files'
              % (check_links(mds, docdir), len(mds)))

        # The installed headers from C++ too: the ext header's members
        # named new and delete are new_ and delete_ there, same layout.
        cxx = os.path.join(tmp, 'ext.cpp')
        with open(cxx, 'w') as f:
            f.write('#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>\n'
                    'static_assert(sizeof(struct nfct_ext_stats_cpu) == 16 * 4, "");\n'
                    'static_assert(sizeof(struct nfexp_ext_stats_cpu) == 4 * 4, "");\n'
                    'int f(struct nfct_ext_stats_cpu *s, struct nfexp_ext_stats_cpu *e)\n'
                    '{ return s->new_ + s->delete_ + e->new_ + e->delete_; }\n')
        pc = dict(env, PKG_CONFIG_PATH=os.path.join(libdir, 'pkgconfig'))
        cflags = subprocess.run(['pkg-config', '--cflags',
                                 'libnetfilter_conntrack'], env=pc,
                                capture_output=True, text=True,
                                check=True).stdout.split()
        r = subprocess.run(['c++', '-Wall', '-Wextra', '-Werror',
                            '-fsyntax-only', cxx] + cflags,
                           capture_output=True, text=True)
        if r.returncode:
            fail('the installed ext header in C++: ' + r.stderr[:1000])

        # Built without a run path, an extension program meets the
        # system's library (same soname): it must stop before main().
        prog = os.path.join(tmp, 'ext_stats_norpath')
        flags = subprocess.run(['pkg-config', '--cflags', '--libs',
                                'libnetfilter_conntrack'], env=pc,
                               capture_output=True, text=True,
                               check=True).stdout.split()
        subprocess.run(['cc', os.path.join(tree, 'utils', 'ext_stats.c'),
                        '-o', prog] + flags, check=True)
        r = subprocess.run(['unshare', '-n', prog], env=env,
                           capture_output=True, text=True)
        sym = 'undefined symbol: nfct_ext_needs_libnetfilter_conntrack_with_extensions'
        if r.returncode != 127 or r.stdout or sym not in r.stderr:
            fail('extension program on the system library: rc %d, stdout %r, '
                 'stderr %r' % (r.returncode, r.stdout, r.stderr))
        else:
            print('without a run path: stopped at load: ' + r.stderr.strip())
        r = subprocess.run(['unshare', '-n', prog],
                           env=dict(env, LD_LIBRARY_PATH=libdir),
                           capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.startswith('entries='):
            fail('with LD_LIBRARY_PATH=%s: rc %d %s' % (libdir, r.returncode,
                                                       r.stderr))
    finally:
        shutil.rmtree(tmp)


def chapter_commands(path):
    """The shell lines a chapter tells the reader to run: its indented
    blocks made of build/utils/, doc/ext/, unshare and ip netns lines."""
    with open(path) as f:
        text = f.read()
    out = []
    for block in re.findall(r'(?:^    \S.*\n)+', text, re.M):
        cmds = [l[4:] for l in block.splitlines()]
        if all(re.match(r'(build/utils/|doc/ext/|unshare -n build/|ip netns )', c)
               for c in cmds) and '\n'.join(cmds) + '\n' not in out:
            out.append('\n'.join(cmds) + '\n')
    return out


def test_chapter_commands(a):
    rel = os.path.relpath(os.path.dirname(a.builddir), a.srcroot)
    n = 0
    seen = set()
    for md in sorted(glob.glob(os.path.join(a.srcroot, 'doc', 'ext', '*.md'))):
        for script in chapter_commands(md):
            if script in seen:
                continue
            seen.add(script)
            if rel != 'build':
                script = re.sub(r'\bbuild/', rel + '/', script)
                script = script.replace('doc/ext/cost.sh', 'doc/ext/cost.sh ' + rel)
            # a private mount namespace with a tmpfs of its own on
            # /run/netns: what ip netns add makes there never reaches the
            # host, even when a block fails before its ip netns del
            prelude = ('mkdir -p /run/netns && '
                       'mount -t tmpfs nfct-doc /run/netns && set -x\n')
            r = subprocess.run(['unshare', '-m', '-n', '--propagation',
                                'private', 'bash', '-e', '-c',
                                prelude + script],
                               cwd=a.srcroot, capture_output=True, text=True)
            n += 1
            if r.returncode != 0:
                fail('%s: exit %d\n%s\n--- stdout\n%s--- stderr\n%s'
                     % (os.path.relpath(md, a.srcroot), r.returncode, script,
                        r.stdout[-2000:], r.stderr[-2000:]))
            elif 'cost.sh' in script:
                print(r.stdout, end='')
    print('chapter commands: %d blocks run' % n)


def test_tree_links(a):
    mds = [os.path.join(a.srcroot, 'README.md')] + \
        glob.glob(os.path.join(a.srcroot, 'doc', '**', '*.md'), recursive=True)
    print('tree docs: %d links checked' % check_links(mds, a.srcroot))


def main():
    ap = argparse.ArgumentParser()
    for opt in ('builddir', 'srcroot', 'lib'):
        ap.add_argument('--' + opt, required=True)
    a = ap.parse_args()
    if os.geteuid() != 0:
        if os.environ.get('CI') == 'true':
            print('FAIL: needs root (network namespaces)')
            return 1
        print('SKIP: needs root')
        return 77
    return test_docs.run_all(a, (test_tree_links, test_chapter_commands,
                                 test_prefix_install))


if __name__ == '__main__':
    sys.exit(main())
