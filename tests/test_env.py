"""The settings' environment readers."""

import multiprocessing

from xinbao import env


def _read(path, barrier, queue):
    barrier.wait()
    try:
        queue.put(env.secret_key("XINBAO_NO_SUCH_VARIABLE", path))
    except Exception as error:
        queue.put(repr(error))


def test_processes_starting_together_share_one_secret_key(tmp_path):
    """Web workers (or two test runs) starting at once on a new var dir: none fails, none
    reads a half-written file, and all sign with the same key."""
    context = multiprocessing.get_context("fork")
    for round_ in range(10):
        path = tmp_path / str(round_) / "secret_key"
        barrier, queue = context.Barrier(6), context.Queue()
        workers = [context.Process(target=_read, args=(path, barrier, queue)) for _ in range(6)]
        for worker in workers:
            worker.start()
        keys = {queue.get(timeout=30) for _ in workers}
        for worker in workers:
            worker.join(30)
        assert keys == {path.read_text().strip()} and len(path.read_text().strip()) >= 50
        assert path.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left
