"""The fault bench's section of docs/BENCHMARKS.md, from the figures of each database's run."""

from typing import Any

NAMES = {"sqlite": "SQLite (embedded default)", "postgresql": "PostgreSQL"}


def _yes(flag: bool) -> str:
    return "met" if flag else "**not met**"


def _row(label: str, runs: dict[str, dict[str, Any]], key: str, bold: bool = False) -> str:
    cells = [f"**{r[key]}**" if bold else str(r[key]) for r in runs.values()]
    return f"| {label} | " + " | ".join(cells) + " |"


def section(runs: dict[str, dict[str, Any]], seed: int, gap: tuple[float, float]) -> str:
    first = next(iter(runs.values()))
    heads = " | ".join(NAMES.get(db, db) for db in runs)
    lines = [
        f"{first['clients']} logged-in officers submit items and incidents' initial reports over"
        " HTTP (the form's token, every fourth item with an attachment, resent with the same"
        " token after any failure, as a browser or a user would) while the web"
        " server and the worker are SIGKILLed at random moments and restarted; server as"
        f" `make run` starts it ({first['shape']}).",
        "",
        f"| Figure | {heads} |",
        "|---|" + "---:|" * len(runs),
        _row("SIGKILLs (web server + worker)", runs, "kills", bold=True),
        _row("… of the web server (gunicorn master and workers)", runs, "web_kills"),
        _row("… of the worker", runs, "worker_kills"),
        _row("Web server back after a kill, p50 / max (s)", _pair(runs), "restart"),
        _row("Run length (s)", runs, "seconds"),
        _row("Submissions acknowledged (302 to the item or incident)", runs, "acknowledged", True),
        _row("… of them incidents' initial reports", runs, "acknowledged_reports"),
        _row("… present afterwards", runs, "present"),
        _row("… **lost** (acknowledged, absent)", runs, "lost", bold=True),
        _row("Submissions sent more than once (retries after a failure)", runs, "resent"),
        _row(
            "… of them answered “already saved” (saved, then the answer lost)",
            runs,
            "resent_already_saved",
            bold=True,
        ),
        _row("Submissions abandoned (server down > 120 s)", runs, "abandoned"),
        _row("Rows committed but never acknowledged", runs, "rows_unacknowledged", bold=True),
        _row("Duplicate rows: same token", runs, "token_duplicates"),
        _row("Duplicate rows: same user, same title and text", runs, "content_duplicates"),
        _row("Attachments sent / intact (row, file, SHA-256)", _att(runs), "att"),
        _row("Inbox rows written during the run", runs, "inbox_rows"),
        _row("Inbox duplicates (same recipient, same event)", runs, "inbox_duplicates", bold=True),
        _row("Inbox rows with the same recipient and text (information)", runs, "inbox_same_text"),
        _row("Search outbox left when the server stopped", runs, "index_pending_before_drain"),
        _row("Items the index should hold / missing / stray", _idx(runs), "idx"),
        _row("… found by the full-text index", runs, "index_fulltext_found"),
        _row("Integrity check", runs, "integrity", bold=True),
        _row("Client-side request failures (retried)", runs, "client_errors"),
        "",
        "Targets (issue 12):",
        "",
    ]
    for db, r in runs.items():
        name = NAMES.get(db, db)
        index_ok = (
            r["index_missing"] == 0
            and r["index_stray"] == 0
            and r["index_fulltext_found"] == r["index_expected"]
        )
        lines += [
            f"- {name}: at least 10 kills: {_yes(r['kills'] >= 10)} ({r['kills']});"
            f" 0 lost: {_yes(r['lost'] == 0)}; 0 duplicates: {_yes(r['duplicates'] == 0)};"
            f" 0 inbox duplicates: {_yes(r['inbox_duplicates'] == 0)};"
            f" attachments intact: {_yes(r['attachments_intact'] == r['attachments_sent'])};"
            f" integrity ok: {_yes(str(r['integrity']).startswith(('ok', 'n/a')))};"
            f" search index consistent: {_yes(index_ok)};"
            f" no row left unacknowledged: {_yes(r['rows_unacknowledged'] == 0)}",
        ]
    lines += [
        "",
        "How measured:",
        "",
        "- Each database gets a fresh temporary var dir (attachments, static files) and database"
        " (SQLite: a new file; PostgreSQL: a scratch database created by the bench and dropped"
        " after it), then `migrate`, `seed_demo`, `collectstatic` and `manage.py serve` exactly as"
        " `make run` (bench/_server.py).",
        "- Clients (bench/_faults_load.py, in two processes) are demo officers, each on one"
        " keep-alive connection (bench/_loadgen.py's client). For every item a client GETs"
        " `/items/new/` and takes the form's token from the page, then POSTs the form as a browser"
        " does (multipart, ~300 characters of Chinese text, `submit`, the CSRF token, the form"
        " token; every fourth carries a small `.txt` attachment whose SHA-256 the client keeps)."
        " A 302 to `/items/<id>/` is the acknowledgement. Every fifth submission is instead the"
        " unit's written initial report of an incident (GET and POST `/emergencies/new/`, the"
        " same way; it writes the unit head's inbox row in the same transaction and sets the"
        " incident's deadlines for the worker), acknowledged by a 302 to `/emergencies/<id>/`."
        " On a refused or reset connection, a"
        " timeout or any other answer it waits 0.3 s and sends the same form again, same token,"
        " logging in again if the session is gone, for up to 120 s. After a resent form it"
        " follows the redirect, as the browser would, and reads whether the page says the"
        " first one had already been saved: those are submissions committed by a server"
        " killed before it could answer.",
        f"- Kills (seed {seed}, `random.Random`): half of them the web server, half the worker,"
        f" in shuffled order, each {gap[0]:g}–{gap[1]:g} s after the server was back from the last."
        " Web server: SIGKILL to the gunicorn master and every gunicorn worker at once, with"
        " requests in flight; `serve` sees its web server gone, stops the worker and exits; the"
        " bench starts it again and waits for `/healthz` (every web worker up, the worker"
        " beating). Worker: SIGKILL to `manage.py run_worker` (mid-round or asleep: it drains the"
        " search outbox and sends deadline notifications); `serve` restarts it 2 s later.",
        "- Counting (bench/_faults_check.py, in Django, after a graceful stop), over the rows the"
        " clients' users wrote since the server started: present = the acknowledged (user, token)"
        " pairs whose item (or report) exists with the acknowledged item (or incident) id; lost ="
        " acknowledged − present. Duplicates: items or reports sharing (author, token), plus items"
        " of one author with identical title and body and incidents with identical title and"
        " place (every submission's text is unique, so any is a retry saved twice)."
        " Rows never acknowledged: rows with the token of a submission whose"
        " client never got its 302. Attachments: the acknowledged item has exactly one"
        " attachment, its stored SHA-256 is the client's and the file on disk hashes to it."
        " Inbox: notifications written during the run, grouped by (recipient, event key), and by"
        " (recipient, title, body, link) for information.",
        "- Search index: the outbox is drained as the worker would (`archive.index.drain`); then"
        " the archive's own builder (`archive.index.build`) says which items the index must hold;"
        " missing = those without an index document, stray = item documents that should not be"
        " there; the full-text backend is asked for every item document's row id.",
        "- Integrity: SQLite `PRAGMA integrity_check`; PostgreSQL `amcheck`'s `bt_index_check`"
        " on every B-tree index of the database (heap checks need `verify_heapam`, not run).",
    ]
    for db, r in runs.items():
        for sample in r["error_samples"][:3]:
            lines.append(f"- {NAMES.get(db, db)}, a failed request the client retried: `{sample}`")
    return "\n".join(lines) + "\n"


def _pair(runs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        db: {"restart": f"{r['web_restart_p50_s']} / {r['web_restart_max_s']}"}
        for db, r in runs.items()
    }


def _att(runs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        db: {"att": f"{r['attachments_sent']} / {r['attachments_intact']}"}
        for db, r in runs.items()
    }


def _idx(runs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        db: {"idx": f"{r['index_expected']} / {r['index_missing']} / {r['index_stray']}"}
        for db, r in runs.items()
    }
