"""Write output files atomically, so a failed build never leaves a half-written file."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, data: bytes | Iterable[bytes], clear_stale: bool = True) -> Path:
    """Write ``data`` (bytes, or chunks of bytes written as they come) to a temporary file beside ``path``, then
    rename it into place.

    Temporary files a killed build left for the same path are removed first, unless ``clear_stale`` is false:
    in a cache shared by builds running at once, such a file may be another build's, about to be renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp") if clear_stale else ():
        stale.unlink(missing_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
