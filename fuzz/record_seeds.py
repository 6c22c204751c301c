#!/usr/bin/env python3
"""Record the fuzzers' seed corpus from this machine's kernel.

Run by record-seeds.sh inside a private network namespace that already
holds varied conntrack entries and expectations; $EVENT_CMD is run once
the event socket listens. Dumps both tables and
listens to events with plain netlink sockets (not the library under
test), then writes each message, or each datagram for the receive
path, as a seed in the input format of its fuzz target, plus hand-made
edge cases (acks, errors, interrupted dumps, truncations).

  record_seeds.py OUTDIR EVENTS_SECONDS
"""
import os
import socket
import struct
import subprocess
import sys
import time

NETLINK_NETFILTER = 12
NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 2, 3, 4
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_DUMP_INTR = 0x10
CT, EXP = 1, 2            # NFNL_SUBSYS_CTNETLINK(_EXP)
GET = 1
NFNLGRP_ALL = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5)

out = sys.argv[1]
ev_secs = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
counts = {}


def save(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
    counts[target] = counts.get(target, 0) + 1


def nlmsg(mtype, flags, seq, payload):
    return struct.pack('=IHHII', 16 + len(payload), mtype, flags, seq, 0) + payload


def split(dgram):
    off = 0
    while off + 16 <= len(dgram):
        ln = struct.unpack_from('=I', dgram, off)[0]
        if ln < 16 or off + ln > len(dgram):
            break
        yield dgram[off:off + ln]
        off += (ln + 3) & ~3


def dump(subsys, family, seq):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    req = nlmsg((subsys << 8) | GET, NLM_F_REQUEST | NLM_F_DUMP, seq,
                struct.pack('=BBH', family, 0, 0))
    s.send(req)
    dgrams = []
    while True:
        d = s.recv(65536)
        dgrams.append(d)
        if any(struct.unpack_from('=H', m, 4)[0] in (NLMSG_DONE, NLMSG_ERROR)
               for m in split(d)):
            break
    s.close()
    return dgrams


def stream(mode, dgrams):
    return bytes([mode]) + b''.join(struct.pack('<H', len(d)) + d for d in dgrams)


def ct_seeds(tag, msg):
    save('nlmsg_parse', tag, msg)
    save('parse_conntrack', tag, b'\x07' + msg)
    fam = msg[16]
    save('payload_parse', tag, bytes([1 if fam == socket.AF_INET6 else 0]) + msg[20:])
    # plain, xml, labels; with layer 3, id and timestamps
    for sel in (0x08, 0x2d, 0x8e, 0x65):
        save('snprintf', '%s-%02x' % (tag, sel), bytes([sel]) + msg)


def main():
    n = 0
    for fam, fname in ((socket.AF_INET, 'v4'), (socket.AF_INET6, 'v6')):
        dgrams = dump(CT, fam, 1)
        save('receive', 'ct-dump-%s' % fname, stream(0x01, dgrams))
        save('receive', 'ct-dump-%s-stop' % fname, stream(0x03, dgrams))
        for d in dgrams:
            for m in split(d):
                if struct.unpack_from('=H', m, 4)[0] >> 8 == CT:
                    ct_seeds('ct-%s-%03d' % (fname, n), m)
                    n += 1
    for fam, fname in ((socket.AF_INET, 'v4'), (socket.AF_INET6, 'v6')):
        dgrams = dump(EXP, fam, 1)
        save('receive', 'exp-dump-%s' % fname, stream(0x01, dgrams))
        for i, d in enumerate(dgrams):
            for j, m in enumerate(split(d)):
                if struct.unpack_from('=H', m, 4)[0] >> 8 == EXP:
                    save('exp_parse', 'exp-%s-%d-%d' % (fname, i, j), m)

    # events: what the generator script does meanwhile
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, NFNLGRP_ALL))
    s.settimeout(0.2)
    gen = subprocess.Popen(['sh', '-c', os.environ.get('EVENT_CMD', 'true')],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + ev_secs
    evs = []
    while time.time() < end and len(evs) < 200:
        try:
            evs.append(s.recv(65536))
        except socket.timeout:
            pass
    gen.wait()
    for i, d in enumerate(evs):
        for m in split(d):
            t = struct.unpack_from('=H', m, 4)[0]
            if t >> 8 == CT:
                ct_seeds('event-%03d' % i, m)
            elif t >> 8 == EXP:
                save('exp_parse', 'event-%03d' % i, m)
    if evs:
        save('receive', 'events', stream(0x00, evs[:64]))
        save('receive', 'events-reg2', stream(0x20, evs[:64]))

    # hand-made edge cases for the receive path (replies to seq 1)
    ack = nlmsg(NLMSG_ERROR, 0, 1, struct.pack('=i', 0) + b'\0' * 16)
    enoent = nlmsg(NLMSG_ERROR, 0, 1, struct.pack('=i', -2) + b'\0' * 16)
    done = nlmsg(NLMSG_DONE, NLM_F_MULTI, 1, struct.pack('=i', 0))
    done_intr = nlmsg(NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, 1, struct.pack('=i', 0))
    done_err = nlmsg(NLMSG_DONE, NLM_F_MULTI, 1, struct.pack('=i', -16))
    overrun = nlmsg(NLMSG_OVERRUN, 0, 1, b'')
    stale = nlmsg(NLMSG_DONE, NLM_F_MULTI, 7, struct.pack('=i', 0))
    save('receive', 'hand-ack', stream(1, [ack]))
    save('receive', 'hand-enoent', stream(1, [enoent]))
    save('receive', 'hand-done-intr', stream(1, [done_intr]))
    save('receive', 'hand-done-err', stream(1, [done_err]))
    save('receive', 'hand-overrun', stream(1, [overrun]))
    save('receive', 'hand-stale-then-done', stream(1, [stale, done]))
    save('receive', 'hand-truncated-header', stream(1, [ack[:10], done]))
    save('receive', 'hand-short-error', stream(1, [ack[:18], done]))
    save('receive', 'hand-two-in-one', stream(1, [ack + done]))
    save('receive', 'hand-huge-len', stream(1, [b'\xff\xff\xff\x7f' + ack[4:]]))
    # a conntrack message whose nested tuple claims more than it has
    bad = nlmsg((CT << 8), 0, 0, struct.pack('=BBH', 2, 0, 0) +
                struct.pack('=HH', 0x8001 + 0xff, 1) + b'\0' * 8)
    save('receive', 'hand-bad-nest', stream(0, [bad]))
    save('nlmsg_parse', 'hand-bad-nest', bad)
    print(' '.join('%s=%d' % kv for kv in sorted(counts.items())))


main()
