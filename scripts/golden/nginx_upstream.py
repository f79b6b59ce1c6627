#!/usr/bin/env python3
"""Record golden vectors for the nginx-upstream simulation from a real nginx.

Starts a real nginx (Debian package, installed if missing) as a proxy on
127.0.0.1 with an `upstream` block per scenario, and one tiny nginx per backend
(each answers with its own name) on other loopback ports. A backend that
"fails" is stopped, so its port refuses connections; "heal" starts it again.
Every nginx runs in the foreground (`daemon off; master_process off;`) from
its own temporary prefix and is stopped by its PID. Clients bind to 127.x.y.z
source addresses so ip_hash sees different clients. Only loopback traffic.

Writes tests/golden/nginx_upstream.jsonl: one scenario per line with the
simulation config (JSON, which is YAML), the commands, and nginx's replies to
each request command ({"server", "tried", "status"}).

Usage: scripts/golden/nginx_upstream.py [OUTPUT]
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PROXY_PORT = 28471
BASE_PORT = 29001
NAMES = "abcdefgh"


def ensure_nginx():
    if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
        return
    subprocess.run(["apt-get", "update"], check=False)
    for _ in range(30):
        r = subprocess.run(["apt-get", "install", "-y", "nginx"])
        if r.returncode == 0:
            return
        time.sleep(10)  # another apt may hold the lock
    sys.exit("could not install nginx")


def nginx_bin():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def port_of(name):
    return BASE_PORT + NAMES.index(name)


def wait_port(port, up, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        s = socket.socket()
        s.settimeout(0.2)
        try:
            s.connect(("127.0.0.1", port))
            ok = True
        except OSError:
            ok = False
        finally:
            s.close()
        if ok == up:
            return
        time.sleep(0.02)
    raise RuntimeError(f"port {port} did not become {'open' if up else 'closed'}")


class Nginx:
    """One foreground nginx with its own prefix, stopped by PID."""

    def __init__(self, root, tag, http_body, port):
        self.prefix = os.path.join(root, tag)
        os.makedirs(os.path.join(self.prefix, "logs"), exist_ok=True)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        self.port = port
        with open(self.conf, "w") as f:
            f.write(
                f"""daemon off;
master_process off;
worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {self.prefix}/body;
    proxy_temp_path {self.prefix}/proxy;
    fastcgi_temp_path {self.prefix}/fastcgi;
    uwsgi_temp_path {self.prefix}/uwsgi;
    scgi_temp_path {self.prefix}/scgi;
{http_body}
}}
"""
            )
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [nginx_bin(), "-p", self.prefix, "-c", self.conf, "-e", f"{self.prefix}/logs/error.log"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, True)

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
            wait_port(self.port, False)


def backend(root, name):
    port = port_of(name)
    body = f"""    server {{
        listen 127.0.0.1:{port};
        location / {{ add_header X-Backend {name}; return 200 "{name}\\n"; }}
    }}"""
    return Nginx(root, f"backend-{name}", body, port)


class HoldingBackends:
    """Python backends for scenarios with held connections: a request whose
    URI carries `?hold=ID` is not answered until `release ID`, so nginx keeps
    that upstream connection (and the peer's `conns`) busy meanwhile. Every
    other request is answered at once with the backend's name."""

    def __init__(self, names):
        import threading
        self.threading = threading
        self.lock = threading.Lock()
        self.held = {}  # id -> (name, backend socket)
        self.socks = []
        self.stop_flag = False
        self.threads = []
        for name in names:
            ls = socket.socket()
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind(("127.0.0.1", port_of(name)))
            ls.listen(16)
            ls.settimeout(0.2)
            self.socks.append(ls)
            t = threading.Thread(target=self.serve, args=(name, ls), daemon=True)
            t.start()
            self.threads.append(t)

    def serve(self, name, ls):
        while not self.stop_flag:
            try:
                c, _ = ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].decode("latin-1")
            if "hold=" in line:
                hid = int(line.split("hold=")[1].split()[0])
                with self.lock:
                    self.held[hid] = (name, c)
            else:
                self.answer(name, c)

    @staticmethod
    def answer(name, c):
        body = f"{name}\n".encode()
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        c.close()

    def wait_held(self, hid, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if hid in self.held:
                    return self.held[hid][0]
            time.sleep(0.005)
        raise RuntimeError(f"held request {hid} never reached a backend")

    def release(self, hid):
        with self.lock:
            name, c = self.held.pop(hid)
        self.answer(name, c)

    def close(self):
        self.stop_flag = True
        for ls in self.socks:
            ls.close()
        for t in self.threads:
            t.join()


def upstream_block(cfg):
    lines = []
    m = cfg.get("method", "round_robin")
    key = cfg.get("key", "$request_uri")
    directive = {
        "round_robin": None,
        "ip_hash": "ip_hash;",
        "hash": f"hash {key};",
        "hash_consistent": f"hash {key} consistent;",
        "least_conn": "least_conn;",
        "random": "random;",
        "random_two_least_conn": "random two least_conn;",
    }[m]
    if directive:
        lines.append(directive)
    for s in cfg["servers"]:
        parts = [f"server {s['addr']}"]
        for k in ("weight", "max_fails"):
            if k in s:
                parts.append(f"{k}={s[k]}")
        if "fail_timeout" in s:
            parts.append(f"fail_timeout={s['fail_timeout']}s")
        if s.get("down"):
            parts.append("down")
        if s.get("backup"):
            parts.append("backup")
        lines.append(" ".join(parts) + ";")
    return "\n        ".join(lines)


def proxy(root, cfg, n):
    body = f"""    upstream backend {{
        {upstream_block(cfg)}
    }}
    server {{
        listen 127.0.0.1:{PROXY_PORT};
        location / {{
            proxy_pass http://backend;
            proxy_connect_timeout 2s;
            add_header X-Upstream-Addr $upstream_addr always;
            add_header X-Upstream-Status $upstream_status always;
        }}
    }}"""
    return Nginx(root, f"proxy-{n}", body, PROXY_PORT)


def request(ip, uri, addr_names):
    s = socket.create_connection(("127.0.0.1", PROXY_PORT), timeout=10, source_address=(ip, 0))
    try:
        s.sendall(f"GET {uri} HTTP/1.0\r\nHost: golden\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdr = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdr[k.strip().lower()] = v.strip()
    tried = []
    for a in hdr.get("x-upstream-addr", "").replace(" : ", ", ").split(","):
        a = a.strip()
        if a in addr_names:
            tried.append(addr_names[a])
    server = body.decode().strip() if status == 200 else None
    return {"server": server, "tried": tried, "status": status}


def run_scenario(root, n, sc):
    cfg = sc["config"]
    for s in cfg["servers"]:
        s.setdefault("addr", f"127.0.0.1:{port_of(s['name'])}")
    addr_names = {s["addr"]: s["name"] for s in cfg["servers"]}
    holding = None
    if sc.get("hold"):
        holding = HoldingBackends([s["name"] for s in cfg["servers"]])
        backends = {}
    else:
        backends = {s["name"]: backend(root, s["name"]) for s in cfg["servers"]}
    failing = set()
    for b in backends.values():
        b.start()
    px = proxy(root, cfg, n)
    px.start()
    replies = []
    next_id = 1
    clients = {}  # held id -> client socket
    try:
        for cmd in sc["commands"]:
            w = cmd.split()
            if w[0] in ("req", "reqs"):
                count = int(w[1]) if w[0] == "reqs" else 1
                args = w[2:] if w[0] == "reqs" else w[1:]
                ip, uri, hold = "127.0.0.1", "/", False
                for a in args:
                    if a.startswith("ip="):
                        ip = a[3:]
                    elif a.startswith("uri="):
                        uri = a[4:]
                    elif a == "hold":
                        hold = True
                out = []
                for _ in range(count):
                    if hold:
                        c = socket.create_connection(("127.0.0.1", PROXY_PORT), timeout=10, source_address=(ip, 0))
                        c.sendall(f"GET /?hold={next_id} HTTP/1.0\r\nHost: golden\r\n\r\n".encode())
                        name = holding.wait_held(next_id)
                        clients[next_id] = c
                        out.append({"server": name, "tried": [name], "status": 200})
                    else:
                        out.append(request(ip, uri, addr_names))
                    next_id += 1
                replies.append(out if w[0] == "reqs" else out[0])
            elif w[0] == "release":
                hid = int(w[1])
                holding.release(hid)
                c = clients.pop(hid)
                while c.recv(65536):
                    pass  # the whole response: nginx has freed the peer
                c.close()
                replies.append(None)
            elif w[0] == "fail":
                backends[w[1]].stop()
                failing.add(w[1])
                replies.append(None)
            elif w[0] == "heal":
                backends[w[1]].start()
                failing.discard(w[1])
                replies.append(None)
            elif w[0] == "tick":
                # nginx counts whole seconds of its cached clock; sleeping half a
                # second more than asked makes the elapsed count at least that.
                time.sleep(int(w[1]) + 0.5)
                replies.append(None)
            elif w[0] == "remove":
                # nginx changes peers by reloading: a fresh upstream state.
                px.stop()
                cfg["servers"] = [s for s in cfg["servers"] if s["name"] != w[1]]
                px = proxy(root, cfg, f"{n}-r")
                px.start()
                replies.append(None)
            else:
                raise ValueError(cmd)
    finally:
        for c in clients.values():
            c.close()
        px.stop()
        for name, b in backends.items():
            b.stop()
        if holding is not None:
            with holding.lock:
                for _, c in holding.held.values():
                    c.close()
            holding.close()
    return replies


def S(name, **kw):
    d = {"name": name}
    d.update(kw)
    return d


URIS = [f"/item/{i}" for i in range(1, 31)] + ["/", "/a?b=1", "/img/x.png", "/api/v1/users/42"]


def scenarios():
    sc = []
    add = lambda name, cfg, cmds, **kw: sc.append(dict(name=name, config=cfg, commands=cmds, **kw))
    # smooth weighted round robin
    add("swrr-5-1-1", {"servers": [S("a", weight=5), S("b"), S("c")]}, ["reqs 21"])
    add("swrr-3-2-1", {"servers": [S("a", weight=3), S("b", weight=2), S("c")]}, ["reqs 12"])
    add("swrr-equal-4", {"servers": [S("a"), S("b"), S("c"), S("d")]}, ["reqs 8"])
    add("swrr-2-3-7", {"servers": [S("a", weight=2), S("b", weight=3), S("c", weight=7)]}, ["reqs 24"])
    add("swrr-down", {"servers": [S("a", weight=4), S("b", weight=2, down=True), S("c")]}, ["reqs 10"])
    # failures, retries, recovery
    add("swrr-failure", {"servers": [S("a", weight=2), S("b", fail_timeout=30), S("c")]}, ["fail b", "reqs 12"])
    add("recovery-max-fails-1",
        {"servers": [S("a", weight=1, fail_timeout=1), S("b", weight=4, fail_timeout=1)]},
        ["fail b", "reqs 3", "heal b", "tick 2", "reqs 12"])
    add("recovery-max-fails-2",
        {"servers": [S("a", weight=1, max_fails=2, fail_timeout=1), S("b", weight=4, max_fails=2, fail_timeout=1)]},
        ["fail b", "reqs 4", "heal b", "tick 2", "reqs 12"])
    add("max-fails-0-never-disabled",
        {"servers": [S("a", weight=2), S("b", max_fails=0), S("c")]}, ["fail b", "reqs 8"])
    add("fails-accumulate-within-timeout",
        {"servers": [S("a"), S("b", max_fails=3, fail_timeout=30)]},
        ["fail b", "reqs 2", "heal b", "reqs 2", "fail b", "reqs 4", "heal b", "reqs 4"])
    add("probe-fails-again",
        {"servers": [S("a"), S("b", fail_timeout=1)]},
        ["fail b", "reqs 3", "tick 2", "reqs 3", "heal b", "tick 2", "reqs 4"])
    add("all-dead", {"servers": [S("a"), S("b")]}, ["fail a", "fail b", "reqs 3"])
    add("single-peer-dead", {"servers": [S("a")]}, ["reqs 2", "fail a", "reqs 3", "heal a", "reqs 2"])
    # backup
    add("backup-takes-over",
        {"servers": [S("a", fail_timeout=30), S("b", fail_timeout=30), S("c", backup=True)]},
        ["fail a", "fail b", "reqs 6"])
    add("backup-then-primary-back",
        {"servers": [S("a", fail_timeout=1), S("b", fail_timeout=1), S("c", backup=True), S("d", backup=True)]},
        ["reqs 2", "fail a", "fail b", "reqs 4", "heal a", "heal b", "reqs 2", "tick 2", "reqs 4"])
    add("backup-unused-while-primary-lives",
        {"servers": [S("a"), S("b", fail_timeout=30), S("c", backup=True)]}, ["fail b", "reqs 5"])
    # ip_hash
    ips = [f"127.{a}.{b}.1" for a, b in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 5), (9, 9), (10, 20), (100, 3), (200, 7), (255, 255), (3, 4)]]
    ip_cmds = [f"req ip={ip}" for ip in ips] + ["req ip=127.0.0.9", "req ip=127.1.1.200"]
    add("ip-hash-equal", {"method": "ip_hash", "servers": [S("a"), S("b"), S("c")]}, ip_cmds)
    add("ip-hash-weighted", {"method": "ip_hash", "servers": [S("a", weight=3), S("b"), S("c", weight=2)]}, ip_cmds)
    add("ip-hash-down", {"method": "ip_hash", "servers": [S("a"), S("b", down=True), S("c")]}, ip_cmds)
    add("ip-hash-dead", {"method": "ip_hash", "servers": [S("a"), S("b", fail_timeout=30), S("c"), S("d")]},
        ["fail b"] + ip_cmds + ip_cmds)
    # hash $request_uri
    uri_cmds = [f"req uri={u}" for u in URIS]
    add("hash-uri-equal", {"method": "hash", "key": "$request_uri", "servers": [S("a"), S("b"), S("c")]}, uri_cmds)
    add("hash-uri-weighted", {"method": "hash", "key": "$request_uri", "servers": [S("a", weight=3), S("b"), S("c")]}, uri_cmds)
    add("hash-uri-down", {"method": "hash", "key": "$request_uri", "servers": [S("a"), S("b", down=True), S("c"), S("d")]}, uri_cmds)
    add("hash-uri-dead", {"method": "hash", "key": "$request_uri", "servers": [S("a"), S("b", fail_timeout=30), S("c")]}, ["fail b"] + uri_cmds)
    add("hash-remote-addr", {"method": "hash", "key": "$remote_addr", "servers": [S("a"), S("b"), S("c")]}, ip_cmds)
    # hash consistent
    many = [f"req uri=/item/{i}" for i in range(1, 61)]
    four = [S("a"), S("b"), S("c"), S("d")]
    add("chash-remove-d", {"method": "hash_consistent", "key": "$request_uri", "servers": four}, many + ["remove d"] + many)
    add("chash-dead-b", {"method": "hash_consistent", "key": "$request_uri",
                         "servers": [S("a"), S("b", fail_timeout=30), S("c"), S("d")]}, ["fail b"] + many)
    add("chash-weighted", {"method": "hash_consistent", "key": "$request_uri",
                           "servers": [S("a", weight=2), S("b"), S("c", weight=3)]}, many[:40])
    add("chash-down", {"method": "hash_consistent", "key": "$request_uri",
                       "servers": [S("a"), S("b"), S("c", down=True)]}, many[:40])
    # least_conn (sequential requests: every tie goes to SWRR)
    add("least-conn-equal", {"method": "least_conn", "servers": [S("a"), S("b"), S("c")]}, ["reqs 9"])
    add("least-conn-3-2-1", {"method": "least_conn", "servers": [S("a", weight=3), S("b", weight=2), S("c")]}, ["reqs 12"])
    add("least-conn-backup", {"method": "least_conn", "servers": [S("a", fail_timeout=30), S("b", fail_timeout=30), S("c", backup=True)]},
        ["reqs 2", "fail a", "reqs 3", "fail b", "reqs 3"])
    # least_conn with connections held open (overlapping requests)
    add("least-conn-held", {"method": "least_conn", "servers": [S("a"), S("b"), S("c")]},
        ["req hold", "req hold", "req", "req", "release 1", "req hold", "req", "release 2", "release 5", "reqs 6"], hold=True)
    add("least-conn-held-weighted", {"method": "least_conn", "servers": [S("a", weight=3), S("b"), S("c", weight=2)]},
        ["reqs 4 hold", "reqs 6", "release 2", "reqs 3 hold", "release 1", "release 3", "reqs 8"], hold=True)
    add("least-conn-held-backup", {"method": "least_conn", "servers": [S("a"), S("b"), S("c", backup=True)]},
        ["reqs 3 hold", "reqs 3", "release 1", "reqs 3"], hold=True)
    add("round-robin-ignores-held", {"servers": [S("a", weight=2), S("b"), S("c")]},
        ["reqs 3 hold", "reqs 5", "release 2", "reqs 4"], hold=True)
    # random: only facts that do not depend on the random numbers
    add("random-one-live", {"method": "random", "servers": [S("a", down=True), S("b"), S("c", down=True)]}, ["reqs 6"], random=True)
    add("random-dead", {"method": "random", "servers": [S("a"), S("b", fail_timeout=30), S("c")]}, ["fail b", "reqs 10"], random=True)
    add("random-two-one-live", {"method": "random_two_least_conn", "servers": [S("a", down=True), S("b"), S("c", down=True)]},
        ["reqs 6"], random=True)
    add("random-two-dead", {"method": "random_two_least_conn", "servers": [S("a"), S("b", fail_timeout=30), S("c")]},
        ["fail b", "reqs 10"], random=True)
    return sc


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden", "nginx_upstream.jsonl")
    ensure_nginx()
    version = subprocess.run([nginx_bin(), "-v"], capture_output=True, text=True).stderr.strip()
    root = tempfile.mkdtemp(prefix="nginx-upstream-golden-")
    lines = []
    try:
        for n, sc in enumerate(scenarios()):
            replies = run_scenario(root, n, json.loads(json.dumps(sc)))
            cfg = json.loads(json.dumps(sc["config"]))
            for s in cfg["servers"]:
                s.setdefault("addr", f"127.0.0.1:{port_of(s['name'])}")
            rec = {"name": sc["name"], "nginx": version, "random": sc.get("random", False),
                   "config": json.dumps(cfg), "commands": sc["commands"], "replies": replies}
            lines.append(json.dumps(rec))
            print(sc["name"], file=sys.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} scenarios to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
