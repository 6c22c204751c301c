#!/usr/bin/env python3
"""Strict check of JSON lines against doc/json-schema.json.

Usage: json_check.py SCHEMA FILE
FILE holds one JSON object per line. Each line must be ASCII, parse
with no duplicate key and no NaN/Infinity, and match the schema: a
small validator of the JSON Schema keywords the schema uses, written
here so that a missing Python package cannot turn the check off (the
jsonschema package, when present, checks the schema file itself and
every object too). Then the rules the schema cannot say: each time
string is its *_ns number, addresses are of the object's family and
in canonical form, a tuple's fields are those of its protocol.
Prints the number of objects checked; exits 1 at the first failure.
"""
import datetime
import ipaddress
import json
import re
import sys


def strict(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError('duplicate key %s' % sorted(dup))
    return dict(pairs)


def no_constant(x):
    raise ValueError('not RFC 8259: ' + x)


TYPES = {
    'object': lambda v: isinstance(v, dict),
    'array': lambda v: isinstance(v, list),
    'string': lambda v: isinstance(v, str),
    'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
}


class Invalid(Exception):
    pass


def validate(v, s, root, path='$'):
    if '$ref' in s:
        s = root['$defs'][s['$ref'].split('/')[-1]]
    known = {'type', 'properties', 'required', 'additionalProperties',
             'minProperties', 'const', 'enum', 'pattern', 'minimum',
             'maximum', 'minLength', 'items', 'minItems', 'uniqueItems',
             'oneOf', '$schema', '$id', 'title', '$defs'}
    if set(s) - known:
        raise Invalid('schema keyword not understood: %s' % (set(s) - known))
    if 'oneOf' in s:
        ok = 0
        for sub in s['oneOf']:
            try:
                validate(v, sub, root, path)
                ok += 1
            except Invalid:
                pass
        if ok != 1:
            # say why, with the branch of the object's kind
            kind = v.get('kind') if isinstance(v, dict) else None
            sub = {'conntrack': 0, 'expect': 1}.get(kind, 0)
            validate(v, s['oneOf'][sub], root, path)
            raise Invalid('%s: matches %d schemas, not one' % (path, ok))
    if 'type' in s and not TYPES[s['type']](v):
        raise Invalid('%s: %r is not %s' % (path, v, s['type']))
    if 'const' in s and (v != s['const'] or type(v) is not type(s['const'])):
        raise Invalid('%s: %r is not %r' % (path, v, s['const']))
    if 'enum' in s and v not in s['enum']:
        raise Invalid('%s: %r not in %r' % (path, v, s['enum']))
    if 'pattern' in s and not re.search(s['pattern'], v):
        raise Invalid('%s: %r does not match %s' % (path, v, s['pattern']))
    if 'minLength' in s and len(v) < s['minLength']:
        raise Invalid('%s: too short' % path)
    if 'minimum' in s and v < s['minimum']:
        raise Invalid('%s: %r < %r' % (path, v, s['minimum']))
    if 'maximum' in s and v > s['maximum']:
        raise Invalid('%s: %r > %r' % (path, v, s['maximum']))
    if isinstance(v, dict):
        props = s.get('properties', {})
        for k in s.get('required', []):
            if k not in v:
                raise Invalid('%s: %s missing' % (path, k))
        if s.get('additionalProperties') is False:
            extra = set(v) - set(props)
            if extra:
                raise Invalid('%s: unknown keys %s' % (path, sorted(extra)))
        if len(v) < s.get('minProperties', 0):
            raise Invalid('%s: empty object' % path)
        for k, sub in props.items():
            if k in v:
                validate(v[k], sub, root, path + '.' + k)
    if isinstance(v, list):
        if len(v) < s.get('minItems', 0):
            raise Invalid('%s: empty array' % path)
        if s.get('uniqueItems') and len(set(map(json.dumps, v))) != len(v):
            raise Invalid('%s: repeated items' % path)
        for i, item in enumerate(v):
            validate(item, s.get('items', {}), root, '%s[%d]' % (path, i))


def rfc3339(ns):
    t = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % (ns % 10**9)


PORTS = {'tcp', 'udp', 'udplite', 'sctp', 'dccp'}


def check_tuple(t, family, proto, path):
    family = t.get('family', family)
    proto = t.get('proto', proto)
    for k in ('src', 'dst'):
        if k in t:
            a = ipaddress.ip_address(t[k])
            if family in ('ipv4', 'ipv6') and 'ipv%d' % a.version != family:
                raise Invalid('%s.%s: %s is not %s' % (path, k, t[k], family))
            if str(a) != t[k]:
                raise Invalid('%s.%s: not canonical' % (path, k))
    fields = {'icmp': {'icmp_type', 'icmp_code', 'icmp_id'},
              'icmpv6': {'icmp_type', 'icmp_code', 'icmp_id'},
              'gre': {'src_key', 'dst_key'}}.get(proto, {'sport', 'dport'})
    for k in ('sport', 'dport', 'icmp_type', 'icmp_code', 'icmp_id',
              'src_key', 'dst_key'):
        if k in t and k not in fields:
            raise Invalid('%s.%s: not a field of %s' % (path, k, proto))


def check_rules(o):
    for k, v in o.items():
        if k.endswith('_ns') and rfc3339(v) != o[k[:-3]]:
            raise Invalid('%s: %s is not %d' % (k[:-3], o[k[:-3]], v))
    fam, proto = o.get('family'), o.get('proto')
    names = ('orig', 'reply') if o['kind'] == 'conntrack' else \
            ('master', 'expected', 'mask', 'nat')
    for k in names:
        if k in o:
            check_tuple(o[k], fam, proto, k)
    if 'icmp_type' in o.get('reply', {}) or 'icmp_id' in o.get('reply', {}):
        raise Invalid('reply: ICMP fields are the original\'s')
    if 'master' in o and o['kind'] == 'conntrack':
        check_tuple(o['master'], None, o['master'].get('proto'), 'master')


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        import jsonschema
        jsonschema.Draft202012Validator.check_schema(schema)
        other = jsonschema.Draft202012Validator(schema)
    except ImportError:
        other = None
    n = 0
    for lineno, line in enumerate(open(sys.argv[2], 'rb'), 1):
        try:
            text = line.decode('ascii').rstrip('\n')
            if '\n' in text or text != text.strip():
                raise Invalid('not one object per line')
            o = json.loads(text, object_pairs_hook=strict,
                           parse_constant=no_constant)
            validate(o, schema, schema)
            check_rules(o)
            if other is not None:
                other.validate(o)
        except Exception as e:
            print('line %d: %s: %s\n%s' % (lineno, type(e).__name__, e,
                                          line.decode('ascii', 'replace')))
            return 1
        n += 1
    print(n)
    return 0


if __name__ == '__main__':
    sys.exit(main())
