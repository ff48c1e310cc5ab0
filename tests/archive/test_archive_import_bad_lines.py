"""import_items on the lines a real export contains: each bad one is reported with its number
and reason, every good one is imported, and nothing aborts the batch."""

import json
from io import StringIO

from django.core.management import call_command

from archive.models import ImportedItem
from submissions.models import InfoItem


# Historical items carry fixed past dates (data, not the current year).
def good(n: int, **fields) -> bytes:
    line = {
        "title": f"历史信息{n}",
        "body": "全年汛期平稳。",
        "unit": "unit-a",
        "submitted": "2019-10-09T09:30:00+08:00",
        **fields,
    }
    return json.dumps(line, ensure_ascii=False).encode()


def run(tmp_path, lines: list[bytes]) -> tuple[str, str]:
    path = tmp_path / "history.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err = StringIO(), StringIO()
    call_command("import_items", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_bad_line_is_reported_and_the_good_ones_imported(officer_a, tmp_path):
    long_id = "x" * 120
    lines = [
        good(1),
        good(2, occurred="2019-02-30", submitted=""),
        good(3, submitted="0001-01-01T00:00:00"),
        good(4, submitted="9999-12-31T23:59:59-12:00"),
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        good(6, title="\\ud800").replace(b"\\\\ud800", b"\\ud800"),
        "历史信息七".encode("gbk"),
        good(8, body="第一行\x0b第二行\x1b。"),
        good(9, id=long_id),
        good(10, id="x" * 96 + "-one"),
        good(11, id="x" * 96 + "-two"),
        good(12, id="y" * 97),
    ]
    out, err = run(tmp_path, lines)
    assert "3 imported, 0 already there, 9 rejected" in out
    assert "history.jsonl:2: rejected: occurred '2019-02-30' is not a real date" in err
    assert "history.jsonl:3: rejected: submitted '0001-01-01T00:00:00' is outside 1949-10-01" in err
    assert "history.jsonl:4: rejected: submitted '9999-12-31T23:59:59-12:00' is outside" in err
    assert "history.jsonl:5: rejected: JSON nested too deeply" in err
    assert "history.jsonl:6: rejected: contains a lone surrogate" in err
    assert "history.jsonl:7: rejected: not UTF-8 text" in err
    # Ids are compared whole: two that share their first 97 characters are not merged into
    # one (the key column holds "id:" and 97 more); longer ones are refused, not cut.
    for n in (9, 10, 11):
        assert f"history.jsonl:{n}: rejected: id longer than 97 characters" in err
    titles = sorted(InfoItem.objects.values_list("title", flat=True))
    assert titles == ["历史信息1", "历史信息12", "历史信息8"]
    assert InfoItem.objects.get(title="历史信息8").body == "第一行\n第二行。"
    out, _err = run(tmp_path, lines)
    assert "0 imported, 3 already there, 9 rejected" in out
    assert ImportedItem.objects.count() == 3
