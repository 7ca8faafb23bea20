#!/usr/bin/env python3
"""Real SMTP servers on 127.0.0.1 for tests/probe.rs, built on aiosmtpd.

Usage: python3 tests/smtp/server.py WORKDIR PASSWORD

Makes a throwaway CA and two server certificates (one for "localhost", one
for "wrong.example") with openssl in WORKDIR, starts the servers below on
free ports, prints one JSON line {"name": port, ...} and serves until its
standard input closes. Every AUTH attempt is appended to WORKDIR/auth.log as
a JSON line: the user name, the mechanism, whether the connection was TLS,
and whether the password matched (the expected password is passed in; the
test took it from a vector computed with Python's hmac, independently of the
tool). Tests tell their attempts apart by user name.

  starttls    STARTTLS on a plain port, AUTH PLAIN/LOGIN after TLS only
  implicit    TLS from the first byte, AUTH PLAIN/LOGIN
  login_only  STARTTLS, AUTH LOGIN only
  rejecting   STARTTLS, every AUTH answered 535
  throttled   STARTTLS, every AUTH answered 454
  no_auth     STARTTLS, no AUTH offered
  no_starttls plain, no STARTTLS offered (credentials must not be sent)
  wrong_host  STARTTLS with a certificate for wrong.example
  injecting   answers STARTTLS with "220" and, in the same packet, a forged
              reply that a careless client would read as coming over TLS
  closing     greets, then closes the connection after EHLO
  silent      accepts connections and never answers
"""
import asyncio
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, SMTP

workdir, expected_password = sys.argv[1], sys.argv[2]
log_path = os.path.join(workdir, "auth.log")
log_lock = threading.Lock()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, cwd=workdir, capture_output=True)


def make_certs():
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=ses-smtp-password test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name in ("localhost", "wrong.example"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", f"/CN={name}")
        ext = os.path.join(workdir, f"{name}.ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName=DNS:{name}\nextendedKeyUsage=serverAuth\n"
                    "basicConstraints=CA:FALSE\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", "-extfile", ext)


def context(name):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(workdir, f"{name}.pem"), os.path.join(workdir, f"{name}.key"))
    return ctx


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Authenticator:
    def __init__(self, answer):
        self.answer = answer  # None: check the credentials; else a fixed reply

    def __call__(self, server, session, envelope, mechanism, auth_data):
        user = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
        password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
        ok = password == expected_password
        # STARTTLS sets session.ssl; TLS from the first byte shows on the
        # transport.
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        with log_lock, open(log_path, "a") as f:
            f.write(json.dumps({"user": user, "mechanism": mechanism, "tls": tls, "match": ok}) + "\n")
        if self.answer is not None:
            return AuthResult(success=False, handled=False, message=self.answer)
        return AuthResult(success=ok, handled=False)


class LoginOnlySMTP(SMTP):
    """Offers AUTH LOGIN only, as some relays do."""

    async def smtp_EHLO(self, hostname):
        orig = self.push

        async def push(status):
            if status.startswith("250-AUTH") or status.startswith("250 AUTH"):
                status = status.replace(" PLAIN", "").replace("PLAIN ", "")
            await orig(status)

        self.push = push
        try:
            await super().smtp_EHLO(hostname)
        finally:
            self.push = orig


class LoginOnlyController(Controller):
    def factory(self):
        return LoginOnlySMTP(self.handler, **self.SMTP_kwargs)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # The probe must never get here.
        with log_lock, open(log_path, "a") as f:
            f.write(json.dumps({"mail_from": True}) + "\n")
        return "550 the probe must not send mail"


def smtp_server(name, cert="localhost", implicit=False, answer=None, auth=True, starttls=True,
                controller=Controller):
    port = free_port()
    # With TLS from the first byte aiosmtpd does not count the session as
    # TLS for auth_require_tls, so AUTH is allowed there explicitly.
    kwargs = dict(hostname="127.0.0.1", port=port, auth_require_tls=not implicit)
    if auth:
        kwargs["authenticator"] = Authenticator(answer)
    else:
        kwargs["auth_exclude_mechanism"] = ["LOGIN", "PLAIN"]
    if implicit:
        kwargs["ssl_context"] = context(cert)
    elif starttls:
        kwargs["tls_context"] = context(cert)
        kwargs["require_starttls"] = True
    c = controller(Handler(), **kwargs)
    c.start()
    return name, port, c


def raw_server(name, behaviour):
    """A bare socket server: 'closing' greets and hangs up after EHLO;
    'silent' never says anything."""
    port = free_port()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(8)
    held = []

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            if behaviour == "closing":
                conn.sendall(b"220 closing.test ESMTP\r\n")
                conn.recv(1024)
                conn.close()
            elif behaviour == "injecting":
                conn.sendall(b"220 injecting.test ESMTP\r\n")
                conn.recv(1024)
                conn.sendall(b"250-injecting.test\r\n250 STARTTLS\r\n")
                conn.recv(1024)
                conn.sendall(b"220 go ahead\r\n250 AUTH PLAIN\r\n")
                held.append(conn)
            else:
                held.append(conn)  # keep it open, say nothing

    threading.Thread(target=serve, daemon=True).start()
    return name, port, sock


def main():
    make_certs()
    servers = [
        smtp_server("starttls"),
        smtp_server("implicit", implicit=True),
        smtp_server("login_only", controller=LoginOnlyController),
        smtp_server("rejecting", answer="535 Authentication Credentials Invalid"),
        smtp_server("throttled", answer="454 Temporary service failure"),
        smtp_server("no_auth", auth=False),
        smtp_server("no_starttls", starttls=False),
        smtp_server("wrong_host", cert="wrong.example"),
        raw_server("closing", "closing"),
        raw_server("injecting", "injecting"),
        raw_server("silent", "silent"),
    ]
    print(json.dumps({name: port for name, port, _ in servers}), flush=True)
    sys.stdin.read()
    for _, _, s in servers:
        try:
            s.stop() if hasattr(s, "stop") else s.close()
        except Exception:
            pass


main()
