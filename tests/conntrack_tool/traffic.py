#!/usr/bin/env python3
"""Deterministic loopback traffic for the conntrack_tool scenarios.

Every flow uses fixed ports and ICMP ids, so the entries the kernel
creates are the same in every namespace.

  traffic.py tcp ADDR DPORT SPORT      connect, exchange, orderly close
  traffic.py tcp-open ADDR DPORT SPORT connect and keep it open (bg),
                                       printing "ready" once it is
  traffic.py udp ADDR DPORT SPORT      one datagram, answered
  traffic.py udp1 ADDR DPORT SPORT     one datagram, unanswered
  traffic.py ping ADDR ID              one ICMP/ICMPv6 echo
  traffic.py ftp ADDR SPORT DATAPORT   FTP control session announcing a
                                       data port (PORT/EPRT), held open
                                       so the helper's expectation stays;
                                       prints "ready" once it exists
"""
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def tcp(addr, dport, sport, hold=False):
    fam = family(addr)
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, dport))
    srv.listen(1)
    cli = socket.socket(fam, socket.SOCK_STREAM)
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cli.bind((addr, sport))
    cli.connect((addr, dport))
    conn, _ = srv.accept()
    cli.sendall(b'ping')
    conn.recv(4)
    conn.sendall(b'pong')
    cli.recv(4)
    if hold:
        print('ready', flush=True)
        # Keeps the connection open (not a wait for anything): the
        # scenario kills it, the bound only ends a leaked process.
        time.sleep(30)
    # Orderly close, each side waiting for the other's FIN: the last ACK
    # has passed conntrack before the client reads its end of file, so
    # the entry is in TIME_WAIT when this returns.
    cli.shutdown(socket.SHUT_WR)
    conn.recv(16)
    conn.close()
    cli.recv(16)
    cli.close()
    srv.close()


def udp(addr, dport, sport, answer=True):
    fam = family(addr)
    srv = socket.socket(fam, socket.SOCK_DGRAM)
    srv.bind((addr, dport))
    cli = socket.socket(fam, socket.SOCK_DGRAM)
    cli.bind((addr, sport))
    cli.sendto(b'ping', (addr, dport))
    data, peer = srv.recvfrom(16)
    if answer:
        srv.sendto(b'pong', peer)
        cli.recvfrom(16)
    cli.close()
    srv.close()


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ping(addr, ident):
    if family(addr) == socket.AF_INET6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6)
        # The kernel fills in the ICMPv6 checksum itself.
        pkt = struct.pack('!BBHHH', 128, 0, 0, ident, 1) + b'conntrack'
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
        body = struct.pack('!BBHHH', 8, 0, 0, ident, 1) + b'conntrack'
        pkt = body[:2] + struct.pack('!H', csum(body)) + body[4:]
    s.settimeout(2)
    s.sendto(pkt, (addr, 0))
    try:
        s.recv(256)   # our own request looped back
        s.recv(256)   # the reply
    except socket.timeout:
        pass
    s.close()


def ftp(addr, sport, dataport):
    fam = family(addr)
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 21))
    srv.listen(1)
    cli = socket.socket(fam, socket.SOCK_STREAM)
    cli.bind((addr, sport))
    cli.connect((addr, 21))
    conn, _ = srv.accept()

    def exchange(cmd, reply):
        cli.sendall(cmd)
        conn.recv(256)
        conn.sendall(reply)
        cli.recv(256)

    conn.sendall(b'220 ready\r\n')
    cli.recv(256)
    # The helper parses a command only right after a newline it has
    # seen, so the first line of the session is never parsed.
    exchange(b'USER test\r\n', b'331 password\r\n')
    if fam == socket.AF_INET6:
        cmd = 'EPRT |2|%s|%d|\r\n' % (addr, dataport)
    else:
        cmd = 'PORT %s,%d,%d\r\n' % (addr.replace('.', ','),
                                     dataport >> 8, dataport & 0xff)
    exchange(cmd.encode(), b'200 ok\r\n')
    # The helper has seen the command: its expectation exists.
    print('ready', flush=True)
    # Holds the session open (not a wait for anything): the scenario
    # kills it, the bound only ends a leaked process.
    time.sleep(60)


def main(argv):
    cmd = argv[1]
    if cmd in ('tcp', 'tcp-open'):
        tcp(argv[2], int(argv[3]), int(argv[4]), hold=cmd == 'tcp-open')
    elif cmd in ('udp', 'udp1'):
        udp(argv[2], int(argv[3]), int(argv[4]), answer=cmd == 'udp')
    elif cmd == 'ftp':
        ftp(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == 'ping':
        ping(argv[2], int(argv[3]))
    else:
        sys.exit('unknown traffic ' + cmd)


if __name__ == '__main__':
    main(sys.argv)
