"""A throwaway database per run on a PostgreSQL server, for the tools/pg scripts: created from the server's URL,
dropped (with its connections) afterwards. Uses psql, as tools/test does."""

import subprocess
import uuid


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server of `server` (same user, host, port and query string)."""
    base, _, query = server.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (("?" + query) if query else "")


def psql(url: str, sql: str) -> str:
    """Runs one statement; returns its unaligned, tuples-only output."""
    return subprocess.run(["psql", url, "-X", "-q", "-At", "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


class FreshDatabase:
    """`with FreshDatabase(server, "load") as url:` a new, empty database named PREFIX_<random>."""

    def __init__(self, server: str, prefix: str):
        self.server = server
        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.url = database_url(server, self.name)

    def __enter__(self) -> str:
        psql(self.server, f"CREATE DATABASE {self.name}")
        return self.url

    def __exit__(self, *exc) -> None:
        subprocess.run(["psql", self.server, "-X", "-q", "-c", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"],
                       check=False, capture_output=True)
