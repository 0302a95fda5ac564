"""Reads a sessiond log directory from its bytes alone, following docs/log-format.md (segments, frames, records,
dictionaries), so a test can look at every stored record without trusting sessiond's own reader.

zstd payloads are decompressed with the `zstd` command-line tool (apt package `zstd`), with `-D` for frames that
name a dictionary. Checksums are not verified here (`sessiond verify` does that); this reader is for content.
"""

import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Record:
    position: int
    stream: str
    version: int
    recorded_at: int
    schema_version: int
    event_id: bytes
    type: str
    metadata: dict
    body: bytes


def _decompress(payload: bytes, dictionary: Path | None) -> bytes:
    command = ["zstd", "-d", "-c", "-q"] + (["-D", str(dictionary)] if dictionary else [])
    return subprocess.run(command, input=payload, stdout=subprocess.PIPE, check=True).stdout


def _records(raw: bytes):
    offset = 0
    while offset < len(raw):
        (length,) = struct.unpack_from("<I", raw, offset)
        end = offset + 4 + length
        at = offset + 4
        position, version, recorded_at, schema = struct.unpack_from("<QQqH", raw, at)
        at += 26
        event_id = raw[at:at + 16]
        at += 16

        def text():
            nonlocal at
            (n,) = struct.unpack_from("<H", raw, at)
            value = raw[at + 2:at + 2 + n].decode()
            at += 2 + n
            return value

        stream, type_ = text(), text()
        (pairs,) = struct.unpack_from("<H", raw, at)
        at += 2
        metadata = {}
        for _ in range(pairs):
            key = text()
            metadata[key] = text()
        (body_length,) = struct.unpack_from("<I", raw, at)
        body = raw[at + 4:at + 4 + body_length]
        yield Record(position, stream, version, recorded_at, schema, event_id, type_, metadata, body)
        offset = end


def read_log(directory: Path) -> list[Record]:
    """Every record of every segment under `directory`, in position order."""
    records: list[Record] = []
    with tempfile.TemporaryDirectory() as scratch:
        dictionaries: dict[int, Path] = {}
        for path in sorted(directory.glob("dict-*.zdict")):
            data = path.read_bytes()
            assert data[:4] == b"SDDC", f"{path}: not a dictionary"
            identifier, length = struct.unpack_from("<II", data, 4)
            target = Path(scratch) / f"{identifier}.dict"
            target.write_bytes(data[16:16 + length])
            dictionaries[identifier] = target
        for segment in sorted(directory.glob("*.seg")):
            data = segment.read_bytes()
            assert data[:4] == b"SDSG", f"{segment}: not a segment"
            offset = 32
            while offset + 40 <= len(data):
                stored = read_frame(data[offset:], dictionaries, f"{segment} at {offset}")
                records += stored.records
                offset += stored.length
    return records


@dataclass
class Frame:
    length: int
    records: list[Record]


def read_frame(data: bytes, dictionaries: dict[int, Path], where: str) -> Frame:
    """The frame at the start of `data` (header and payload; docs/log-format.md), decompressed with the dictionary
    files by id that `dictionaries` names."""
    assert data[:4] == b"SDFR", f"{where}: no frame"
    flags, first, count, raw_length, stored, dictionary = struct.unpack_from("<HQIIII", data, 6)
    payload = data[40:40 + stored]
    raw = _decompress(payload, dictionaries.get(dictionary) if dictionary else None) if flags & 1 else payload
    assert len(raw) == raw_length, f"{where}: frame decodes to {len(raw)} bytes"
    records = list(_records(raw))
    assert len(records) == count and records[0].position == first
    return Frame(40 + stored, records)
