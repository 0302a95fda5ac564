"""Looks at what a PostgreSQL log leaves in the server's files, below sessiond's own reader: every page of every
relation in schema `sessiond` (tables, their TOAST tables, every index) read as raw bytes after CHECKPOINT, and
every tuple version still in the frame and dictionary tables' pages — live or dead — read with the `pageinspect`
extension and its frames decoded (logreader.py), since frame payloads are zstd-compressed and a marker in them
is not visible in raw bytes.

Needs a superuser URL (the throwaway cluster's `postgres`): it creates `pageinspect` and reads relation files with
`pg_read_binary_file`.
"""

import struct
import subprocess
import tempfile
from pathlib import Path

from logreader import Record, read_frame


def psql(url: str, sql: str) -> list[list[str]]:
    """Rows of `sql`, fields as psql prints them unaligned."""
    result = subprocess.run(["psql", url, "-XAtq", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"psql: {result.stderr}"
    return [line.split("\t") for line in result.stdout.splitlines() if line]


RELATIONS = """
    WITH own AS (SELECT oid, reltoastrelid FROM pg_class WHERE relnamespace = 'sessiond'::regnamespace),
    toast AS (SELECT reltoastrelid AS oid FROM own WHERE reltoastrelid <> 0)
    SELECT oid FROM own
    UNION SELECT oid FROM toast
    UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM toast)
"""


def files_containing(url: str, needle: bytes) -> list[str]:
    """The relations of schema `sessiond` whose files hold `needle` anywhere, live row, dead tuple or free space."""
    psql(url, "CHECKPOINT")
    found = []
    for name, path, data in psql(url, f"""
            SELECT r.oid::regclass, pg_relation_filepath(r.oid), encode(pg_read_binary_file(pg_relation_filepath(r.oid)), 'hex')
            FROM ({RELATIONS}) r WHERE pg_relation_filepath(r.oid) IS NOT NULL"""):
        if needle in bytes.fromhex(data):
            found.append(f"{name} ({path})")
    return found


def _tuples(url: str, relation: str, columns: list[int]) -> list[list[bytes]]:
    """Every tuple version on every page of `relation` (dead ones too), as the raw datums of `columns` (1-based)."""
    picks = ", ".join(f"encode((tuple_data_split('{relation}'::regclass, t_data, t_infomask, t_infomask2, t_bits))[{c}], 'hex')"
                      for c in columns)
    rows = psql(url, f"""
        SELECT {picks} FROM generate_series(0, pg_relation_size('{relation}') / current_setting('block_size')::int - 1) p,
            heap_page_items(get_raw_page('{relation}', p::int)) WHERE t_data IS NOT NULL""")
    return [[bytes.fromhex(value) for value in row] for row in rows]


def _varlena(datum: bytes, toast: dict[int, bytes]) -> bytes:
    """The value of a raw bytea datum: inline (1- or 4-byte header) or out of line in TOAST."""
    first = datum[0]
    if first == 0x01:  # a TOAST pointer: tag, then raw size, external size, value id, TOAST relation
        (value_id,) = struct.unpack_from("<I", datum, 10)
        return toast[value_id]
    if first & 0x01:
        return datum[1:first >> 1]
    assert first & 0x03 == 0, "compressed inline datum (the frame column is STORAGE EXTERNAL)"
    return datum[4:struct.unpack_from("<I", datum, 0)[0] >> 2]


def _toast_values(url: str, table: str) -> dict[int, bytes]:
    """Every value in `table`'s TOAST relation (dead chunks included), by value id."""
    (toast,) = psql(url, f"SELECT reltoastrelid::regclass FROM pg_class WHERE oid = '{table}'::regclass")[0]
    chunks: dict[int, list[tuple[int, bytes]]] = {}
    for value_id, seq, data in _tuples(url, toast, [1, 2, 3]):
        chunks.setdefault(struct.unpack("<I", value_id)[0], []).append((struct.unpack("<i", seq)[0], _varlena(data, {})))
    return {value: b"".join(data for _, data in sorted(parts)) for value, parts in chunks.items()}


def stored_records(url: str) -> list[Record]:
    """The records of every frame tuple version in the frame table's pages, live or dead, decoded with every
    dictionary tuple version found the same way."""
    psql(url, "CREATE EXTENSION IF NOT EXISTS pageinspect")
    with tempfile.TemporaryDirectory() as scratch:
        dictionaries: dict[int, Path] = {}
        toast = _toast_values(url, "sessiond.dictionary")
        for identifier, data in _tuples(url, "sessiond.dictionary", [1, 2]):
            target = Path(scratch) / f"{struct.unpack('<i', identifier)[0]}.dict"
            target.write_bytes(_varlena(data, toast))
            dictionaries[struct.unpack("<i", identifier)[0]] = target
        toast = _toast_values(url, "sessiond.frame")
        records: list[Record] = []
        for (datum,) in _tuples(url, "sessiond.frame", [7]):
            records += read_frame(_varlena(datum, toast), dictionaries, "a frame tuple").records
        return records
