#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: read kernel-doc comments as Doxygen ones.

The sources keep one comment style, the kernel-doc one used in src/:

    /**
     * nfct_query - send a query and wait for its answer
     * @h: the handle
     *
     * Returns 0, or -1 with errno set.
     */

and this filter hands Doxygen the same text with Doxygen commands
(@brief, @param, @return, @p). The headers keep plain C comments: a
comment right above an enum, struct, union or #define, and a comment at
the end of a member's line, become doc comments; the "---- title ----"
section rulers pick the group (man page) of what follows.

Every output line stands for the same input line, so Doxygen's line
numbers stay right. Usage: kdoc2doxygen.py FILE (output on stdout).
"""
import os
import re
import sys

# Source file -> group (one man page per group, see groups.dox).
FILE_GROUP = {
    'handle.c': 'libnfct_handle',
    'object.c': 'libnfct_object',
    'group.c': 'libnfct_object',
    'copy.c': 'libnfct_compare',
    'compare.c': 'libnfct_compare',
    'query.c': 'libnfct_query',
    'format.c': 'libnfct_output',
    'bitmask.c': 'libnfct_labels',
    'labels.c': 'libnfct_labels',
    'bsf.c': 'libnfct_bsf',
    'filter_dump.c': 'libnfct_dump_filter',
    'build.c': 'libnfct_lowlevel',
    'parse.c': 'libnfct_lowlevel',
    'expect.c': 'libnfct_expect',
}

# Header -> group of what precedes its first section ruler.
HEADER_GROUP = {
    'libnetfilter_conntrack.h': 'libnfct_handle',
    'libnetfilter_conntrack_ext.h': 'libnfct_ext',
}

# Header section ruler title (first word(s)) -> group.
SECTION_GROUP = [
    ('handles', 'libnfct_handle'),
    ('conntrack objects', 'libnfct_object'),
    ('callbacks', 'libnfct_query'),
    ('bitmasks', 'libnfct_labels'),
    ('attribute access', 'libnfct_object'),
    ('text output', 'libnfct_output'),
    ('comparison', 'libnfct_compare'),
    ('queries', 'libnfct_query'),
    ('copy', 'libnfct_compare'),
    ('event filters', 'libnfct_bsf'),
    ('dump and flush filters', 'libnfct_dump_filter'),
    ('low-level', 'libnfct_lowlevel'),
    ('expectations', 'libnfct_expect'),
    ('tcp flags', 'libnfct_constants'),
]

NAME_LINE = re.compile(r'^(\s*\*\s*|/\*\*\s*)(\w+)(?:\(\))?\s+-\s+(.*)$')
PARAM_LINE = re.compile(r'^(\s*\*\s*)@(\w+|\.\.\.):\s*(.*)$')
RETURN_LINE = re.compile(r'^(\s*\*\s*)(?:Returns?:?|Return value:)\s+(.*)$')
MID_RETURN = re.compile(r'([.:;] |^\s*\*\s+)Returns? (?!the same)')
RULER = re.compile(r'^/\*\s*-+\s*(.*?)\s*-*\s*\*/\s*$')
TRAILING = re.compile(r'^(\s*\S.*?[,;{]?\s*)/\*(?!\*)(.*)\*/\s*$')


def inline_refs(text):
    """kernel-doc @name and %CONST references, as Doxygen text."""
    text = re.sub(r'(?<![\w@\\])@(?!(?:return|param|brief|ingroup|p)\b)(\w+)',
                  r'@p \1', text)
    return re.sub(r'(?<![\w%])%(\w+)', r'\1', text)


def group_of_function(name, default):
    if name.startswith('nfexp_'):
        return 'libnfct_expect'
    return default


def convert_block(lines, group):
    """Convert one /** ... */ block (list of lines) in place."""
    out = []
    in_params = False
    prev_blank = True
    for i, line in enumerate(lines):
        m = NAME_LINE.match(line) if i <= 1 else None
        if m:
            name = m.group(2)
            g = group_of_function(name, group)
            if i == 0:
                # one-line "/** name - summary */"
                summary = inline_refs(m.group(3))
                out.append('/** @ingroup %s @brief %s' % (g, summary)
                           if g else '/** @brief ' + summary)
            else:
                if g and out and out[0].rstrip() == '/**':
                    out[0] = '/** @ingroup ' + g
                out.append('%s@brief %s' % (m.group(1), inline_refs(m.group(3))))
            prev_blank = False
            in_params = True
            continue
        m = PARAM_LINE.match(line)
        if m and (in_params or prev_blank):
            out.append('%s@param %s %s' % (m.group(1), m.group(2),
                                            inline_refs(m.group(3))))
            in_params = True
            prev_blank = False
            continue
        m = RETURN_LINE.match(line)
        if m and prev_blank:
            out.append('%s@return %s' % (m.group(1), inline_refs(m.group(2))))
            prev_blank = False
            continue
        # "... sentence. Returns x" in mid-paragraph: the rest of the
        # paragraph is the return value.
        if i > 0:
            line = MID_RETURN.sub(r'\1@return ', line)
        stripped = line.strip()
        blank = stripped in ('*', '')
        if blank:
            in_params = False
        prev_blank = blank
        out.append(inline_refs(line) if i > 0 else line)
    return out


def filter_source(lines, group):
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('/**') and not line.startswith('/***'):
            j = i
            while '*/' not in lines[j] and j + 1 < len(lines):
                j += 1
            out.extend(convert_block(lines[i:j + 1], group))
            i = j + 1
            continue
        out.append(line)
        i += 1
    return out


def next_code_line(lines, j):
    while j < len(lines) and not lines[j].strip():
        j += 1
    return lines[j] if j < len(lines) else ''


OPAQUE = re.compile(r'^struct (\w+);\s*$')
DOCUMENTABLE = re.compile(r'^(enum|struct|union|#define|typedef|extern)\b')


def filter_header(lines, default_group, sections):
    out = []
    opaque_docs = []
    group = default_group
    out_prefix = '/** @addtogroup %s */ /** @{ */ ' % group
    i = 0
    depth = 0
    while i < len(lines):
        line = lines[i]
        m = RULER.match(line)
        if m and depth == 0:
            title = m.group(1).lower()
            for key, g in SECTION_GROUP if sections else []:
                if title.startswith(key):
                    group = g
                    break
            out.append('/** @} */ /** @addtogroup %s */ /** @{ */' % group)
            i += 1
            continue
        if line.startswith('/*') and not line.startswith('/**') and depth == 0 \
                and i > 0:
            j = i
            while '*/' not in lines[j] and j + 1 < len(lines):
                j += 1
            code = next_code_line(lines, j + 1)
            om = OPAQUE.match(code)
            if om:
                # Doxygen skips forward declarations: document the opaque
                # type with an explicit @struct block at the end.
                text = ' '.join(l.strip(' /*') for l in lines[i:j + 1])
                opaque_docs.append('/** @struct %s\n * @ingroup %s\n * %s\n */'
                                   % (om.group(1), group, text.strip()))
                out.extend(lines[i:j + 1])
            elif DOCUMENTABLE.match(code) and not code.startswith('extern'):
                block = lines[i:j + 1]
                block[0] = '/**' + block[0][2:]
                out.extend(block)
            else:
                out.extend(lines[i:j + 1])
            i = j + 1
            continue
        if depth > 0 or line.startswith('#define'):
            m = TRAILING.match(line)
            if m and m.group(1).strip() and not m.group(1).lstrip().startswith('/*'):
                line = '%s/**<%s*/' % (m.group(1), m.group(2))
        # The C++ guard's braces are no scope of their own.
        cxx = line.strip() == 'extern "C" {' or (
            line.strip() == '}' and i > 0
            and lines[i - 1].startswith('#ifdef __cplusplus'))
        if not cxx:
            depth += line.count('{') - line.count('}')
        if depth < 0:
            depth = 0
        out.append(line)
        i += 1
    # A member comment on a line of its own inside an enum stays as is.
    if out:
        out[0] = out_prefix + out[0]
    out.append('/** @} */')
    out.extend(opaque_docs)
    return out


def main():
    path = sys.argv[1]
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    base = os.path.basename(path)
    if base.endswith('.dox'):
        out = lines	# written for Doxygen already
    elif base.endswith('.h'):
        out = filter_header(lines,
                            HEADER_GROUP.get(base, 'libnfct_constants'),
                            base == 'libnetfilter_conntrack.h')
    else:
        out = filter_source(lines, FILE_GROUP.get(
            base, 'libnfct_ext' if base.startswith('ext_') else None))
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()
