#!/usr/bin/env python3
# Reads an 8-bit RGB PNG (what rvisor's --screenshot writes) with zlib alone and checks
# pixels: fb_pixels.py FILE.png WIDTH HEIGHT [SPEC ...]; a SPEC is X,Y=RRGGBB (that pixel)
# or lit:X0,Y0,X1,Y1>=N (at least N pixels of the box have a channel above 0x80).
# Prints "ok" or what differs.
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype = ihdr[:4]
    if depth != 8 or ctype != 2:
        raise ValueError("not 8-bit RGB")
    raw, bpp, stride = zlib.decompress(idat), 3, w * 3
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows


def main():
    w, h, rows = read_png(sys.argv[1])
    bad = []
    if (w, h) != (int(sys.argv[2]), int(sys.argv[3])):
        bad.append("size %dx%d" % (w, h))
    for spec in sys.argv[4:]:
        if spec.startswith("lit:"):
            box, least = spec[4:].split(">=")
            x0, y0, x1, y1 = map(int, box.split(","))
            lit = sum(1 for y in range(y0, y1) for x in range(x0, x1)
                      if max(rows[y][3 * x:3 * x + 3]) > 0x80)
            if lit < int(least):
                bad.append("%s: %d lit" % (spec, lit))
            continue
        xy, want = spec.split("=")
        x, y = map(int, xy.split(","))
        got = "%02x%02x%02x" % tuple(rows[y][3 * x:3 * x + 3])
        if got != want.lower():
            bad.append("%s is %s" % (spec, got))
    print("ok" if not bad else "; ".join(bad))


main()
