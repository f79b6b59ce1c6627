#!/usr/bin/env python3
"""Record golden vectors for the redis-dict simulation from a real redis-server.

Installs redis-server from Debian if it is missing, starts it on 127.0.0.1 on a
high port in its own temporary directory, runs scenario families against db 0,
and writes tests/golden/redis_dict.jsonl (one scenario per line). The server is
stopped by its PID at the end.

Every scenario is a list of actions in the simulation's own command language,
each with the facts the real server showed that do not depend on its random
SipHash key (table sizes, trigger points, key counts, buckets moved per command,
replies). tests/golden_redis_dict.rs replays them through the same Session code
the CLI uses.

Facts are read with DEBUG HTSTATS 0 (sizes, elements and "different slots" of
each table). "moved" = how many non-empty buckets ht[0] lost during a command,
which is the number of buckets rehashed, as long as the command adds no key to
ht[0] and deletes none from it (new keys go to ht[1] while rehashing).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "golden", "redis_dict.jsonl")
PORT = 27379 + os.getpid() % 1000


def ensure_installed():
    if shutil.which("redis-server"):
        return
    updated = False
    for _ in range(40):
        if not updated:
            updated = subprocess.call(["apt-get", "update"]) == 0
        if updated and subprocess.call(["apt-get", "install", "-y", "redis-server"]) == 0:
            return
        time.sleep(15)  # another apt may hold the lock
    sys.exit("could not install redis-server")


class Redis:
    """A minimal RESP2 client."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return {"status": rest.decode()}
        if t == b"-":
            return {"error": rest.decode()}
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "replace")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError(line)

    def call(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        return self._reply()


def parse_htstats(text):
    """[{size, used, nonempty} or {"empty": True}, ...] for the main dict."""
    main = text.split("[Expires HT]")[0]
    tables = []
    for block in re.split(r"Hash table \d+ stats", main)[1:]:
        if "No stats available" in block:
            tables.append({"empty": True})
            continue
        get = lambda name: int(re.search(name + r": (\d+)", block).group(1))
        tables.append({
            "size": get("table size"),
            "used": get("number of elements"),
            "nonempty": get("different slots"),
        })
    return tables


class Recorder:
    def __init__(self, r, server_pid):
        self.r = r
        self.server_pid = server_pid
        self.scenarios = []

    def stats(self):
        return parse_htstats(self.r.call("DEBUG", "HTSTATS", "0"))

    def begin(self, name, family, activerehashing=False):
        self.wait_no_child()
        self.r.call("FLUSHALL")
        self.r.call("CONFIG", "SET", "activerehashing", "yes" if activerehashing else "no")
        self.r.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        self.cur = {"name": name, "family": family, "activerehashing": activerehashing, "actions": []}
        self.scenarios.append(self.cur)

    # --- one command ----------------------------------------------------------

    def cmd(self, line, facts=("reply",), real_args=None):
        """Run a command of the simulation language on the real server and record
        the listed facts."""
        before = self.stats()
        args = real_args if real_args is not None else line.split()
        reply = self.r.call(*args)
        after = self.stats()
        exp = {}
        for f in facts:
            if f == "reply":
                exp["reply"] = reply
            elif f == "total":
                exp["total"] = sum(t.get("used", 0) for t in after)
            elif f == "max_size":
                exp["max_size"] = max([t.get("size", 0) for t in after] + [0])
            elif f == "rehashing":
                exp["rehashing"] = len(after) == 2
            elif f == "size0":
                exp["size0"] = after[0]["size"]
            elif f == "moved":
                # ht[0] is the same table before and after unless the rehash
                # finished (then everything left in it moved).
                if len(before) == 1 and len(after) == 1:
                    exp["moved"] = 0
                else:
                    b0 = before[0].get("nonempty", 0)
                    a0 = after[0].get("nonempty", 0) if len(after) == 2 else 0
                    exp["moved"] = b0 - a0
            elif f == "cursor":
                exp["cursor"] = reply[0]
            elif f == "keys_sorted":
                exp["keys_sorted"] = sorted(reply[1])
            else:
                raise ValueError(f)
        self.cur["actions"].append({"cmd": line, "expect": exp})
        return reply, after

    def quiet(self, line):
        """A command whose facts are not compared (setup)."""
        self.r.call(*line.split())
        self.cur["actions"].append({"cmd": line, "expect": {}})

    def fill(self, n):
        """SET k1..kN v, as the simulation's `fill N` does."""
        for i in range(1, n + 1):
            self.r.call("SET", "k%d" % i, "v")
        self.cur["actions"].append({"cmd": "fill %d" % n, "expect": {}})

    def until_done(self, line):
        """Repeat a command until the rehash is over; record the final size, and
        (for the relation check) how many it took and the non-empty buckets of
        ht[0] before the first one."""
        st = self.stats()
        nonempty = st[0].get("nonempty", 0) if len(st) == 2 else 0
        count = 0
        while len(st) == 2:
            self.r.call(*line.split())
            count += 1
            st = self.stats()
            assert count < 100000
        self.cur["actions"].append({
            "until_done": line,
            "expect": {"size": st[0].get("size", 0)},
            "real": {"count": count, "nonempty_before": nonempty},
        })

    def scan_all(self, count):
        cursor = "0"
        keys = set()
        calls = 0
        while True:
            cursor, got = self.r.call("SCAN", cursor, "COUNT", count)
            keys.update(got)
            calls += 1
            if cursor == "0":
                break
        self.cur["actions"].append({"scan_all": count, "expect": {"keys": sorted(keys)}})

    def sleep_cron(self, ticks):
        """Let the real cron run (hz 10) and stand for it with `cron N`."""
        time.sleep(0.1 * ticks + 0.15)
        self.cur["actions"].append({"cmd": "cron %d" % ticks, "expect": {}})

    def check(self, facts):
        """Facts about the state now, with no command."""
        st = self.stats()
        exp = {}
        for f in facts:
            if f == "total":
                exp["total"] = sum(t.get("used", 0) for t in st)
            elif f == "rehashing":
                exp["rehashing"] = len(st) == 2
            elif f == "size0":
                exp["size0"] = st[0]["size"]
            elif f == "size":
                assert len(st) == 1
                exp["size"] = st[0].get("size", 0)
        self.cur["actions"].append({"check": True, "expect": exp})

    # --- background save --------------------------------------------------------

    def child_pids(self):
        pids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.server_pid:
                        pids.append(int(d))
                except (OSError, IndexError, ValueError):
                    pass
        return pids

    def bgsave(self):
        self.r.call("CONFIG", "SET", "rdb-key-save-delay", "1000000")
        reply = self.r.call("BGSAVE")
        assert reply == {"status": "Background saving started"}, reply
        self.cur["actions"].append({"cmd": "bgsave", "expect": {"reply": reply}})

    def in_progress(self):
        info = self.r.call("INFO", "persistence")
        return "rdb_bgsave_in_progress:1" in info

    def wait_no_child(self):
        for pid in self.child_pids():
            os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if not self.in_progress():
                return
            time.sleep(0.05)
        raise RuntimeError("child did not go away")

    def bgsave_done(self):
        self.wait_no_child()
        self.r.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        self.cur["actions"].append({"cmd": "bgsave-done", "expect": {"reply": {"status": "OK"}}})


# ---------------------------------------------------------------------------
# Scenario families
# ---------------------------------------------------------------------------

def family_growth(rec):
    rec.begin("growth-1-to-300", "growth")
    for i in range(1, 301):
        rec.cmd("set k%d v" % i, ("reply", "total", "max_size"))


def family_steps(rec):
    rec.begin("steps-per-command-256", "steps")
    rec.fill(256)
    rec.cmd("set k257 v", ("reply", "moved", "max_size"))
    for line in ["set k258 v", "set k1 v2", "set k258 v3", "get k2", "get missing",
                 "exists k3", "exists k3 missing k4", "del missing", "del missing1 missing2",
                 "dbsize", "scan 0", "del k258", "get k5"]:
        facts = ("reply", "moved") if not line.startswith("scan") else ("moved",)
        rec.cmd(line, facts)
    rec.until_done("get k1")
    rec.check(("total",))

    rec.begin("steps-small-4-to-8", "steps")
    rec.fill(4)
    rec.cmd("set k5 v", ("reply", "max_size", "total"))
    rec.until_done("exists k1")
    rec.check(("size",))


def family_bgsave(rec):
    rec.begin("bgsave-freezes-2x", "bgsave")
    rec.fill(8)
    rec.cmd("set k9 v", ("reply", "max_size", "rehashing"))
    rec.bgsave()
    rec.cmd("bgsave", ("reply",))
    for line in ["get k1", "get k2", "set x1 v", "set x2 v", "exists k3", "del missing"]:
        rec.cmd(line, ("reply", "moved", "total", "max_size"))
    rec.bgsave_done()
    rec.cmd("get k1", ("reply", "moved"))
    rec.until_done("get k1")
    rec.check(("size", "total"))

    rec.begin("bgsave-forced-growth", "bgsave")
    rec.fill(16)
    rec.until_done("get k1")
    rec.bgsave()
    for i in range(17, 97):
        rec.cmd("set k%d v" % i, ("reply", "total", "max_size", "rehashing"))
    rec.cmd("set k97 v", ("reply", "total", "max_size", "rehashing"))
    rec.cmd("get k1", ("reply", "moved"))
    rec.bgsave_done()
    rec.until_done("get k1")
    rec.check(("size", "total"))
    for i in range(98, 131):
        rec.cmd("set k%d v" % i, ("reply", "total", "max_size"))

    rec.begin("bgsave-stops-cron", "bgsave", activerehashing=False)
    rec.fill(8)
    rec.cmd("set k9 v", ("reply", "rehashing", "max_size"))
    rec.bgsave()
    rec.cmd("config activerehashing yes", (), real_args=["CONFIG", "SET", "activerehashing", "yes"])
    rec.sleep_cron(3)
    rec.check(("rehashing", "total"))
    rec.bgsave_done()
    rec.sleep_cron(3)
    rec.check(("size", "total"))


def family_shrink(rec):
    for left in [52, 51, 33, 32, 20, 5, 3, 0]:
        rec.begin("shrink-512-to-%d-keys" % left, "shrink")
        rec.fill(300)
        rec.until_done("get k1")
        rec.check(("size",))
        keys = ["k%d" % i for i in range(left + 1, 301)]
        # MULTI/EXEC so that no cron tick lands between the DEL and the check.
        rec.r.call("MULTI")
        rec.r.call("DEL", *keys)
        rec.r.call("DEBUG", "HTSTATS", "0")
        reply, stats = rec.r.call("EXEC")
        st = parse_htstats(stats)
        rec.cur["actions"].append({"cmd": "del " + " ".join(keys),
                                   "expect": dict({"reply": reply, "total": left, "rehashing": len(st) == 2},
                                                  **({"size0": st[0]["size"]} if left > 0 else {}))})
        rec.sleep_cron(2)
        rec.check(("rehashing", "size0", "total") if left > 0 else ("total",))
        rec.cmd("config activerehashing yes", (), real_args=["CONFIG", "SET", "activerehashing", "yes"])
        rec.sleep_cron(3)
        if left > 0:
            rec.check(("size", "total"))
        else:
            rec.check(("total",))

    rec.begin("shrink-by-reads", "shrink")
    rec.fill(300)
    rec.until_done("get k1")
    rec.quiet("del " + " ".join("k%d" % i for i in range(52, 301)))
    rec.sleep_cron(2)
    rec.check(("rehashing", "size0", "total"))
    rec.until_done("get k1")
    rec.check(("size", "total"))


def family_scan(rec):
    rec.begin("scan-small", "scan")
    rec.fill(3)
    rec.cmd("scan 0", ("cursor", "keys_sorted"))
    rec.cmd("scan 0 count 100", ("cursor", "keys_sorted"))
    rec.cmd("scan -1", ("cursor",))
    rec.cmd("scan 0 count 1", ())

    rec.begin("scan-full-100", "scan")
    rec.fill(100)
    rec.until_done("get k1")
    for count in [1, 3, 10, 1000]:
        rec.scan_all(count)

    rec.begin("scan-during-rehash", "scan")
    rec.fill(16)
    rec.cmd("set k17 v", ("reply", "rehashing", "max_size"))
    for count in [1, 2, 5]:
        rec.scan_all(count)
    rec.cmd("get k1", ("reply", "moved"))

    rec.begin("scan-empty", "scan")
    rec.cmd("scan 0", ("reply",))
    rec.cmd("scan 12345", ("reply",))


def family_errors(rec):
    rec.begin("errors", "errors")
    rec.fill(2)
    for line in ["get", "set k", "del", "exists", "dbsize x", "scan", "scan x", "scan 0 count 0",
                 "scan 0 count x", "scan 0 foo", "scan 0 count", "scan 1.5", "scan 99999999999999999999"]:
        rec.cmd(line, ("reply",))
    rec.bgsave()
    rec.cmd("bgsave", ("reply",))
    rec.bgsave_done()
    rec.cmd("get k1", ("reply",))
    rec.cmd("del k1 k2 k3", ("reply", "total"))


def family_reload(rec):
    """A restart that reloads the same keys: DEBUG RELOAD on the real server,
    `reseed` in the simulation. The table is presized to the key count."""
    for n in [3, 4, 5, 8, 9, 100, 128, 129]:
        rec.begin("reload-%d-keys" % n, "reload")
        rec.fill(n)
        rec.r.call("DEBUG", "RELOAD")
        rec.cur["actions"].append({"cmd": "reseed 7", "expect": {}})
        rec.check(("size", "total"))


def main():
    ensure_installed()
    version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    tmp = tempfile.mkdtemp(prefix="tuitor-redis-dict-")
    proc = subprocess.Popen(
        ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--dir", tmp,
         "--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
         "--daemonize", "no", "--logfile", os.path.join(tmp, "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = None
        for _ in range(100):
            try:
                r = Redis(PORT)
                if r.call("PING") == {"status": "PONG"}:
                    break
            except OSError:
                time.sleep(0.05)
        rec = Recorder(r, proc.pid)
        family_growth(rec)
        family_steps(rec)
        family_bgsave(rec)
        family_shrink(rec)
        family_scan(rec)
        family_errors(rec)
        family_reload(rec)
        rec.wait_no_child()
        with open(OUT, "w") as f:
            f.write(json.dumps({"meta": {"server": version}}) + "\n")
            for sc in rec.scenarios:
                f.write(json.dumps(sc, ensure_ascii=False) + "\n")
        print("wrote %d scenarios to %s (%s)" % (len(rec.scenarios), OUT, version))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
