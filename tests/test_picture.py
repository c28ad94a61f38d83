"""The route as a picture: Mermaid, Graphviz DOT and PNG, with accounts, regions and VPCs as nested boxes, the
proxy and the endpoint marked, the refusing hop in red; ``reachbot ask --format … [--out FILE]``."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest
from PIL import Image

from engine import Engine, load_bundled
from engine.answer import Answer
from engine.cli.main import main
from engine.estates.builder import allow_all, tcp
from engine.picture import draw
from tests.scenarios import Small

CASE3 = "why can web-osaka-a not reach bucket app-data"  # article case 3: refused by the proxy VPC's endpoint
CASE9 = "web-tokyo-a -> app-data-tokyo"  # reachable
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RED = (208, 0, 0)  # the refusing hop's outline


@pytest.fixture(scope="module")
def bundled() -> Engine:
    return Engine(load_bundled(), "bundled")


def _case3(eng: Engine) -> Answer:
    return eng.ask(CASE3, fixes=False)


def _node_line(text: str, hop_id: str) -> str:
    return next(line for line in text.splitlines() if hop_id in line and ("[" in line or "label=" in line))


def test_mermaid_nests_vpc_in_region_in_account_and_marks_proxy_endpoint_and_refusal(bundled: Engine) -> None:
    a = _case3(bundled)
    text = draw(a, "mermaid")
    assert isinstance(text, str) and text.startswith("flowchart")
    proxy_vpc = next(h.vpc for h in a.hops if h.kind == "proxy")
    lines = text.splitlines()
    account = next(i for i, line in enumerate(lines) if "subgraph" in line and '"account 111122223333"' in line)
    region = next(i for i, line in enumerate(lines) if i > account and "subgraph" in line)
    vpc = next(i for i, line in enumerate(lines) if i > region and "subgraph" in line)
    assert "ap-northeast-3" in lines[region] and str(proxy_vpc) in lines[vpc]
    endpoint = a.blocked_by.resource if a.blocked_by else ""
    refused_key = _node_line(text, endpoint).split("[")[0].strip()
    assert f"class {refused_key} refused" in text and "stroke:#d00000" in text
    proxy_key = _node_line(text, next(h.id for h in a.hops if h.kind == "proxy")).split("[")[0].strip()
    assert f"class {proxy_key} proxy" in text and "[endpoint]" in _node_line(text, endpoint)
    assert len(re.findall(r" --> ", text)) == len(a.hops) - 1


def test_dot_draws_places_as_nested_clusters_and_the_refusing_hop_in_red(bundled: Engine) -> None:
    a = _case3(bundled)
    text = draw(a, "dot")
    assert isinstance(text, str) and text.startswith("digraph route {") and text.rstrip().endswith("}")
    assert text.count("subgraph cluster") >= 6  # two accounts' regions and VPCs, the peering's region
    endpoint = a.blocked_by.resource if a.blocked_by else ""
    assert 'color="#d00000"' in _node_line(text, endpoint)
    assert text.count("{") == text.count("}")
    assert len(re.findall(r" -> ", text)) == len(a.hops) - 1


def test_refusal_by_a_security_group_ends_the_route_with_a_red_node_of_its_own() -> None:
    """A security group is no hop: the drawing adds the refusal (code and group) after the last hop."""
    s = Small()
    closed = s.b.security_group(s.vpc, "closed", egress=[allow_all(cidr="192.0.2.0/24")])
    s.b.instance(s.private, "client", "10.0.1.10", [closed])
    db_sg = s.b.security_group(s.vpc, "db", ingress=[tcp(5432, "10.0.1.0/24")])
    s.b.instance(s.public, "db", "10.0.0.20", [db_sg])
    a = s.engine().ask("can client reach db:5432", fixes=False)
    text = draw(a, "mermaid")
    assert isinstance(text, str)
    assert re.search(r'refusal\["refused here<br/>SG_EGRESS_DENY<br/>' + closed, text)
    assert "class refusal refused" in text


def test_unknown_route_ends_with_a_node_saying_the_snapshot_cannot_tell() -> None:
    """A route handed to a gateway the snapshot does not hold: unknown, never drawn as reachable or refused."""
    s = Small()
    s.b.route(s.private_rtb, "0.0.0.0/0", "vgw-0123456789abcdef0", origin="EnableVgwRoutePropagation")
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    text = draw(a, "dot")
    assert isinstance(text, str)
    assert f"h{len(a.hops)} -> verdict;" in text and 'verdict [label="cannot tell from the snapshot"' in text
    assert "#d00000" not in text


def _red_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = {color: n for n, color in image.getcolors(maxcolors=1 << 24) or []}
    return counts.get(RED, 0)


def test_png_is_an_image_with_the_refusing_hop_in_red(bundled: Engine) -> None:
    picture = draw(_case3(bundled), "png")
    assert isinstance(picture, bytes) and picture.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(picture))
    assert image.format == "PNG" and image.width >= 320 and image.height > 10 * 50
    assert _red_pixels(picture) > 200


def test_png_of_a_reachable_route_has_no_red(bundled: Engine) -> None:
    a = bundled.ask(CASE9, fixes=False)
    assert a.verdict == "reachable"
    assert _red_pixels(draw(a, "png")) == 0  # type: ignore[arg-type]


def test_unknown_picture_format_is_refused(bundled: Engine) -> None:
    with pytest.raises(ValueError, match="mermaid, dot, png"):
        draw(_case3(bundled), "svg")


# --- the command line ---------------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_format_png_writes_the_file_given_with_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "case3.png"
    code, out, _ = _run(capsys, "ask", CASE3, "--no-fixes", "--format", "png", "--out", str(out_file))
    assert code == 0 and out == ""
    assert out_file.read_bytes().startswith(PNG_MAGIC)


def test_ask_format_png_without_out_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "ask", CASE3, "--format", "png")
    assert code == 2 and out == ""
    assert "--format png" in err and "--out" in err and "Traceback" not in err


def test_ask_format_mermaid_prints_a_flowchart_and_out_writes_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ask", CASE3, "--no-fixes", "--format", "mermaid")
    assert code == 0 and out.startswith("flowchart")
    target = tmp_path / "route.dot"
    code, out, _ = _run(capsys, "ask", CASE3, "--no-fixes", "--format", "dot", "--out", str(target))
    assert code == 0 and out == "" and target.read_text(encoding="utf-8").startswith("digraph")


def test_json_flag_is_an_alias_of_format_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, by_flag, _ = _run(capsys, "ask", CASE9, "--json", "--no-fixes")
    _, by_format, _ = _run(capsys, "ask", CASE9, "--format", "json", "--no-fixes")
    first, second = json.loads(by_flag), json.loads(by_format)
    first["snapshot"].pop("age"), second["snapshot"].pop("age")
    assert first == second and first["hops"][0]["admitted_by"] == []


def test_conflicting_or_batch_pictures_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "ask", CASE3, "--json", "--format", "dot")
    assert code == 2 and "--json" in err
    batch = tmp_path / "q.txt"
    batch.write_text(CASE3 + "\n", encoding="utf-8")
    code, _, err = _run(capsys, "ask", "--batch", str(batch), "--format", "mermaid")
    assert code == 2 and "--batch" in err


def test_unwritable_out_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "ask", CASE3, "--no-fixes", "--format", "png", "--out",
                        str(tmp_path / "missing" / "x.png"))
    assert code == 2 and "cannot write" in err and "Traceback" not in err


# --- the README's examples and the picture in docs/ ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## What admitted each hop, and the route as a picture"


def _readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION):].split("\n## ", 1)[0]
    return [shlex.split(line)[1:] for line in section.splitlines() if line.startswith("reachbot ask ")]


def test_readme_picture_examples_run_on_the_bundled_estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    commands = _readme_commands()
    assert len(commands) == 4
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    for argv in commands:
        code, _, err = _run(capsys, *argv)
        assert code == 0, (argv, err)
    assert (tmp_path / "case3.dot").read_text(encoding="utf-8").startswith("digraph")
    assert (tmp_path / "docs" / "case3.png").read_bytes().startswith(PNG_MAGIC)


def test_docs_case3_png_is_the_current_drawing_of_case3(bundled: Engine) -> None:
    """docs/case3.png is made by the README's command; a change to the drawing means making it again."""
    shipped = Image.open(ROOT / "docs" / "case3.png")
    fresh = Image.open(io.BytesIO(draw(_case3(bundled), "png")))  # type: ignore[arg-type]
    assert shipped.size == fresh.size, "regenerate: see README, 'What admitted each hop, and the route as a picture'"
    assert _red_pixels((ROOT / "docs" / "case3.png").read_bytes()) > 200
