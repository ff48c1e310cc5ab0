"""A rebuild's documents added to the tantivy index by a process of its own.

`manage.py reindex` writes the document table (normalising every source record) and then fills
the index from it (the tokens and tier tokens of every document): both are Python work, one
after the other on one core. On a large archive the rebuild hands each batch of documents it
writes to a child process instead (`python -m archive.tantivy_fill`), which adds them to the
index while the next batch is written, on the other core, and commits once the table is
complete (`Filler.finish`). Measured: docs/BENCHMARKS.md, the search benchmark's build.

The child holds tantivy's writer lock from its start to its commit: no other process writes
the index meanwhile (they do not sync while the rebuild runs anyway). If the child fails, or the
rebuild does, nothing is committed, the lock is released when the child ends, and the pending
full build (its `Unsynced(FULL)` row) stays: the rebuild then fills the index itself, as without
a child.

The batches go down the child's standard input, each pickled (between two processes of this
code) behind its length; a length of 0 ends them. The child answers "committed".
"""

import contextlib
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

DONE = b"committed"
_LENGTH = struct.Struct("<Q")


class Filler:
    """The rebuild's side: hands batches to the child, then asks it to commit."""

    def __init__(self, path: str) -> None:
        root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        env.setdefault("DJANGO_SETTINGS_MODULE", "xinbao.settings")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "archive.tantivy_fill", path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def _send(self, data: bytes) -> bool:
        pipe: IO[bytes] | None = self._process.stdin
        try:
            assert pipe is not None
            pipe.write(_LENGTH.pack(len(data)))
            pipe.write(data)
            return True
        except (BrokenPipeError, OSError):
            return False

    def put(self, entries: Sequence[tuple[Any, ...]]) -> bool:
        """Hand a batch over (waiting while the child is a few batches behind); False when
        the child has ended (the rebuild fills the index itself then)."""
        if self._process.poll() is not None:
            return False
        return self._send(pickle.dumps(list(entries), protocol=pickle.HIGHEST_PROTOCOL))

    def finish(self) -> bool:
        """Every batch was handed over: the child commits them. True when it did."""
        try:
            if self._process.poll() is not None or not self._send(b""):
                return False
            answer, _err = self._process.communicate()
            return self._process.returncode == 0 and answer.strip() == DONE
        except (BrokenPipeError, OSError):
            return False
        finally:
            self.stop()

    def stop(self) -> None:
        """End the child (without its commit, if it has not made it)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):
                    pipe.close()


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the rebuild ended before handing every batch over")
    return data


def main(path: str) -> None:
    import django

    django.setup()
    import tantivy

    from archive import tantivy_index

    writer = tantivy_index._writer(tantivy.Index.open(path), tantivy_index.BULK_HEAP, 2)
    assert writer is not None
    writer.delete_all_documents()
    stream = sys.stdin.buffer
    while size := _LENGTH.unpack(_read(stream, _LENGTH.size))[0]:
        tantivy_index._add(writer, pickle.loads(_read(stream, size)))
    writer.commit()
    writer.wait_merging_threads()
    sys.stdout.buffer.write(DONE + b"\n")


if __name__ == "__main__":
    main(sys.argv[1])
