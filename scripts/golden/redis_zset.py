#!/usr/bin/env python3
"""Record redis-zset golden vectors from a real redis-server.

Usage: redis_zset.py PORT OUT.jsonl [REDIS_CLI]

Each scenario family starts from an empty keyspace with default listpack
limits. Every command line is split the way redis-cli splits what you type,
sent as a RESP array, and its RESP2 reply is written as JSON in the encoding
the tuitor session uses (integer -> number, bulk -> string or {"hex": ...} when
not UTF-8, nil -> null, array -> array, status -> {"status"}, error ->
{"error"}). With REDIS_CLI, a "cli-splitting" family also feeds quoted lines
through the real redis-cli and records the member bytes it produced.
"""
import json
import random
import socket
import subprocess
import sys


def split_args(line):
    """redis-cli argument splitting (double quotes with \\xHH escapes, single quotes)."""
    p = line.encode()
    n = len(p)
    at = lambda i: p[i] if i < n else 0
    hexd = b"0123456789abcdefABCDEF"
    out, i = [], 0
    while True:
        while i < n and (p[i] == 32 or 9 <= p[i] <= 13):
            i += 1
        if i >= n:
            return out
        cur, inq, insq = bytearray(), False, False
        while True:
            c = at(i)
            if inq:
                if c == 92 and at(i + 1) == ord("x") and at(i + 2) in hexd and at(i + 3) in hexd and at(i + 2) and at(i + 3):
                    cur.append(int(bytes([at(i + 2), at(i + 3)]), 16))
                    i += 3
                elif c == 92 and at(i + 1):
                    i += 1
                    cur.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("a"): 7}.get(at(i), at(i)))
                elif c == 34:
                    nx = at(i + 1)
                    if nx and not (nx == 32 or 9 <= nx <= 13):
                        raise ValueError("bad quotes")
                    i += 1
                    break
                elif i >= n:
                    raise ValueError("unterminated")
                else:
                    cur.append(c)
            elif insq:
                if c == 92 and at(i + 1) == 39:
                    i += 1
                    cur.append(39)
                elif c == 39:
                    nx = at(i + 1)
                    if nx and not (nx == 32 or 9 <= nx <= 13):
                        raise ValueError("bad quotes")
                    i += 1
                    break
                elif i >= n:
                    raise ValueError("unterminated")
                else:
                    cur.append(c)
            else:
                if c in (32, 10, 13, 9):
                    i += 1
                    break
                if i >= n:
                    break
                if c == 34:
                    inq = True
                elif c == 39:
                    insq = True
                else:
                    cur.append(c)
            i += 1
        out.append(bytes(cur))


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    def call(self, args):
        msg = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
        self.s.sendall(msg)
        return self.read()

    def read(self):
        line = self.f.readline()[:-2]
        t, rest = line[:1], line[1:]
        if t == b"+":
            return {"status": rest.decode()}
        if t == b"-":
            return {"error": rest.decode()}
        if t == b":":
            return int(rest)
        if t == b"$":
            ln = int(rest)
            if ln < 0:
                return None
            data = self.f.read(ln + 2)[:-2]
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return {"hex": data.hex()}
        if t == b"*":
            ln = int(rest)
            return None if ln < 0 else [self.read() for _ in range(ln)]
        raise ValueError("bad reply %r" % line)


FAMILIES = {}


def family(name, lines):
    FAMILIES[name] = [l for l in lines.strip().splitlines() if l.strip()]


family("basic", r"""
ZCARD zs
ZADD zs 1 a 2 b 3 c
ZADD zs 4 d 1 a
ZCARD zs
ZSCORE zs a
ZSCORE zs nope
ZSCORE missing a
ZRANK zs c
ZREVRANK zs c
ZRANK zs nope
ZRANK missing a
ZRANGE zs 0 -1
ZRANGE zs 0 -1 WITHSCORES
ZREVRANGE zs 0 -1 WITHSCORES
ZRANGE missing 0 -1
EXISTS zs missing zs
zadd zs 5 e
ZrAnGe zs 0 1 withscores
""")

family("ties-and-bytes", r"""
ZADD zs 1 b 1 a 1 B 1 "" 1 10 1 9 1 "a\x00b" 1 "a b" 1 "\xc3\xa9" 1 "\xff" 1 Zebra 1 aa
ZRANGE zs 0 -1
ZRANK zs a
ZRANK zs ""
ZRANK zs "a\x00b"
ZREVRANK zs "\xff"
ZSCORE zs ""
ZRANGEBYSCORE zs 1 1 LIMIT 3 4
ZREVRANGEBYSCORE zs 1 1 LIMIT 0 3
ZADD zs 0 z 2 A
ZRANGE zs 0 2
ZREM zs "" "a\x00b" nope
ZRANGE zs 0 -1
ZCARD zs
ZADD zs -0 neg 0 pos
ZRANGE zs 0 3 WITHSCORES
ZSCORE zs neg
ZADD zs 0 neg
ZSCORE zs neg
""")

family("score-format", r"""
ZADD zs 0.1 a 3.14159 b 1e15 c 1e16 d 1e17 e -0 f 1e-5 g 5e-324 h 1.7976931348623157e308 i 0x10 j 0x1p-2 k .5 l 5. m 123456789 n 1.5e-300 o 0.0001 p -2.5 q 2.2250738585072014e-308 r
ZRANGE zs 0 -1 WITHSCORES
ZINCRBY zs 0.2 a
ZADD zs +inf s -inf t inf u Infinity v -INF w
ZRANGE zs 0 -1 WITHSCORES
ZADD zs 1e999 x
ZADD zs 1e-999 x
ZADD zs nan x
ZADD zs " 1" x
ZADD zs "1 " x
ZADD zs "" x
ZADD zs 1e x
ZADD zs 0x x
ZADD zs 1,5 x
ZADD zs 0e-999 x
ZADD zs +1.5 y
ZADD zs 4e-320 z
ZSCORE zs z
ZSCORE zs x
ZSCORE zs y
ZADD zs 1 ok 2 "a\x00" "1\x002" bad
ZCARD zs
""")

family("zadd-flags", r"""
ZADD zs 5 m
ZADD zs NX 1 m 1 n
ZSCORE zs m
ZADD zs XX 1 m 1 x
ZSCORE zs x
ZADD zs XX CH 6 m 2 z
ZADD zs CH 6 m 7 n 8 w
ZADD zs GT 5 m
ZADD zs GT CH 4 m
ZADD zs GT CH 9 m
ZADD zs LT CH 10 m
ZADD zs LT CH 1 m
ZADD zs GT CH 1 newgt
ZADD zs LT XX CH 0 m 0 nothere
ZADD zs INCR 2 m
ZADD zs GT INCR -1 m
ZADD zs LT INCR -1 m
ZADD zs LT INCR 1 m
ZADD zs NX INCR 1 m
ZADD zs NX INCR 1 fresh
ZADD zs XX INCR 1 absent
ZADD zs INCR 0 m
ZADD zs CH INCR 1 m
ZADD zs NX XX 1 m
ZADD zs GT LT 1 m
ZADD zs GT NX 1 m
ZADD zs LT NX 1 m
ZADD zs INCR 1 m 2 n
ZADD zs NX XX 1
ZADD zs 1
ZADD zs CH
ZADD zs 1 a 2
ZADD zs xx 1 m
ZADD zs nx nx 3 q
ZADD zs 1 nx
ZADD zs GT CH INCR 5 m
ZADD zs 1 a abc b
ZSCORE zs a
ZADD missing XX 1 a
EXISTS missing
ZADD missing XX INCR 1 a
ZADD missing GT 1 a
ZINCRBY fresh 2.5 m
ZINCRBY fresh 2.5 m
ZINCRBY fresh x m
ZINCRBY fresh nx m
ZINCRBY fresh 1 m extra
ZRANGE zs 0 -1 WITHSCORES
""")

family("nan", r"""
ZADD zs +inf m 1 other
ZINCRBY zs -inf m
ZADD zs INCR -inf m
ZSCORE zs m
ZADD zs INCR +inf m
ZADD zs GT INCR -inf m
ZADD zs -inf n
ZINCRBY zs +inf n
ZINCRBY zs 1 n
ZINCRBY zs 1e308 big
ZINCRBY zs 1e308 big
ZRANGE zs 0 -1 WITHSCORES
""")

family("signed-zero", r"""
ZADD lp -0 a
ZSCORE lp a
ZINCRBY lp2 -0 m
ZSCORE lp2 m
ZADD lp3 0 a
ZINCRBY lp3 -0 a
ZADD lp3 INCR -0 a
CONFIG SET zset-max-listpack-entries 0
ZADD sl -0 a 0 b
ZSCORE sl a
ZRANGE sl 0 -1 WITHSCORES
ZINCRBY sl -0 c
ZSCORE sl c
ZADD sl CH 0 a
ZSCORE sl a
ZINCRBY sl 0 a
ZRANGEBYSCORE sl 0 0 WITHSCORES
ZRANGEBYSCORE sl -0 (0
ZCOUNT sl -0 0
ZADD sl2 -0 x 1 y 2 z
ZINCRBY sl2 -1 y
ZRANGE sl2 0 -1 WITHSCORES
""")

family("score-ranges", r"""
ZADD zs 1 a 2 b 2 c 3 d 4 e 5 f -inf lo +inf hi
ZRANGEBYSCORE zs 1 3
ZRANGEBYSCORE zs (1 3
ZRANGEBYSCORE zs 1 (3
ZRANGEBYSCORE zs (1 (2
ZRANGEBYSCORE zs (2 (2
ZRANGEBYSCORE zs 2 2
ZRANGEBYSCORE zs 3 1
ZRANGEBYSCORE zs -inf +inf
ZRANGEBYSCORE zs (-inf (+inf
ZRANGEBYSCORE zs -inf -inf
ZRANGEBYSCORE zs (inf +inf
ZRANGEBYSCORE zs inf inf WITHSCORES
ZRANGEBYSCORE zs -inf +inf WITHSCORES LIMIT 2 3
ZRANGEBYSCORE zs -inf +inf LIMIT 2 3 WITHSCORES
ZRANGEBYSCORE zs -inf +inf LIMIT 0 -1
ZRANGEBYSCORE zs -inf +inf LIMIT 0 0
ZRANGEBYSCORE zs -inf +inf LIMIT -1 2
ZRANGEBYSCORE zs -inf +inf LIMIT 7 5
ZRANGEBYSCORE zs -inf +inf LIMIT 8 5
ZRANGEBYSCORE zs -inf +inf LIMIT 100 5
ZRANGEBYSCORE zs 2 4 LIMIT 1 -5
ZRANGEBYSCORE zs 2 4 LIMIT 3 1
ZRANGEBYSCORE zs -inf +inf LIMIT 1
ZRANGEBYSCORE zs -inf +inf LIMIT x 1
ZRANGEBYSCORE zs -inf +inf LIMIT 1 1.5
ZRANGEBYSCORE zs -inf +inf LIMIT 1 1 LIMIT 2 2
ZRANGEBYSCORE zs -inf +inf BYSCORE
ZRANGEBYSCORE zs -inf +inf REV
ZRANGEBYSCORE zs -inf +inf foo
ZRANGEBYSCORE zs ((1 2
ZRANGEBYSCORE zs [1 2
ZRANGEBYSCORE zs 1 "2 "
ZRANGEBYSCORE zs " 1" 2
ZRANGEBYSCORE zs "" 5
ZRANGEBYSCORE zs ( 5
ZRANGEBYSCORE zs nan 5
ZRANGEBYSCORE zs 1e999 +inf
ZRANGEBYSCORE zs -1e999 0x2
ZRANGEBYSCORE zs "2\x00junk" 3
ZRANGEBYSCORE zs abc 1 LIMIT x 1
ZRANGEBYSCORE missing abc 1
ZRANGEBYSCORE missing 1 2
ZREVRANGEBYSCORE zs 3 1
ZREVRANGEBYSCORE zs 1 3
ZREVRANGEBYSCORE zs (3 (1 WITHSCORES
ZREVRANGEBYSCORE zs +inf -inf LIMIT 1 3
ZREVRANGEBYSCORE zs +inf -inf LIMIT -1 3
ZREVRANGEBYSCORE zs 4 2 LIMIT 2 5
ZREVRANGEBYSCORE zs (2 -inf
""")

family("zrange-generic", r"""
ZADD zs 1 a 2 b 3 c 4 d 5 e
ZRANGE zs 1 3
ZRANGE zs -2 -1
ZRANGE zs -100 1
ZRANGE zs 3 1
ZRANGE zs 5 10
ZRANGE zs 4 100
ZRANGE zs -1 -100
ZRANGE zs 0 -6
ZRANGE zs 0 -5
ZRANGE zs 1.5 2
ZRANGE zs -0 2
ZRANGE zs +1 2
ZRANGE zs 01 2
ZRANGE zs " 1" 2
ZRANGE zs 9223372036854775807 -9223372036854775808
ZRANGE zs 99999999999999999999 1
ZRANGE zs 0 -1 REV
ZRANGE zs 0 1 REV WITHSCORES
ZRANGE zs 2 4 BYSCORE
ZRANGE zs 4 2 BYSCORE REV
ZRANGE zs (2 +inf BYSCORE LIMIT 1 2 WITHSCORES
ZRANGE zs +inf -inf BYSCORE REV LIMIT 0 2
ZRANGE zs 0 -1 LIMIT 0 1
ZRANGE zs 0 -1 REV REV
ZRANGE zs 0 -1 BYSCORE BYSCORE
ZRANGE zs a b BYSCORE
ZRANGE zs a b
ZRANGE missing a b
ZRANGE zs 0 -1 WITHSCORES WITHSCORES
ZREVRANGE zs 0 1
ZREVRANGE zs -2 -1 WITHSCORES
ZREVRANGE zs 0 -1 REV
ZREVRANGE zs 0 -1 BYSCORE
ZREVRANGE zs 0 -1 LIMIT 0 1
ZREVRANGE zs 1 0
""")

family("zcount", r"""
ZCOUNT missing 1 2
ZCOUNT missing x 2
ZADD zs 1 a 2 b 2 c 3 d 4 e
ZCOUNT zs -inf +inf
ZCOUNT zs 2 2
ZCOUNT zs (2 2
ZCOUNT zs (1 (4
ZCOUNT zs 5 10
ZCOUNT zs -10 0
ZCOUNT zs 3 1
ZCOUNT zs x 1
ZCOUNT zs 1
ZCOUNT zs (2 +inf
""")

family("zrem-and-keys", r"""
ZADD zs 1 a 2 b 3 c
ZREM zs a a nope
ZREM missing a
ZREM zs b c d
EXISTS zs
ZCARD zs
ZRANGE zs 0 -1
ZADD zs 1 a 2 b
DEL zs zs other
EXISTS zs
ZADD zs 1 a
ZREM zs
OBJECT ENCODING zs
OBJECT ENCODING missing
""")

family("arity", r"""
ZADD zs
ZADD zs 1
ZINCRBY zs 1
ZINCRBY zs 1 a b
ZREM zs
ZSCORE zs
ZSCORE zs a b
ZRANK zs
ZREVRANK zs a b
ZCARD
ZCARD zs zs
ZCOUNT zs 1
ZRANGE zs 0
ZREVRANGE zs 0
ZRANGEBYSCORE zs 0
ZREVRANGEBYSCORE zs 0
DEL
EXISTS
OBJECT ENCODING
""")

family("encoding", r"""
ZADD zs 1 a 2 b
OBJECT ENCODING zs
ZADD long 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING long
ZADD exact 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING exact
ZADD zs 3 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING zs
CONFIG SET zset-max-listpack-entries 4
ZADD four 1 a 2 b 3 c 4 d
OBJECT ENCODING four
ZADD four 5 d
OBJECT ENCODING four
ZADD four XX 5 e
OBJECT ENCODING four
ZADD four NX 5 e
OBJECT ENCODING four
ZREM four a b c d
OBJECT ENCODING four
ZRANGE four 0 -1 WITHSCORES
CONFIG SET zset-max-listpack-entries 0
ZADD zero 1 a
OBJECT ENCODING zero
CONFIG SET zset-max-listpack-entries 128
CONFIG SET zset-max-listpack-value 0
ZADD v0 1 ""
OBJECT ENCODING v0
ZADD v0 1 x
OBJECT ENCODING v0
ZADD v1 1 x
OBJECT ENCODING v1
CONFIG SET zset-max-ziplist-value 64
ZADD v2 1 x
OBJECT ENCODING v2
""")


def big_family():
    rnd = random.Random(20240607)
    lines = []
    scores = ["1", "2", "2.5", "-3", "0", "+inf", "-inf", "1e10", "7"]
    for i in range(0, 300, 30):
        pairs = " ".join("%s m%d" % (rnd.choice(scores), rnd.randrange(400)) for _ in range(30))
        lines.append("ZADD big " + pairs)
    lines.append("ZCARD big")
    for _ in range(12):
        lines.append("ZREM big " + " ".join("m%d" % rnd.randrange(400) for _ in range(10)))
        lines.append("ZINCRBY big %s m%d" % (rnd.choice(scores), rnd.randrange(400)))
    for _ in range(40):
        k = rnd.randrange(6)
        if k == 0:
            lines.append("ZRANK big m%d" % rnd.randrange(400))
        elif k == 1:
            lines.append("ZREVRANK big m%d" % rnd.randrange(400))
        elif k == 2:
            a, b = rnd.randrange(-300, 300), rnd.randrange(-300, 300)
            lines.append("ZRANGE big %d %d WITHSCORES" % (a, b))
        elif k == 3:
            lo, hi = rnd.choice(scores), rnd.choice(scores)
            lines.append("ZRANGEBYSCORE big %s%s %s LIMIT %d %d" % (rnd.choice(["", "("]), lo, hi, rnd.randrange(-1, 50), rnd.randrange(-1, 20)))
        elif k == 4:
            lines.append("ZREVRANGEBYSCORE big %s (%s WITHSCORES LIMIT %d 10" % (rnd.choice(scores), rnd.choice(scores), rnd.randrange(0, 40)))
        else:
            lines.append("ZCOUNT big (%s %s" % (rnd.choice(scores), rnd.choice(scores)))
    lines.append("ZRANGE big 0 -1 WITHSCORES")
    FAMILIES["many-members"] = lines


big_family()

CLI_LINES = [
    r'ZADD split 1 "a\x00b"',
    r'ZADD split 2 ""',
    r'ZADD split 3 "tab\there"',
    r"ZADD split 4 'single \' quote'",
    r'ZADD split 5 "\xff\xFE"',
    r'ZADD split 6 pre"mid dle"',
    r'ZADD split 7 "q\"uote\\"',
    r'ZADD split 8 "\x4"',
    r'ZADD split 9 "\n\r\a\b\z"',
]


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    cli = sys.argv[3] if len(sys.argv) > 3 else None
    c = Conn(port)
    rows = []
    for name, lines in FAMILIES.items():
        c.call([b"FLUSHALL"])
        c.call([b"CONFIG", b"SET", b"zset-max-listpack-entries", b"128"])
        c.call([b"CONFIG", b"SET", b"zset-max-listpack-value", b"64"])
        for line in lines:
            args = split_args(line)
            reply = c.call(args)
            rows.append({"family": name, "cmd": line, "args": [a.hex() for a in args], "reply": reply})
    if cli:
        c.call([b"FLUSHALL"])
        for line in CLI_LINES:
            subprocess.run([cli, "-p", str(port)], input=(line + "\n").encode(), check=True, capture_output=True)
            sc = line.split()[2].encode()
            got = c.call([b"ZRANGEBYSCORE", b"split", sc, sc])
            members = [bytes.fromhex(m["hex"]) if isinstance(m, dict) else m.encode() for m in got]
            rows.append({"family": "cli-splitting", "cmd": line, "args": [a.hex() for a in split_args(line)], "cli_member": [m.hex() for m in members]})
    with open(out, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    info = c.call([b"INFO", b"server"])
    ver = [l for l in info.split("\r\n") if l.startswith("redis_version")]
    print("recorded %d vectors from %s" % (len(rows), ver[0] if ver else "redis"))


if __name__ == "__main__":
    main()
