#!/usr/bin/env python3
"""Seed corpora for the fuzz targets of docs/fuzzing.md, from real material.

template:  the product's templates and every template of the Mustache spec.
leases:    every dhcpd leases file the lab captured (../shared/lab/dhcpd).
omapi:     what dhcpd sent over OMAPI in the lab's packet captures, one stream per seed.
kea-json:  every Kea answer the lab recorded (../shared/lab/kea).
inventory: the YAML inventories in README.md and in the tests' string literals.

Usage: python3 Benchmarks/Fuzz/corpus.py [OUT]   (default /tmp/failover-fuzz/corpus)
Run from the repository root, with ../shared beside it.
"""
import glob
import json
import os
import re
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/failover-fuzz/corpus"
lab = "../shared/lab"


def seed(target, name, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, re.sub(r"[^A-Za-z0-9._-]", "_", name)), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def tcp_streams(path):
    """Payload bytes per (source port, destination port) of an Ethernet or cooked pcap."""
    data = open(path, "rb").read()
    if len(data) < 24:
        return {}
    magic, = struct.unpack("<I", data[:4])
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    offset, streams = 24, {}
    while offset + 16 <= len(data):
        _, _, captured, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        start = {1: 14, 113: 16, 0: 4}.get(link)
        if start is None or len(frame) < start + 20 or frame[start] >> 4 != 4:
            continue
        ip = frame[start:]
        if ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            ports = struct.unpack(">HH", tcp[:4])
            streams[ports] = streams.get(ports, b"") + payload
    return streams


for path in glob.glob("Templates/*.mustache"):
    seed("template", os.path.basename(path), open(path, "rb").read())
for spec in glob.glob("../shared/mustache-spec/*.json"):
    for index, test in enumerate(json.load(open(spec))["tests"]):
        seed("template", "%s-%d" % (os.path.basename(spec), index), test["template"])

for path in glob.glob(lab + "/dhcpd/**/*.leases*", recursive=True):
    seed("leases", os.path.relpath(path, lab), open(path, "rb").read())

for path in glob.glob(lab + "/dhcpd/**/*.pcap", recursive=True):
    for (source, destination), payload in tcp_streams(path).items():
        seed("omapi", "%s-%d-%d" % (os.path.relpath(path, lab), source, destination), payload)

for path in glob.glob(lab + "/kea/**/*.json", recursive=True):
    seed("kea-json", os.path.relpath(path, lab), open(path, "rb").read())

blocks = re.findall(r"```yaml\n(.*?)```", open("README.md").read(), re.S)
for path in glob.glob("Tests/**/*.swift", recursive=True):
    source = open(path).read()
    blocks += [b for b in re.findall(r'"""\n(.*?)"""', source, re.S) if "appliances:" in b]
    blocks += [json.loads('"%s"' % b) for b in re.findall(r'"((?:[^"\\\n]|\\.)*appliances:(?:[^"\\\n]|\\.)*)"', source)]
for index, block in enumerate(blocks):
    # Swift string literals indent their lines and may interpolate; keep the literal text.
    indent = min((len(l) - len(l.lstrip()) for l in block.splitlines() if l.strip()), default=0)
    seed("inventory", "inventory-%d.yaml" % index, "\n".join(l[indent:] for l in block.splitlines()) + "\n")

for target in sorted(os.listdir(out)):
    print("%-10s %5d seeds" % (target, len(os.listdir(os.path.join(out, target)))))
