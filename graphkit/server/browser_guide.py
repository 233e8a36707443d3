"""The query library as a Neo4j Browser guide: one slide per ``cypher/`` file.

Each slide shows what the query answers, a ``:param`` line per parameter (the file's own
``e.g.`` value, else one from the demo) and the query (the file without its ``//`` header), as
Browser "runnable" blocks: a click puts the text in the editor, the ▶ icon runs it. ``guide_html()`` renders the guide; ``serve_guide()`` serves it on
``http://localhost:PORT/graphkit.html`` for ``:guide URL`` (a sidebar beside the results) or
``:play URL`` (a frame), and ``python -m graphkit.server.browser_guide`` does that until Ctrl-C.

Why a local web server: Neo4j Browser (5.24 here) fetches a guide from its page with a
cross-origin ``fetch``, so the guide needs CORS headers, and only from hosts on the server's
``browser.remote_content_hostname_whitelist`` (Neo4j 5.26's default: ``guides.neo4j.com,
localhost``). Hence ``localhost`` in the URL, not ``127.0.0.1``; the server listens on 127.0.0.1.
See docs/neo4j-browser.md.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import re
import threading
from collections.abc import Iterator

import click

from graphkit.errors import GraphkitError
from graphkit.queries import Query, library

PATH = "/graphkit.html"

EXAMPLES: dict[str, str] = {
    "id": "'kz-bin:220440173863'",
    "ids": "['kz-bin:220440173863', 'ftm:press-company-aspan-arba', "
           "'demo-customs-ru-import:company:c5e189ca3021e334caa0']",
    "key": "'aspan arba'",
    "name": "'Aspan Arba'",
    "types": "['OFFICER_OF', 'OWNS', 'SAME_AS']",
    "window_days": "180",
}
"""A Cypher value per parameter name, from the demo (``graphkit demo``): Aspan Arba's records.
Used when the ``// :param`` line gives no example of its own (``e.g. 'value'``)."""

PLACEHOLDER = "'…'"
"""The value shown for a parameter with no example anywhere: the user types one in."""

FIRST = ("browser_find_links", "browser_trade_summary", "same_as", "same_as_all", "browser_transshipment",
         "browser_blocked_owners")
"""Slides shown first (the rest follow by name): the picture, its trade summed as the report draws
it (per partner, direction, HS-6 code and year), the resolution decisions, then the
red flags (graphkit flags, graphkit exposure) as pictures."""

_EG = re.compile(r"""e\.g\.\s*('[^']*'|"[^"]*"|\[[^\]]*\])""")


def example(query: Query, param: str) -> str:
    """A Cypher value for ``$param`` of ``query``: the first literal after ``e.g.`` in its
    ``// :param`` line, else ``EXAMPLES[param]``, else ``PLACEHOLDER``."""
    m = _EG.search(query.params.get(param, ""))
    return m.group(1) if m else EXAMPLES.get(param, PLACEHOLDER)


def param_lines(query: Query) -> list[str]:
    """``:param name => value`` for each parameter of ``query`` (see :func:`example`)."""
    return [f":param {p} => {example(query, p)}" for p in query.params]


def query_body(query: Query) -> str:
    """The query's text without its leading ``//`` header (the slide shows that as prose)."""
    lines = query.text.strip().splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip()


def _slide(query: Query) -> str:
    e = html.escape
    parts = [f"<h3>{e(query.name)}</h3>", f'<p class="lead">{e(query.summary)}</p>']
    if query.params:
        parts.append("<ul>" + "".join(f"<li><code>${e(p)}</code>: {e(doc)}</li>"
                                      for p, doc in query.params.items()) + "</ul>")
        parts.append("<p>Set the parameters (edit the value first if you like):</p>")
        parts += [f'<pre class="code runnable">{e(line)}</pre>' for line in param_lines(query)]
        parts.append("<p>Then run the query:</p>")
    else:
        parts.append("<p>No parameters: run it as it is.</p>")
    parts.append(f'<pre class="code runnable">{e(query_body(query))}</pre>')
    parts.append(f"<p>The file: <code>cypher/{e(query.name)}.cypher</code>.</p>")
    return '<slide class="row-fluid">\n<div class="col-sm-12">\n' + "\n".join(parts) + "\n</div>\n</slide>\n"


_WRITES = re.compile(r"\b(DELETE|DETACH|CREATE|MERGE|SET|REMOVE)\b")


def writes(query: Query) -> bool:
    """True for a query that changes the graph (graphkit runs those itself; the guide leaves them out)."""
    return bool(_WRITES.search(query_body(query)))


def guide_html(queries: dict[str, Query] | None = None) -> str:
    """The guide as one HTML document: an introduction, then one slide per query.

    ``queries`` defaults to the whole library (``cypher/``), less the queries that write;
    ``browser_find_links``, ``same_as`` and ``same_as_all`` come first. Every text is HTML-escaped. Costs a few milliseconds.
    """
    queries = library() if queries is None else queries
    queries = {n: q for n, q in queries.items() if not writes(q)}  # a click in the guide never changes the graph
    order = [n for n in FIRST if n in queries] + sorted(n for n in queries if n not in FIRST)
    intro = (
        '<slide class="row-fluid">\n<div class="col-sm-12">\n<h3>graphkit query library</h3>\n'
        '<p class="lead">Which firms are linked, and by what evidence.</p>\n'
        "<p>One slide per file in <code>cypher/</code>. Click a code block to put it in the editor; "
        "click its &#9654; icon to run it as it is. Set a query's parameters with "
        "<code>:param</code> before running it; <code>:params</code> shows what is set.</p>\n"
        "<p>The example values are Aspan Arba's records in the demo (<code>graphkit demo</code>, "
        "then <code>graphkit push --db graphkit-demo</code>). Start with "
        "<code>browser_find_links</code>: it draws the firms linked to a firm and the people, "
        "addresses and shipments between them, the lists' own links (OFAC Linked To), family "
        "and payments.</p>\n"
        "<p>SAME_AS relationships carry the resolution decision: <code>score</code>, "
        "<code>explanation</code>, <code>judgement</code>. Override one with "
        "<code>graphkit review --accept|--reject A B</code>, not by editing it here: the next "
        "<code>graphkit resolve</code> rewrites every SAME_AS.</p>\n"
        "<p>Red flags: <code>browser_transshipment</code> draws goods going from a supplier "
        "through a firm in a transit country on to Russia or Belarus, and "
        "<code>browser_blocked_owners</code> the chains of shares from sanctioned owners down to "
        "a firm; <code>graphkit flags</code> and <code>graphkit exposure</code> score and explain "
        "them.</p>\n</div>\n</slide>\n")
    slides = "".join(_slide(queries[n]) for n in order)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>graphkit query library</title></head><body>\n"
            f'<article class="guide">\n<carousel class="deck container-fluid">\n{intro}{slides}'
            "</carousel>\n</article>\n</body></html>\n")


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def _cors(self) -> None:
        # Browser's fetch sends Pragma and Cache-Control, so it asks first (OPTIONS).
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         self.headers.get("Access-Control-Request-Headers") or "*")

    def do_OPTIONS(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path.split("?")[0] not in (PATH, "/"):
            self.send_error(404)
            return
        self.send_response(200)
        self._cors()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@contextlib.contextmanager
def serve_guide(port: int = 0, text: str | None = None) -> Iterator[str]:
    """Serve ``text`` (default ``guide_html()``) on 127.0.0.1 while the block runs; yields its URL,
    ``http://localhost:PORT/graphkit.html``. ``port=0`` picks a free port.

    Raises :class:`GraphkitError` when the port is taken.
    """
    handler = type("GuideHandler", (_Handler,), {"body": (text or guide_html()).encode("utf-8")})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise GraphkitError(f"cannot serve the guide on 127.0.0.1:{port}: {exc.strerror}; "
                            "pass another --port") from None
    thread = threading.Thread(target=server.serve_forever, name="graphkit-guide", daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}{PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@click.command("guide")
@click.option("--port", type=int, default=8001, show_default=True, help="Port on 127.0.0.1.")
def main(port: int) -> None:
    """Serve the query library as a Neo4j Browser guide until Ctrl-C."""
    try:
        with serve_guide(port) as url:
            click.echo(f"In Neo4j Browser run:  :guide {url}\n(Ctrl-C stops the server.)")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    except GraphkitError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    main()
