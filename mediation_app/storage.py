"""Files kept under MEDIATION_STORAGE, addressed by an opaque key."""

import hashlib
import os
import uuid
from pathlib import Path


class Storage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path_of(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("storage key escapes the storage root")
        return path

    def put(self, folder: str, content: bytes) -> tuple[str, str]:
        """Write atomically; return (key, sha256)."""
        digest = hashlib.sha256(content).hexdigest()
        key = f"{folder}/{digest[:2]}/{uuid.uuid4().hex}"
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        os.replace(temporary, path)
        return key, digest

    def read(self, key: str) -> bytes:
        return self.path_of(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)
