#!/usr/bin/env python3
"""A tiny Bearer token server for docker-registry's `auth: token:` (tests only).

    img-registry-token-server.py DIR USER:PASS

Listens on 127.0.0.1 (a free port, written to DIR/port once bound) and answers
GET /token?service=..&scope=..&account=.. as Docker Hub's auth server does:
Basic credentials checked (wrong ones: 401), anonymous clients get a token
granting nothing, good ones get every action they asked for. Tokens are JWTs
signed RS256 with DIR/key.pem by `openssl dgst -sha256 -sign`; the header
carries the certificate DIR/cert.pem as x5c, which distribution's verifier
checks against its rootcertbundle. Every request is a line in DIR/requests:
"<user or -> <scope or -> <status>".
"""
import base64
import http.server
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse

ISSUER = "wharf-test-issuer"
SERVICE = "wharf-test-registry"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(path):
    with open(path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("-----")]
    return "".join(lines)  # the PEM body is the DER in standard base64


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def record(self, user, scopes, status):
        with open(os.path.join(self.server.dir, "requests"), "a") as f:
            f.write("%s %s %d\n" % (user or "-", " ".join(scopes) or "-", status))

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        scopes = query.get("scope", [])
        if url.path != "/token" or query.get("service", [""])[0] != SERVICE:
            self.record("-", scopes, 404)
            return self.reply(404, {"details": "unknown service"})
        user = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                given = base64.b64decode(auth[6:]).decode()
            except Exception:
                given = ""
            if given != self.server.credentials:
                self.record(given.split(":")[0], scopes, 401)
                return self.reply(401, {"details": "incorrect username or password"})
            user = given.split(":")[0]
        access = []
        for s in scopes:
            parts = s.split(":")
            if user and len(parts) >= 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.server.x5c]}
        claims = {"iss": ISSUER, "sub": user or "", "aud": SERVICE, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": secrets.token_hex(8), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.server.key],
                             input=signing_input.encode(), capture_output=True, check=True).stdout
        token = signing_input + "." + b64url(sig)
        self.record(user, scopes, 200)
        self.reply(200, {"token": token, "access_token": token, "expires_in": 300,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})


def main():
    d, credentials = sys.argv[1], sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.dir = d
    server.credentials = credentials
    server.key = os.path.join(d, "key.pem")
    server.x5c = cert_der_b64(os.path.join(d, "cert.pem"))
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
