"""The local media store: what goes in comes out, by ranges, owner-only, no escape."""

import stat
from pathlib import Path

import pytest

from kit.media import LocalMediaStore, NoSuchMediaError


async def test_put_get_ranges_size_and_delete(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    await store.put("note-1", b"0123456789", "audio/webm")
    assert await store.get("note-1", 2, 5) == b"234"
    assert await store.get("note-1", 8, 100) == b"89"
    assert await store.size("note-1") == 10
    assert stat.S_IMODE((tmp_path / "media" / "note-1").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "media").stat().st_mode) == 0o700
    await store.delete("note-1")
    with pytest.raises(NoSuchMediaError):
        await store.size("note-1")
    with pytest.raises(NoSuchMediaError):
        await store.get("note-1", 0, 1)


@pytest.mark.parametrize("key", ["../escape", "a/b", "", ".hidden", "x" * 129, "a.b"])
async def test_keys_never_leave_the_folder(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        await LocalMediaStore(tmp_path).put(key, b"x", "audio/webm")
