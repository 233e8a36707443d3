"""A local Neo4j Community 5.26 LTS server without Docker, assembled by Maven from Maven Central.

Maven Central does not carry the standalone tarball (``neo4j-community-standalone`` is published
there as a POM only; see ``docs/neo4j-local.md``), so :func:`fetch` rebuilds the same layout from
the artifacts the tarball is assembled from: ``org.neo4j.app:neo4j-server`` (the DBMS, Bolt, HTTP,
``neo4j-admin``'s commands), ``org.neo4j:neo4j-bootcheck`` (the ``neo4j`` / ``neo4j-admin``
launchers), ``org.neo4j:cypher-shell`` and ``org.neo4j.client:neo4j-browser``, copied into
``NEO4J_HOME/lib`` by ``mvn dependency:copy-dependencies``, plus small ``bin/`` scripts. The server
is then the real product, started by its own bootloader (``bin/neo4j start``), not a test harness.

Each *workspace* gets its own ``workspace/neo4j/{conf,data,logs,run,import,plugins}``; the fetched
``NEO4J_HOME`` is shared, read-only, by every workspace. The server listens on 127.0.0.1 only.

The password of the ``neo4j`` user is never printed or logged, and never put on a command line.
Every failure is a :class:`graphkit.errors.StoreError` with one sentence saying what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphkit.errors import StoreError

DEFAULT_VERSION = "5.26.30"
"""Newest Neo4j 5.26 LTS patch whose artifacts resolve whole from Maven Central (checked 2026-11)."""

BROWSER_VERSION = "5.24.0"
"""Newest ``org.neo4j.client:neo4j-browser`` on Maven Central (later Browsers are not published there)."""

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
CACHE_ENV = "GRAPHKIT_NEO4J_HOME"
PASSWORD_ENV = "NEO4J_PASSWORD"
USER = "neo4j"

HEAP = "3g"  # room for a whole load as one transaction (see docs/benchmarks.md, Neo4j)
PAGECACHE = "1g"
JAVA_MAJORS = (17, 21)  # what Neo4j 5.26 supports

_MARKER = ".graphkit-complete"
_ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"

# JVM flags the standalone distribution's neo4j.conf sets; without the --add-opens the page cache
# falls back to a slower path ("Reflection access to java.nio.DirectByteBuffer is not available").
_JVM_ADDITIONAL = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by graphkit.server.neo4j_server.fetch: the artifacts neo4j-community-standalone {version}
     is assembled from, resolved from Maven Central into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>graphkit.local</groupId>
  <artifactId>neo4j-community-home</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j-bootcheck</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>cypher-shell</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId><version>{browser}</version></dependency>
  </dependencies>
</project>
"""

_SCRIPT = """#!/bin/sh
# Written by graphkit.server.neo4j_server.fetch: {what}.
NEO4J_HOME="${{NEO4J_HOME:-$(cd "$(dirname "$0")/.." && pwd)}}"
export NEO4J_HOME
if [ -n "$JAVA_HOME" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
exec "$JAVA" {jvm}-cp "$NEO4J_HOME/lib/*" -Dbasedir="$NEO4J_HOME" -Dfile.encoding=UTF-8 {main} "$@"
"""

_SCRIPTS = {
    "neo4j": ("the Neo4j server launcher (start, stop, status, console)", "",
              "org.neo4j.server.startup.Neo4jBoot"),
    "neo4j-admin": ("neo4j-admin", "", "org.neo4j.server.startup.Neo4jAdminBoot"),
    "cypher-shell": ("the Cypher shell", "-Xmx256m ", "org.neo4j.shell.Main"),
}


@dataclass
class ServerInfo:
    """Where a workspace's server is (or would be) reached, and whether it is up.

    ``home`` is the ``NEO4J_HOME`` (the fetched installation); data, logs and configuration are
    under ``workspace/neo4j``. ``pid`` is the server JVM's process id, ``None`` when not running.
    """

    bolt_uri: str
    http_url: str
    browser_url: str
    home: Path
    pid: int | None
    running: bool


# --------------------------------------------------------------------------------------------
# fetch


def default_cache_dir() -> Path:
    """``$GRAPHKIT_NEO4J_HOME``, else ``~/.cache/graphkit/neo4j``. Costs nothing; creates nothing."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphkit" / "neo4j"


def fetch(cache_dir: Path | None = None, version: str = DEFAULT_VERSION) -> Path:
    """Make ``cache_dir/neo4j-community-VERSION`` a complete NEO4J_HOME and return its path.

    Idempotent: a home already complete is returned at once (a stat). Otherwise Maven resolves
    the server's artifacts from Maven Central (through ``~/.m2``, so a second home or a re-fetch
    downloads nothing) into a temporary directory that is renamed into place only when whole.
    Costs on first use about 140 MB of downloads into ``~/.m2`` and 140 MB under ``cache_dir``
    (see docs/neo4j-local.md for timings).

    Raises :class:`StoreError` when Maven is missing or cannot resolve an artifact.
    """
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-]*", version):
        raise StoreError(f"not a Neo4j version: {version!r}")
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    home = cache_dir / f"neo4j-community-{version}"
    if (home / _MARKER).is_file():
        return home
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StoreError("Maven not found: install maven (apt-get install maven) so graphkit can fetch Neo4j")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{home.name}.", dir=cache_dir))
    except OSError as exc:
        raise StoreError(f"cannot create the Neo4j cache directory {cache_dir}: {exc.strerror}") from None
    try:
        (tmp / "pom.xml").write_text(_POM.format(version=version, browser=BROWSER_VERSION))
        cmd = [mvn, "-q", "-B", "-f", str(tmp / "pom.xml"), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
               f"-DoutputDirectory={tmp / 'lib'}", "-DincludeScope=runtime"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            raise StoreError(f"Maven did not finish fetching Neo4j {version} within 30 minutes") from None
        if proc.returncode != 0 or not any((tmp / "lib").glob("neo4j-server-*.jar")):
            raise StoreError(f"Maven could not fetch org.neo4j.app:neo4j-server:{version} and the rest of "
                             f"Neo4j: {_first_error(proc.stdout + proc.stderr)}")
        _write_home_files(tmp, version)
        (tmp / _MARKER).write_text(f"neo4j {version}\nbrowser {BROWSER_VERSION}\n")
        try:
            tmp.rename(home)
        except OSError:
            if not (home / _MARKER).is_file():  # not a concurrent fetch that won the race
                shutil.rmtree(home, ignore_errors=True)
                tmp.rename(home)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return home


def _first_error(output: str) -> str:
    for line in output.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
        if line.startswith("[ERROR]") and line[7:].strip():
            return line[7:].replace(" -> [Help 1]", "").strip()
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def _write_home_files(home: Path, version: str) -> None:
    for sub in ("bin", "conf", "plugins", "import", "licenses", "certificates"):
        (home / sub).mkdir(exist_ok=True)
    for name, (what, jvm, main) in _SCRIPTS.items():
        path = home / "bin" / name
        path.write_text(_SCRIPT.format(what=what, jvm=jvm, main=main))
        path.chmod(0o755)
    # Used only when someone runs bin/neo4j without NEO4J_CONF; start() always writes its own.
    (home / "conf" / "neo4j.conf").write_text(
        f"# Neo4j {version} assembled by graphkit; graphkit.server.neo4j_server.start points NEO4J_CONF at a\n"
        "# per-workspace conf instead of this file.\n"
        "server.default_listen_address=127.0.0.1\n"
        f"server.memory.heap.initial_size={HEAP}\nserver.memory.heap.max_size={HEAP}\n"
        f"server.memory.pagecache.size={PAGECACHE}\n"
        "dbms.usage_report.enabled=false\n"
        + "".join(f"server.jvm.additional={flag}\n" for flag in _JVM_ADDITIONAL))


# --------------------------------------------------------------------------------------------
# workspace layout, java, password


def _dir(workspace: Path) -> Path:
    return Path(workspace).resolve() / "neo4j"


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise StoreError("Java 17 not found: install openjdk-17-jre-headless (or set JAVA_HOME)")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        raise StoreError(f"Java at {java} does not run: install openjdk-17-jre-headless") from None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(m.group(1)) if m else 0
    if major == 1 and m and m.group(2):
        major = int(m.group(2))
    if major not in JAVA_MAJORS:
        raise StoreError(f"Neo4j 5.26 needs Java 17 or 21 but {java} is Java {major or 'unknown'}: "
                         "install openjdk-17-jre-headless (or set JAVA_HOME)")
    return java


def password_for(workspace: Path) -> str:
    """The ``neo4j`` user's password for the workspace's server; never print it.

    ``$NEO4J_PASSWORD`` if set, else the contents of ``workspace/neo4j/password`` (written, 0600,
    by the first :func:`start`). Raises :class:`StoreError` when neither exists.
    """
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    path = _dir(workspace) / "password"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        raise StoreError(f"no Neo4j password for {workspace}: set NEO4J_PASSWORD or start the "
                         "server once (it writes one)") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None


def _write_secret(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
    path.chmod(0o600)


def _choose_password(ws: Path, password: str | None) -> str:
    chosen = password or os.environ.get(PASSWORD_ENV)
    path = ws / "password"
    if not chosen and path.is_file():
        chosen = path.read_text().strip()
    if not chosen:
        chosen = secrets.token_urlsafe(18)
    if "\n" in chosen or "\r" in chosen or len(chosen) < 8:
        raise StoreError("the Neo4j password must be one line of at least 8 characters")
    return chosen


def _set_initial_password(home: Path, ws: Path, java: str, pw: str) -> None:
    """``neo4j-admin dbms set-initial-password`` without the password on any command line.

    The admin launcher forks ``org.neo4j.cli.AdminTool`` with its arguments on the child's
    command line, so AdminTool is run directly and reads its arguments from a 0600 java @argfile.
    """
    quoted = '"' + pw.replace("\\", "\\\\").replace('"', '\\"') + '"'
    fd, argfile = tempfile.mkstemp(prefix=".args-", dir=ws / "run")
    try:
        with os.fdopen(fd, "w") as fh:
            # "--" ends the options, so a password that starts with "-" is not read as one
            fh.write(f"org.neo4j.cli.AdminTool\ndbms\nset-initial-password\n--\n{quoted}\n")
        proc = subprocess.run(
            [java, "-Xmx256m", "-cp", f"{home / 'lib'}/*", "-Dfile.encoding=UTF-8", f"@{argfile}"],
            env=_env(home, ws), capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise StoreError("neo4j-admin dbms set-initial-password did not finish within 300 s") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(argfile)
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).replace(pw, "***")
        raise StoreError(f"neo4j-admin dbms set-initial-password failed: {_first_line(out)}")


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else "no output"


# --------------------------------------------------------------------------------------------
# configuration and process state


def _env(home: Path, ws: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JAVA_OPTS", None)
    env.pop("HEAP_SIZE", None)
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(ws / "conf")
    return env


def _write_conf(ws: Path, home: Path, bolt_port: int, http_port: int) -> None:
    lines = [
        "# Written by graphkit.server.neo4j_server.start on every start: change it there, not here.",
        f"# NEO4J_HOME={home}",
        f"server.directories.data={ws / 'data'}",
        f"server.directories.transaction.logs.root={ws / 'data' / 'transactions'}",
        f"server.directories.logs={ws / 'logs'}",
        f"server.directories.run={ws / 'run'}",
        f"server.directories.import={ws / 'import'}",
        f"server.directories.plugins={ws / 'plugins'}",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.heap.initial_size={HEAP}",
        f"server.memory.heap.max_size={HEAP}",
        f"server.memory.pagecache.size={PAGECACHE}",
        # graphkit loads a file as one transaction; the default cap (70% of the heap) stopped a
        # 100k-row load at 80k rows. The heap is the limit instead.
        "dbms.memory.transaction.total.max=0",
        # A local dev server: do not idle 2 x 5 s in Netty's graceful Bolt shutdown.
        "internal.server.bolt.connection_shutdown_wait_time=0s",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        *(f"server.jvm.additional={flag}" for flag in _JVM_ADDITIONAL),
    ]
    extra = ws / "extra.conf"
    if extra.is_file():  # the user's own settings, e.g. dbms.security.procedures.unrestricted=apoc.*
        text = extra.read_text()
        keys = {ln.split("=", 1)[0].strip() for ln in text.splitlines()
                if "=" in ln and not ln.lstrip().startswith("#")} - {"server.jvm.additional"}
        lines = [ln for ln in lines if ln.split("=", 1)[0] not in keys]  # Neo4j rejects duplicates
        lines += [f"# from {extra}", text]
    (ws / "conf").mkdir(parents=True, exist_ok=True)
    (ws / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n")


def _conf_values(ws: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in (ws / "conf" / "neo4j.conf").read_text().splitlines():
            if line.startswith("# NEO4J_HOME="):
                values["home"] = line.split("=", 1)[1]
            elif "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def _port(values: dict[str, str], key: str, default: int) -> int:
    try:
        return int(values[key].rsplit(":", 1)[1])
    except (KeyError, IndexError, ValueError):
        return default


def _info(ws: Path, home: Path, bolt_port: int, http_port: int, pid: int | None) -> ServerInfo:
    http_url = f"http://127.0.0.1:{http_port}"
    return ServerInfo(bolt_uri=f"bolt://127.0.0.1:{bolt_port}", http_url=http_url,
                      browser_url=f"{http_url}/browser/", home=home, pid=pid, running=pid is not None)


def _running_pid(ws: Path) -> int | None:
    """The pid in ``run/neo4j.pid`` if that process is alive and is this workspace's server."""
    try:
        pid = int((ws / "run" / "neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid, ws) else None


def _alive(pid: int, ws: Path) -> bool:
    """Whether ``pid`` is a live (not zombie) JVM running this workspace's server."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    proc = Path(f"/proc/{pid}")
    if not proc.exists():  # not Linux: trust the signal check
        return True
    try:  # make sure the pid was not reused by another program
        args = (proc / "cmdline").read_bytes().split(b"\0")
        state = (proc / "stat").read_text().rsplit(") ", 1)[1][:1]
    except (OSError, IndexError):
        return False
    if state in ("Z", "X"):  # exited, not yet reaped by its parent
        with contextlib.suppress(OSError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return _ENTRY_POINT.encode() in args and f"--config-dir={ws / 'conf'}".encode() in args


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def _locked(ws: Path) -> Iterator[None]:
    """One start/stop at a time per workspace (a flock on ``workspace/neo4j/.lock``)."""
    ws.mkdir(parents=True, exist_ok=True)
    with open(ws / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------------
# public: status, start, stop


def status(workspace: Path) -> ServerInfo:
    """The workspace's server as it is now: addresses from its conf, pid if running.

    Cheap (reads two small files and ``/proc``; starts no JVM). Never raises for a workspace that
    was never started: it returns ``running=False`` with the default ports and home.
    """
    ws = _dir(workspace)
    values = _conf_values(ws)
    home = Path(values.get("home") or default_cache_dir() / f"neo4j-community-{DEFAULT_VERSION}")
    return _info(ws, home, _port(values, "server.bolt.listen_address", 7687),
                 _port(values, "server.http.listen_address", 7474), _running_pid(ws))


def start(workspace: Path, *, bolt_port: int = 7687, http_port: int = 7474,
          password: str | None = None, timeout: float = 120,
          version: str = DEFAULT_VERSION, cache_dir: Path | None = None) -> ServerInfo:
    """Start (or find) the workspace's Neo4j server and return once Bolt and HTTP answer.

    If the workspace's server is already running its info is returned as is (the ports and
    password given now are ignored). Otherwise: :func:`fetch` (a stat once cached), write
    ``workspace/neo4j/conf/neo4j.conf``, on the very first start set the ``neo4j`` user's
    password (``password``, else ``$NEO4J_PASSWORD``, else the one in ``workspace/neo4j/password``,
    else a new random one; whichever is used is kept in that 0600 file), run ``bin/neo4j start``
    and wait until the driver's ``verify_connectivity`` succeeds and ``http_url`` answers.
    Settings in ``workspace/neo4j/extra.conf`` (if any) are appended and override graphkit's
    (e.g. ``dbms.security.procedures.unrestricted=apoc.*`` for APOC jars put in
    ``workspace/neo4j/plugins``). Takes 11-20 s on 2 cores after the first fetch (plus the fetch
    itself the very first time); the server JVM then holds about 1.5-2.5 GB (1 GB heap, 1 GB page
    cache) and one or two cores only while busy.

    Raises :class:`StoreError` when Java 17/21 or Maven is missing, a port is taken, the
    password is refused, or the server does not answer within ``timeout`` seconds (the server
    this call launched is then stopped again).
    """
    ws = _dir(workspace)
    with _locked(ws):
        current = status(workspace)
        if current.running:
            return current
        java = _java()
        home = fetch(cache_dir, version)
        if bolt_port == http_port:
            raise StoreError("bolt_port and http_port must differ")
        for port, what in ((bolt_port, "Bolt"), (http_port, "HTTP")):
            if not _port_free(port):
                raise StoreError(f"port {port} on 127.0.0.1 ({what}) is already in use by another "
                                 f"program: pass another {what.lower()}_port")
        ws.chmod(0o700)  # the store and the password are the user's alone
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (ws / sub).mkdir(parents=True, exist_ok=True)
        (ws / "run" / "neo4j.pid").unlink(missing_ok=True)
        _write_conf(ws, home, bolt_port, http_port)

        pw = _choose_password(ws, password)
        first_start = not (ws / "data" / "dbms" / "auth.ini").exists() and not (
            ws / "data" / "databases" / "system").exists()
        if first_start:
            _set_initial_password(home, ws, java, pw)
        pw_file = ws / "password"
        if first_start or not pw_file.is_file():
            _write_secret(pw_file, pw)

        deadline = time.monotonic() + timeout
        info = _launch(home, ws, bolt_port, http_port, timeout)
        try:
            _wait_ready(ws, info, pw, timeout, deadline)
        except BaseException:
            _stop(ws, timeout=30)
            raise
        return status(workspace)


def _launch(home: Path, ws: Path, bolt_port: int, http_port: int, timeout: float) -> ServerInfo:
    """Run ``bin/neo4j start`` and return once the pid file names the server process."""
    boot_log = ws / "logs" / "graphkit-start.log"
    with open(boot_log, "w") as out:
        proc = subprocess.Popen([str(home / "bin" / "neo4j"), "start"], env=_env(home, ws),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    # The launcher lingers a few seconds after forking the server; reap it in the background.
    threading.Thread(target=proc.wait, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = _running_pid(ws)
        if pid is not None:
            return _info(ws, home, bolt_port, http_port, pid)
        rc = proc.poll()
        if rc is not None and rc != 0:
            lines = [ln.strip() for ln in boot_log.read_text(errors="replace").splitlines()]
            errors = [ln for ln in lines if ln.lower().startswith(("error", "configuration contains"))]
            why = (errors or [ln for ln in lines if ln] or [f"exit code {rc}"])[0]
            raise StoreError(f"bin/neo4j start failed: {why}; see {boot_log}")
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGTERM)
    raise StoreError(f"Neo4j did not start within {timeout:g} s; see {boot_log}")


def _wait_ready(ws: Path, info: ServerInfo, pw: str, timeout: float, deadline: float) -> None:
    import neo4j
    from neo4j.exceptions import AuthError, ServiceUnavailable

    log = ws / "logs" / "neo4j.log"
    bolt_ok = False
    while time.monotonic() < deadline:
        if _running_pid(ws) is None:
            raise StoreError(f"Neo4j exited while starting; see {log}")
        if not bolt_ok:
            try:
                with neo4j.GraphDatabase.driver(info.bolt_uri, auth=(USER, pw),
                                                connection_timeout=2) as driver:
                    driver.verify_connectivity()
                bolt_ok = True
            except AuthError:
                raise StoreError(f"Neo4j at {info.bolt_uri} refused the password for user {USER!r}: "
                                 "the workspace was initialised with another one (check NEO4J_PASSWORD "
                                 f"and {ws / 'password'})") from None
            except (ServiceUnavailable, OSError, neo4j.exceptions.DriverError,
                    neo4j.exceptions.Neo4jError):
                pass
        if bolt_ok:
            try:
                with urllib.request.urlopen(info.http_url + "/", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.25)
    raise StoreError(f"Neo4j did not answer on {info.bolt_uri} within {timeout:g} s; see {log}")


def stop(workspace: Path, *, timeout: float = 120) -> bool:
    """Stop the workspace's server; ``True`` if one was running, ``False`` if none was.

    Sends SIGTERM (what ``bin/neo4j stop`` does, without its JVM start-up) and waits for a
    clean shutdown, about 1-2 s for an idle server; after ``timeout`` seconds it sends SIGKILL.
    Raises :class:`StoreError` only if the process survives even that.
    """
    ws = _dir(workspace)
    with _locked(ws):
        return _stop(ws, timeout)


def _stop(ws: Path, timeout: float) -> bool:
    pid = _running_pid(ws)
    if pid is None:
        return False
    # The server deletes its pid file as soon as shutdown begins: wait on the process itself.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid, ws):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            time.sleep(1)
            if _alive(pid, ws):
                raise StoreError(f"Neo4j (pid {pid}) did not stop; see {ws / 'logs' / 'neo4j.log'}")
            break
        time.sleep(0.1)
    (ws / "run" / "neo4j.pid").unlink(missing_ok=True)
    return True


# --------------------------------------------------------------------------------------------
# public: neo4j-admin for a workspace


def logs_dir(workspace: Path) -> Path:
    """Where the workspace's server (and :func:`admin`) write their logs."""
    return _dir(workspace) / "logs"


def admin(workspace: Path, args: list[str], *, timeout: float = 3600, what: str = "neo4j-admin") -> str:
    """Run ``neo4j-admin ARGS`` with the workspace's configuration (its data directory) and
    return its output; the output is also kept in ``logs/neo4j-admin.log``. Commands that
    write a database (``database import``, ``database load``) need the server stopped.

    Raises StoreError (naming ``what`` and the first error line) when it fails or runs past
    ``timeout`` seconds.
    """
    ws = _dir(workspace)
    if not (ws / "conf" / "neo4j.conf").is_file():
        raise StoreError(f"no Neo4j server in {workspace}: run graphkit neo4j start once")
    home = Path(_conf_values(ws).get("home") or fetch())
    log = ws / "logs" / "neo4j-admin.log"
    try:
        proc = subprocess.run([str(home / "bin" / "neo4j-admin"), *args], env=_env(home, ws),
                              capture_output=True, text=True, timeout=timeout, cwd=ws)
    except subprocess.TimeoutExpired:
        raise StoreError(f"{what} did not finish within {timeout:g} s") from None
    output = proc.stdout + proc.stderr
    log.write_text(output)
    if proc.returncode != 0:
        lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
        # with --verbose the root cause is the last "Caused by:" of the stack trace ("Weird input
        # data, no newline character in the whole buffer 4194304"), more than "IMPORT FAILED"
        causes = [ln.removeprefix("Caused by:").strip() for ln in lines if ln.startswith("Caused by:")]
        errors = causes[-1:] or [ln for ln in lines if re.search(r"error|exception|failed|invalid", ln, re.I)]
        raise StoreError(f"{what} failed (exit {proc.returncode}): {(errors or lines or ['no output'])[0]}; "
                         f"see {log}")
    return output
