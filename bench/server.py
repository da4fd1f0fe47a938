"""The bench's server process: the application exactly as `desk serve` builds and serves
it (create_app() configured by the environment, waitress), plus the baseline blueprint.

    python -m bench.server [--threads N]

It listens on a free loopback port and prints `PORT <number>` once it accepts requests.
"""

import argparse
import logging
import sys

from waitress import create_server

from bench import baseline
from desk import create_app

SERVE_THREADS = 8  # `desk serve`'s default


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--threads", type=int, default=SERVE_THREADS)
    args = parser.parse_args(argv)
    # more clients than threads keep requests queued by design: not worth a warning each
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = create_app()
    app.register_blueprint(baseline.bp)
    server = create_server(app, host="127.0.0.1", port=0, threads=args.threads, ident="desk")
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main(sys.argv[1:])
