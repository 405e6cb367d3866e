#!/usr/bin/env python3
# ARP prober for the lab's VIP probe: asks "who has TARGET?" every INTERVAL ms (broadcast, from the
# client namespace) and prints one line per round with every MAC that answered:
#
#   P <seq> <sent_ns> <first_reply_ns|-> <mac,mac,...|->
#
# Times are CLOCK_MONOTONIC nanoseconds (the clock of Node's process.hrtime), so they compare
# directly with the harness's fault instants. Replies that arrive after the next request count for
# the newer round. iputils arping cannot do this: it sends whole-second intervals and switches to
# unicast after the first reply, so it would never see a second owner.
#
# Bounded: exits after --duration-s, or as soon as stdin closes (the harness went away).
# Needs CAP_NET_RAW (root). Only ever sends on the given interface, to the given target.
import argparse
import os
import select
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806


def mac_text(raw):
    return ':'.join('%02x' % b for b in raw)


def main():
    parser = argparse.ArgumentParser(description='ARP prober: which MACs answer for an address')
    parser.add_argument('--iface', required=True)
    parser.add_argument('--src-ip', required=True)
    parser.add_argument('--target', required=True)
    parser.add_argument('--interval-ms', type=float, default=20.0)
    parser.add_argument('--duration-s', type=float, required=True)
    args = parser.parse_args()
    if not (5.0 <= args.interval_ms <= 10000.0):
        sys.exit('interval must be 5..10000 ms')
    if not (0 < args.duration_s <= 7 * 24 * 3600):
        sys.exit('duration must be positive and at most a week')

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    sock.bind((args.iface, ETH_P_ARP))
    own_mac = sock.getsockname()[4][:6]
    spa = socket.inet_aton(args.src_ip)
    tpa = socket.inet_aton(args.target)
    request = (b'\xff' * 6 + own_mac + struct.pack('!H', ETH_P_ARP) +
               struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + own_mac + spa + b'\x00' * 6 + tpa)

    interval_ns = int(args.interval_ms * 1e6)
    end_ns = time.monotonic_ns() + int(args.duration_s * 1e9)
    out = sys.stdout
    stdin_fd = sys.stdin.fileno()
    watch = [sock, stdin_fd]
    seq = 0
    round_sent = None
    first_reply = None
    macs = []
    next_send = time.monotonic_ns()

    def flush_round():
        if round_sent is None:
            return
        out.write('P %d %d %s %s\n' % (seq, round_sent, first_reply if first_reply is not None else '-',
                                        ','.join(macs) if macs else '-'))
        out.flush()

    while True:
        now = time.monotonic_ns()
        if now >= end_ns:
            break
        if now >= next_send:
            flush_round()
            seq += 1
            macs = []
            first_reply = None
            round_sent = time.monotonic_ns()
            sock.send(request)
            next_send += interval_ns
            if next_send <= now:  # we were late (load): keep the rate, do not burst
                next_send = now + interval_ns
            continue
        timeout = min(next_send, end_ns) - now
        readable, _, _ = select.select(watch, [], [], timeout / 1e9)
        for item in readable:
            if item is sock:
                frame = sock.recv(2048)
                at = time.monotonic_ns()
                if len(frame) < 42:
                    continue
                op = struct.unpack('!H', frame[20:22])[0]
                sender_ip = frame[28:32]
                # Replies for the target, and announcements (gratuitous requests) by its owner.
                if sender_ip != tpa or op not in (1, 2):
                    continue
                if op == 1 and frame[38:42] != tpa:
                    continue
                mac = mac_text(frame[22:28])
                if first_reply is None:
                    first_reply = at
                if mac not in macs:
                    macs.append(mac)
            else:
                if not os.read(stdin_fd, 4096):
                    watch = [sock]
                    end_ns = 0
    flush_round()


if __name__ == '__main__':
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
