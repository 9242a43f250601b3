/**
 * The fencing proxy, run with python3 inside a container on the sandbox network. It terminates TLS with
 * client-certificate authentication and forwards to the Docker socket only the calls fence_docker makes,
 * only for containers labelled as nodes of this sandbox:
 *   GET  /v*\/containers/json            → the list, filtered to this sandbox's nodes
 *   GET  /v*\/containers/<node>/json     → inspect
 *   POST /v*\/containers/<node>/start    → start
 *   POST /v*\/containers/<node>/kill     → SIGKILL, answered once the container has stopped (a power switch)
 *   POST /v*\/containers/<node>/restart  → SIGKILL, then start (a hard reset, not a clean reboot)
 * Anything else: 403. A container that is not a node of this sandbox: 404.
 */
export const FENCE_PROXY_PY = String.raw`import http.client, json, os, re, socket, ssl, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SANDBOX = os.environ["HAKIT_SANDBOX"]
LISTEN = os.environ["HAKIT_LISTEN"]
PORT = int(os.environ.get("HAKIT_PORT", "2376"))
SOCK = "/var/run/docker.sock"
CERTS = "/etc/hakit/fence"
PATH_RE = re.compile(r"^/v[0-9.]+/(containers/json|containers/([A-Za-z0-9_.-]{1,128})/(json|start|kill|restart))$")


class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=30)

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(SOCK)
        self.sock = s


def docker(method, path):
    c = UnixConnection()
    try:
        c.request(method, path, headers={"Content-Length": "0"} if method == "POST" else {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def node_info(plug):
    status, body = docker("GET", "/containers/%s/json" % urllib.parse.quote(plug, safe=""))
    if status != 200:
        return None
    info = json.loads(body)
    labels = (info.get("Config") or {}).get("Labels") or {}
    if labels.get("io.hakit.sandbox") == SANDBOX and labels.get("io.hakit.node"):
        return info
    return None


def wait_stopped(cid):
    # Like a power switch: answer once the node is off. fence_docker reads the state right after its kill and
    # otherwise sleeps a whole second when the container is still being torn down (bounded: 10 s).
    for _ in range(200):
        s, b = docker("GET", "/containers/%s/json" % cid)
        if s == 200 and not json.loads(b)["State"]["Running"]:
            return
        time.sleep(0.05)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15

    def setup(self):
        super().setup()
        self.request.do_handshake()

    def reply(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        m = PATH_RE.match(path)
        if not m:
            return self.reply(403, b'{"message":"forbidden by the hakit fencing proxy"}')
        if m.group(1) == "containers/json":
            if method != "GET":
                return self.reply(405)
            f = json.dumps({"label": ["io.hakit.sandbox=" + SANDBOX, "io.hakit.node"]})
            status, body = docker("GET", "/containers/json?all=1&filters=" + urllib.parse.quote(f))
            return self.reply(status, body)
        plug, action = m.group(2), m.group(3)
        info = node_info(plug)
        if info is None:
            return self.reply(404, b'{"message":"no such node in this sandbox"}')
        cid = info["Id"]
        if action == "json":
            if method != "GET":
                return self.reply(405)
            status, body = docker("GET", "/containers/%s/json" % cid)
            return self.reply(status, body)
        if method != "POST":
            return self.reply(405)
        name = (info.get("Name") or cid).lstrip("/")
        sys.stderr.write("fence: %s %s\n" % (action, name))
        if action == "start":
            status, body = docker("POST", "/containers/%s/start" % cid)
        elif action == "kill":
            status, body = docker("POST", "/containers/%s/kill?signal=KILL" % cid)
            if status in (204, 304):
                wait_stopped(cid)
        else:
            if (info.get("State") or {}).get("Running"):
                docker("POST", "/containers/%s/kill?signal=KILL" % cid)
            wait_stopped(cid)
            status, body = docker("POST", "/containers/%s/start" % cid)
        return self.reply(204 if status in (204, 304) else status, b"" if status in (204, 304) else body)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 4096:
            return self.reply(413)
        if n:
            self.rfile.read(n)
        self.route("POST")

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(CERTS + "/server-cert.pem", CERTS + "/server-key.pem")
ctx.load_verify_locations(CERTS + "/ca.pem")
ctx.verify_mode = ssl.CERT_REQUIRED
server = ThreadingHTTPServer((LISTEN, PORT), Handler)
server.daemon_threads = True
server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
print("hakit fence proxy listening on %s:%d for sandbox %s" % (LISTEN, PORT, SANDBOX), flush=True)
server.serve_forever()
`;
