"""Mix session files driven by mix-python-sdk==0.8.1: upload, list, download, delete, limits, rewind clean-up."""

import uuid

import httpx
import pytest
from mix_python_sdk import errors, models

from test_mix import make_session


def download(mix, session_id, name):
    """The SDK returns the streaming response unread."""
    response = mix.files.get_session_file(id=session_id, filename=name)
    response.read()
    return response


def upload(mix, session_id, name, content, content_type="text/plain"):
    return mix.files.upload_session_file(
        id=session_id, file=models.File(file_name=name, content=content, content_type=content_type)
    )


def test_upload_list_get_delete(mix):
    created = make_session(mix)
    info = upload(mix, created.id, "report.txt", b"quarterly numbers")
    assert info.name == "report.txt"
    assert info.size == len(b"quarterly numbers")
    assert info.is_dir is False
    assert info.url == f"/api/sessions/{created.id}/files/report.txt"
    assert info.modified > 1_700_000_000

    listed = mix.files.list_session_files(id=created.id)
    assert [f.name for f in listed] == ["report.txt"]

    downloaded = download(mix, created.id, "report.txt")
    assert downloaded.status_code == 200
    assert downloaded.content == b"quarterly numbers"
    assert downloaded.headers["content-type"] == "text/plain"

    mix.files.delete_session_file(id=created.id, filename="report.txt")
    assert mix.files.list_session_files(id=created.id) == []
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.files.get_session_file(id=created.id, filename="report.txt")
    assert raised.value.status_code == 404
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.files.delete_session_file(id=created.id, filename="report.txt")
    assert raised.value.status_code == 404


def test_a_file_downloads_through_every_node(mix):
    """With two nodes (SESSIOND_CONFORMANCE_NODES=2) requests alternate between them, so one of the two downloads is
    served by the node that did not take the upload: the bytes are kept beside the shared log, not on one node."""
    created = make_session(mix)
    upload(mix, created.id, "both.txt", b"served by either node")
    for _ in range(2):
        response = download(mix, created.id, "both.txt")
        assert response.status_code == 200
        assert response.content == b"served by either node"


def test_same_bytes_in_two_sessions_and_replacement(mix):
    first = make_session(mix)
    second = make_session(mix)
    upload(mix, first.id, "shared.bin", b"\x00\x01\x02same", "application/octet-stream")
    upload(mix, second.id, "shared.bin", b"\x00\x01\x02same", "application/octet-stream")
    mix.files.delete_session_file(id=first.id, filename="shared.bin")
    # The other session's reference keeps the shared blob readable.
    assert download(mix, second.id, "shared.bin").content == b"\x00\x01\x02same"
    upload(mix, second.id, "shared.bin", b"replaced", "application/octet-stream")
    assert [f.size for f in mix.files.list_session_files(id=second.id)] == [len(b"replaced")]
    assert download(mix, second.id, "shared.bin").content == b"replaced"


def test_unknown_session_is_404(mix):
    missing = str(uuid.uuid4())
    with pytest.raises(errors.ErrorResponse) as raised:
        mix.files.list_session_files(id=missing)
    assert raised.value.status_code == 404
    with pytest.raises(errors.ErrorResponse) as raised:
        upload(mix, missing, "a.txt", b"x")
    assert raised.value.status_code == 404
    assert raised.value.data.error.message == f"Session with ID '{missing}' not found"


def test_upload_over_32mb_is_413(mix, http):
    # Raw httpx, to read the envelope: its type is one the SDK's ErrorResponse model accepts.
    created = make_session(mix)
    response = http.post(
        f"/api/sessions/{created.id}/files/upload", files={"file": ("big.bin", b"a" * ((32 << 20) + 1))}
    )
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "bad_request"  # the SDK's enum has no payload type
    assert mix.files.list_session_files(id=created.id) == []


def test_upload_without_file_field_is_400(mix, http):
    created = make_session(mix)
    response = http.post(f"/api/sessions/{created.id}/files/upload", files={"document": ("a.txt", b"x")})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "file is required"
    with pytest.raises(errors.ErrorResponse) as raised:
        upload(mix, created.id, "../escape.txt", b"x")
    assert raised.value.status_code == 400


def test_rewind_cleanup_media_removes_later_files(mix):
    created = make_session(mix)
    upload(mix, created.id, "before.txt", b"kept")
    mix.messages.send(id=created.id, text="keep")
    mix.messages.send(id=created.id, text="drop")
    upload(mix, created.id, "after.txt", b"cleaned up")
    kept = mix.messages.list_session(id=created.id)[0]
    mix.sessions.rewind_session(id=created.id, message_id=kept.id, cleanup_media=True)
    assert [f.name for f in mix.files.list_session_files(id=created.id)] == ["before.txt"]


def test_deleted_session_events_are_redacted_in_the_global_read(mix, http):
    created = make_session(mix)
    upload(mix, created.id, "secret.txt", b"secret")
    mix.sessions.delete(id=created.id)
    page = http.get("/v1/events", params={"after": 0, "limit": 1000}).json()
    mine = [e for e in page["events"] if e["sessionId"] == created.id]
    assert [e["type"] for e in mine] == ["session.created", "file.added", "session.deleted"]
    assert [e.get("redacted", False) for e in mine] == [True, True, False]
    assert all(e["data"] is None for e in mine[:2])
    # The live stream's catch-up redacts the same way.
    with httpx.stream("GET", str(http.base_url) + "/v1/events/stream", params={"after": 0}, timeout=10) as stream:
        seen = {}
        for line in stream.iter_lines():
            if line.startswith("data:") and created.id in line:
                event = httpx.Response(200, content=line[5:]).json()
                seen[event["type"]] = event
                if event["type"] == "session.deleted":
                    break
    assert seen["file.added"]["redacted"] is True and seen["file.added"]["data"] is None
    assert seen["session.deleted"].get("redacted") is None
