#!/usr/bin/env python3
"""Holds the running server to its published contract (issue 12).

Builds `leder`, starts it on a fresh temporary SQLite database on a free loopback port, signs in
as the bootstrap admin, creates an ICB lead through the API, and runs schemathesis with every
check against the server's own OpenAPI document once per token. Exits non-zero when any run
finds a failure, and always stops the server.

Run it through `make contract-test`, which installs the pinned schemathesis into .venv first.
Environment: CONTRACT_MAX_EXAMPLES (default 30), CONTRACT_SEED (default 12),
CONTRACT_KEEP=1 keeps the temporary folder (server log, reports) for a look afterwards,
CONTRACT_ARGS adds schemathesis options (e.g. `--continue-on-failure`).
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
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
ADMIN_PASSWORD = "contract-test admin passphrase"
LEAD_PASSWORD = "contract-test lead passphrase"


def log(message):
    print(f"contract-test: {message}", flush=True)


def build_binary():
    """Builds the binary and answers its path (cargo says where, whatever the target dir)."""
    cargo = os.environ.get("CARGO", "cargo")
    out = subprocess.run(
        [cargo, "build", "-p", "leder-api", "--bin", "leder",
         "--message-format=json-render-diagnostics"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg["target"]["name"] == "leder":
            return msg["executable"]
    raise SystemExit("contract-test: cargo built no `leder` executable")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, *, token=None, json_body=None, form=None):
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"contract-test: {method} {path} answered {e.code}: {e.read()!r}")


def password_token(base, username, password):
    _, body = request(base, "POST", "/api/v1/auth/token", form={
        "grant_type": "password", "username": username, "password": password})
    return body["access_token"]


def wait_ready(base, server, deadline_secs=120):
    deadline = time.monotonic() + deadline_secs
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"contract-test: the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit("contract-test: the server was not ready in time")


def schemathesis(base, token, name, workdir):
    """One schemathesis run with every check; answers its exit code."""
    examples = os.environ.get("CONTRACT_MAX_EXAMPLES", "30")
    seed = os.environ.get("CONTRACT_SEED", "12")
    cmd = [
        os.path.join(VENV_BIN, "schemathesis"),
        "--config-file", os.path.join(ROOT, "scripts", "contract-test.toml"),
        "run", base + "/api-docs/openapi.json",
        "--url", base,
        # Every check; positive_data_acceptance runs as refined in contract_hooks.py (it forgives
        # only refusals that depend on stored data, configuration or two fields at once).
        "--checks", "all",
        "--exclude-checks", "positive_data_acceptance",
        "--max-examples", examples,
        "--seed", seed,
        # One worker: with two, hypothesis parses lambdas' source in two threads at once, which
        # CPython 3.11's ast module cannot take ("AST constructor recursion depth mismatch").
        "--workers", "1",
        # Signing out, or ending a session by its id (which `GET /me` and `GET /auth/sessions`
        # hand to the fuzzer), ends the session of the very token the run uses: every later
        # call would answer 401. The sessions tests hold both to their contract instead.
        "--exclude-operation-id", "sign_out",
        "--exclude-operation-id", "revoke_session",
        "--header", f"Authorization: Bearer {token}",
        "--report", "ndjson",
        "--report-dir", os.path.join(workdir, f"report-{name}"),
        *os.environ.get("CONTRACT_ARGS", "").split(),
    ]
    log(f"schemathesis as {name}: max examples {examples}, seed {seed}")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "SCHEMATHESIS_HOOKS": os.path.join(ROOT, "scripts", "contract_hooks.py"),
    }
    return subprocess.run(cmd, cwd=workdir, env=env).returncode


def main():
    binary = build_binary()
    workdir = tempfile.mkdtemp(prefix="leder-contract-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LEDER_DATABASE_URL": f"sqlite://{os.path.join(workdir, 'leder.db')}",
        "LEDER_BIND": f"127.0.0.1:{port}",
        "LEDER_JWT_KEYS_DIR": os.path.join(workdir, "jwt-keys"),
        "LEDER_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        # The fuzzer's tokens come from the password grant, which a deployment leaves off.
        "LEDER_ALLOW_PASSWORD_GRANT": "true",
        "LEDER_OAUTH_CLIENTS": "contract-test=http://127.0.0.1:9/callback",
        # The fuzzer's wrong passwords must not lock or slow the accounts whose tokens it uses,
        # and the tokens must outlive the run.
        "LEDER_LOGIN_FAILURE_DELAY_MS": "0",
        "LEDER_LOGIN_MAX_FAILURES": "1000",
        "LEDER_TOKEN_LIFETIME_SECS": "7200",
        # Every request comes from one loopback address: the public intake's per-address limit
        # (whose 429 the contract declares) would otherwise answer most of the fuzzing.
        "LEDER_NOTIFICATION_RATE_LIMIT": "1000000",
        "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
    }
    server_log = open(os.path.join(workdir, "server.log"), "w")
    server = subprocess.Popen([binary, "serve"], cwd=workdir, env=env,
                              stdout=server_log, stderr=subprocess.STDOUT)

    def stop(*_):
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        server_log.close()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    failed = []
    try:
        log(f"server on {base}, workdir {workdir}")
        wait_ready(base, server)
        admin = password_token(base, "admin", ADMIN_PASSWORD)
        request(base, "POST", "/api/v1/users", token=admin, json_body={
            "username": "lead.qop", "display_name": "Lead (contract test)",
            "roles": ["ics_lead"], "organisation": "QOP", "password": LEAD_PASSWORD})
        lead = password_token(base, "lead.qop", LEAD_PASSWORD)
        for name, token in [("ics_lead", lead), ("admin", admin)]:
            if schemathesis(base, token, name, workdir) != 0:
                failed.append(name)
        if server.poll() is not None:
            failed.append(f"server exited with {server.returncode}")
    finally:
        stop()
        if os.environ.get("CONTRACT_KEEP") == "1" or failed:
            log(f"kept {workdir} (server.log, reports)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        log(f"FAILED: {', '.join(failed)}")
        return 1
    log("both tokens: no failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
