"""``mirrorwatch serve``: the read-only dashboard over the archive (``crawler.web``), served by uvicorn.

It binds to 127.0.0.1 unless ``--host`` says otherwise: the dashboard has no login, so
exposing it is a deliberate choice.
"""

from __future__ import annotations

import errno
import socket

import click

from crawler.cli.common import Context, pass_ctx, user_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 exposes the dashboard to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@pass_ctx
@user_errors
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the read-only dashboard: sources, changes, histories, diffs, copies, search.

    Every page's data is also served as JSON under /api/, and the change list as an
    Atom feed at /feed.atom.

    \b
    Example:
      mirrorwatch --db mirrorwatch.db serve --port 8000
      (then open http://127.0.0.1:8000/)
    """
    import uvicorn

    from crawler.web import create_app

    app = create_app(ctx.db)  # opens the archive as it is: a bad --db fails here, in one line
    config = uvicorn.Config(app, host=host, port=port, log_level="warning" if ctx.verbose == 0 else "info",
                            server_header=False)
    sock = listening_socket(host, port, backlog=config.backlog)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host  # an IPv6 address
    click.echo(f"mirrorwatch dashboard on http://{shown}:{bound_port}/ (Ctrl-C to stop)", err=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it already handled by shutting down
        pass


def listening_socket(host: str, port: int, *, backlog: int) -> socket.socket:
    """A socket listening on ``host``:``port``, bound here rather than by uvicorn so that a busy
    port or a bad address is one line naming them (uvicorn logs its own and exits 1 or 3)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a restart need not wait
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} on {host} is in use") from None
        raise click.ClickException(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
    # Connections accepted from this socket inherit TCP_NODELAY: without it a kept-alive browser
    # connection waits ~40 ms (Nagle against delayed ACK) for every response sent in two writes.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(backlog)  # accept connections from the moment the address is printed
    return sock
