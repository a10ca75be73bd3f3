"""REFI-QDA codebooks (.qdc): export, read back, files from other programs, CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import purposeclf
from purposeclf.cli import cli
from purposeclf.codebook import Codebook, load_codebook
from purposeclf.exceptions import CodebookError
from purposeclf.qda import (
    QDC_NAMESPACE,
    code_guid,
    codebook_to_qdc,
    export_codebook,
    parse_qdc,
    read_qdc,
    write_qdc,
)

from .conftest import write_csv

NS = {"q": QDC_NAMESPACE}
XSD = Path(purposeclf.__file__).parent / "data" / "Codebook.xsd"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def q(tag: str) -> str:
    return f"{{{QDC_NAMESPACE}}}{tag}"


def all_codes(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(q("Code")))


def description(code: ET.Element) -> str:
    el = code.find("q:Description", NS)
    return "" if el is None else (el.text or "")


# ----------------------------------------------------------------------- export


@pytest.mark.parametrize("scheme", ["keep", "purpose"])
def test_export_structure(scheme):
    cb = load_codebook(scheme)
    root = ET.fromstring(codebook_to_qdc(scheme).encode("utf-8"))
    assert root.tag == q("CodeBook")
    assert root.get("origin") == f"purposeclf {purposeclf.__version__}"
    assert [c.tag for c in root] == [q("Codes")] + ([q("Sets")] if cb.camps else [])
    codes = all_codes(root)
    for code in codes:
        assert str(uuid.UUID(code.get("guid"))) == code.get("guid")
        assert code.get("isCodable") in ("true", "false")
        assert re.fullmatch(r"#[0-9A-F]{6}", code.get("color"))
        assert code.get("name")
    codable = [c for c in codes if c.get("isCodable") == "true"]
    assert [c.get("name") for c in codable] == [lab.name for lab in cb.labels]
    assert [description(c).splitlines()[0] for c in codable] == [
        f"purposeclf id: {i}" for i in cb.ids
    ]
    top = root.findall("q:Codes/q:Code", NS)
    if not cb.camps:  # keep: a flat list of codable codes
        assert top == codable and not any(c.findall("q:Code", NS) for c in top)
        return
    # purpose: one non-codable parent per camp with its labels as children, and sets
    assert [c.get("name") for c in top] == [c.name for c in cb.camps]
    assert all(c.get("isCodable") == "false" for c in top)
    sets = root.findall("q:Sets/q:Set", NS)
    assert [s.get("name") for s in sets] == [c.name for c in cb.camps]
    for camp, parent, set_ in zip(cb.camps, top, sets, strict=True):
        children = parent.findall("q:Code", NS)
        assert [c.get("name") for c in children] == [
            lab.name for lab in cb.labels if lab.camp == camp.id
        ]
        assert [m.get("guid") for m in set_.findall("q:MemberCode", NS)] == [
            c.get("guid") for c in children
        ]
    guids = [c.get("guid") for c in codes] + [s.get("guid") for s in sets]
    assert len(set(guids)) == len(guids)


def test_guids_are_stable_and_files_byte_identical(tmp_path):
    # Pinned: a change here would break every project that imported our codebooks.
    assert code_guid("keep", "label", "valued_staff") == str(
        uuid.uuid5(
            uuid.UUID("95de8865-9fb0-406c-be5c-ee85a8c22baf"),
            "purposeclf/keep/label/valued_staff",
        )
    )
    assert code_guid("keep", "label", "x") != code_guid("keep", "camp", "x")
    a = write_qdc("purpose", tmp_path / "a.qdc").read_bytes()
    b = write_qdc(load_codebook("purpose"), tmp_path / "b.qdc").read_bytes()
    assert a == b
    assert a.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    keep_guids = set(
        re.findall(
            rb'guid="([^"]+)"', write_qdc("keep", tmp_path / "k.qdc").read_bytes()
        )
    )
    assert not keep_guids & set(re.findall(rb'guid="([^"]+)"', a))


def test_export_validates_against_the_refi_xsd():
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    for scheme in ("keep", "purpose"):
        doc = etree.fromstring(codebook_to_qdc(scheme).encode("utf-8"))
        assert schema.validate(doc), schema.error_log
    bad = codebook_to_qdc("keep").replace('isCodable="true"', 'isCodable="maybe"', 1)
    assert not schema.validate(etree.fromstring(bad.encode("utf-8")))


def test_shipped_xsd_describes_the_codebook_namespace():
    root = ET.parse(XSD).getroot()
    xs = "{http://www.w3.org/2001/XMLSchema}"
    assert root.tag == f"{xs}schema" and root.get("targetNamespace") == QDC_NAMESPACE
    code_type = root.find(f"{xs}complexType[@name='CodeType']")
    assert {a.get("name") for a in code_type.findall(f"{xs}attribute")} == {
        "guid",
        "name",
        "isCodable",
        "color",
    }
    assert root.find(f"{xs}element").get("name") == "CodeBook"
    assert "qdasoftware.org" in XSD.read_text(encoding="utf-8-sig")  # source recorded


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("scheme", ["keep", "purpose"])
def test_round_trip_keeps_ids_names_descriptions_and_camps(tmp_path, scheme):
    cb = load_codebook(scheme)
    back = read_qdc(write_qdc(cb, tmp_path / f"{scheme}.qdc"))
    assert back.scheme == scheme
    assert back.ids == cb.ids
    for a, b in zip(cb.labels, back.labels, strict=True):
        assert (a.name, a.description, a.not_this, a.camp) == (
            b.name,
            b.description,
            b.not_this,
            b.camp,
        )
    assert back.camps == cb.camps
    # and through load_codebook, which is what --codebook uses
    assert load_codebook(tmp_path / f"{scheme}.qdc").ids == cb.ids


def test_round_trip_of_awkward_text(tmp_path):
    cb = Codebook.from_dict(
        {
            "scheme": "odd",
            "camps": [
                {"id": "c-1", "name": 'Camp "one" <A&E>', "description": "x & y"}
            ],
            "labels": [
                {
                    "id": "A.b-c_d",
                    "name": 'Wait < 2 weeks & "fast"',
                    "camp": "c-1",
                    "description": "Line one\nline two: <script>alert(1)</script> "
                    "Ünïcödé",
                    "not_this": "Anything about parking",
                },
                {"id": "z", "name": "Tabs\tand   spaces"},
            ],
        }
    )
    text = codebook_to_qdc(cb)
    assert "<script>" not in text and "&lt;script&gt;" in text
    back = read_qdc(write_qdc(cb, tmp_path / "odd.qdc"))
    assert back.ids == ("A.b-c_d", "z")
    assert back.labels[0].name == 'Wait < 2 weeks & "fast"'
    assert back.labels[0].description == cb.labels[0].description
    assert back.labels[0].not_this == "Anything about parking"
    assert back.camps == cb.camps
    assert back.labels[1].name == "Tabs and spaces"  # names are whitespace-normalised


# ------------------------------------------------------- files from other tools

NVIVO_LIKE = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{0B1E2C3D-0000-4000-8000-000000000001}"
          name="Access &amp; appointments" isCodable="true">
      <Description>Anything about getting seen.</Description>
      <Code guid="0b1e2c3d-0000-4000-8000-000000000002"
            name="Phone   lines" isCodable="true"/>
      <Code guid="0b1e2c3d-0000-4000-8000-000000000003" name="Other" isCodable="true"/>
      <Code guid="0b1e2c3d-0000-4000-8000-000000000004" name="Online" isCodable="false">
        <Code guid="0b1e2c3d-0000-4000-8000-000000000005"
              name="e-Consult (web)" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="0b1e2c3d-0000-4000-8000-000000000006"
          name="Staff wellbeing" isCodable="false">
      <Description/>
      <Code guid="0b1e2c3d-0000-4000-8000-000000000007" name="Other" isCodable="true"/>
      <Code guid="0b1e2c3d-0000-4000-8000-000000000008"
            name="Rest &amp; food" color="#ff0000"/>
    </Code>
    <Code guid="0b1e2c3d-0000-4000-8000-000000000009"
          name="50% fewer visits" isCodable="true"/>
    <Code guid="0b1e2c3d-0000-4000-8000-00000000000a"
          name="Memo only" isCodable="false"/>
  </Codes>
</CodeBook>
"""


def test_reads_a_codebook_written_by_another_program(tmp_path):
    path = tmp_path / "NVivo export (2024).qdc"
    path.write_text(NVIVO_LIKE, encoding="utf-8")
    cb = read_qdc(path)
    assert cb.scheme == "nvivo_export_2024"
    got = [(lab.id, lab.name, lab.camp) for lab in cb.labels]
    assert got == [
        ("access_and_appointments", "Access & appointments", "access_and_appointments"),
        ("phone_lines", "Phone lines", "access_and_appointments"),
        ("other", "Other", "access_and_appointments"),
        # the non-codable "Online" is flattened away; its child stays in the camp
        ("e_consult_web", "e-Consult (web)", "access_and_appointments"),
        ("staff_wellbeing_other", "Staff wellbeing / Other", "staff_wellbeing"),
        ("rest_and_food", "Rest & food", "staff_wellbeing"),  # no isCodable: codable
        ("code_50_percent_fewer_visits", "50% fewer visits", None),
    ]
    assert cb.camp_ids == ("access_and_appointments", "staff_wellbeing")
    assert (
        cb.label("access_and_appointments").description
        == "Anything about getting seen."
    )
    assert cb.label("phone_lines").description == ""
    assert "memo_only" not in cb
    # deterministic: the same file gives the same codebook
    assert read_qdc(path) == cb


def test_ids_come_back_after_another_program_re_exports(tmp_path):
    """GUIDs and colours replaced, a code renamed, a code added, lines run together."""
    original = codebook_to_qdc("keep")
    edited = re.sub(r'guid="[^"]+"', lambda m: f'guid="{uuid.uuid4()}"', original)
    edited = edited.replace('color="#4E79A7"', 'color="#abc"')
    edited = edited.replace('name="Valued staff"', 'name="Staff who feel valued"')
    # ATLAS.ti-style: the description's line breaks become spaces
    edited = edited.replace(
        "purposeclf id: digital_tools\n", "purposeclf id: digital_tools "
    )
    edited = edited.replace(
        "</Codes>",
        '  <Code guid="{11111111-2222-4333-8444-555555555555}" name="Car parking" '
        'isCodable="true"/>\n  </Codes>',
    )
    edited = edited.replace('origin="purposeclf', 'origin="MAXQDA 2024; was purposeclf')
    cb = parse_qdc(edited.encode("utf-8"), scheme="keep")
    keep = load_codebook("keep")
    assert cb.ids == keep.ids + ("car_parking",)
    assert cb.label("valued_staff").name == "Staff who feel valued"
    assert (
        cb.label("digital_tools").description == keep.label("digital_tools").description
    )


def test_a_slug_never_takes_a_purposeclf_id():
    xml = f"""<CodeBook xmlns="{QDC_NAMESPACE}"><Codes>
      <Code guid="00000000-0000-4000-8000-000000000001"
            name="Great teams" isCodable="true"/>
      <Code guid="00000000-0000-4000-8000-000000000002"
            name="Teamwork" isCodable="true">
        <Description>purposeclf id: great_teams</Description></Code>
    </Codes></CodeBook>"""
    cb = parse_qdc(xml)
    assert cb.ids == ("great_teams_2", "great_teams")


def test_flat_codebook_with_sets_gets_camps_from_the_sets():
    xml = f"""<CodeBook xmlns="{QDC_NAMESPACE}"><Codes>
      <Code guid="00000000-0000-4000-8000-000000000001" name="Phones" isCodable="true"/>
      <Code guid="00000000-0000-4000-8000-000000000002" name="Rotas" isCodable="true"/>
      <Code guid="00000000-0000-4000-8000-000000000003"
            name="Parking" isCodable="true"/>
    </Codes><Sets>
      <Set guid="00000000-0000-4000-8000-0000000000a1" name="Patient access">
        <Description>Getting seen</Description>
        <MemberCode guid="{{00000000-0000-4000-8000-000000000001}}"/>
        <MemberCode guid="00000000-0000-4000-8000-000000000003"/></Set>
      <Set guid="00000000-0000-4000-8000-0000000000a2" name="Workforce">
        <MemberCode guid="00000000-0000-4000-8000-000000000002"/>
        <MemberCode guid="00000000-0000-4000-8000-000000000003"/></Set>
      <Set guid="00000000-0000-4000-8000-0000000000a3" name="Empty"/>
    </Sets></CodeBook>"""
    cb = parse_qdc(xml)
    assert [(lab.id, lab.camp) for lab in cb.labels] == [
        ("phones", "patient_access"),
        ("rotas", "workforce"),
        ("parking", "patient_access"),
    ]
    assert [(c.id, c.name, c.description) for c in cb.camps] == [
        ("patient_access", "Patient access", "Getting seen"),
        ("workforce", "Workforce", ""),
    ]


def test_utf16_file_from_windows(tmp_path):
    path = tmp_path / "codes.qdc"
    path.write_bytes(
        NVIVO_LIKE.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    )
    assert read_qdc(path).ids[:2] == ("access_and_appointments", "phone_lines")


# ---------------------------------------------------------------------- errors

GOOD_CODE = (
    '<Code guid="00000000-0000-4000-8000-000000000001" name="A" isCodable="true"/>'
)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>", "not well-formed XML"),
        ("", "not well-formed XML"),
        (
            f"<CodeBook><Codes>{GOOD_CODE}</Codes></CodeBook>",
            "root element is <CodeBook> in namespace '\\(none\\)'",
        ),
        (
            f"<CodeBook xmlns='urn:QDA-XML:codebook:1:0'><Codes>{GOOD_CODE}</Codes>"
            "</CodeBook>",
            "namespace 'urn:QDA-XML:codebook:1:0'",
        ),
        ("<Project xmlns='urn:QDA-XML:project:1.0' name='p'/>", "REFI-QDA project"),
        ("<html><body>not a codebook</body></html>", "root element is <html>"),
        (
            "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes/></CodeBook>",
            "has no codes",
        ),
        ("<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "has no codes"),
        (
            "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='x' name='A' "
            "isCodable='false'/></Codes></CodeBook>",
            'isCodable="false"',
        ),
        (
            "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='x' name=' ' "
            "isCodable='true'/></Codes></CodeBook>",
            "has no name",
        ),
        (
            "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
            "<Code guid='a' name='A' isCodable='true'>"
            "<Description>purposeclf id: dup</Description></Code>"
            "<Code guid='b' name='B' isCodable='true'>"
            "<Description>purposeclf id: dup</Description></Code></Codes></CodeBook>",
            "label id 'dup' appears twice \\(codes 'A' and 'B'\\)",
        ),
        (
            "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
            "<Code guid='a' name='A' isCodable='true'>"
            "<Description>purposeclf id: 9lives</Description></Code>"
            "</Codes></CodeBook>",
            "'purposeclf id: 9lives'.*not a valid id",
        ),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, xml, message):
    path = tmp_path / "bad.qdc"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as info:
        read_qdc(path)
    assert "bad.qdc" in str(info.value)
    with pytest.raises(CodebookError, match=message):
        load_codebook(path)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="00000000-0000-4000-8000-000000000001" name="&lol3;" isCodable="true"/>
</Codes></CodeBook>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!doctype CodeBook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="00000000-0000-4000-8000-000000000001" name="&secret;" isCodable="true"/>
</Codes></CodeBook>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_dtds_and_entities_are_refused(tmp_path, xml, encoding):
    path = tmp_path / "evil.qdc"
    path.write_bytes(xml.encode(encoding))
    with pytest.raises(CodebookError, match="DOCTYPE declaration.*entity attacks"):
        read_qdc(path)
    only_entity = '<?xml version="1.0"?><!ENTITY x "y"><CodeBook/>'
    with pytest.raises(CodebookError, match="ENTITY declaration"):
        parse_qdc(only_entity)


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    import purposeclf.codebook._qdc_read as reader

    text = codebook_to_qdc("keep")
    with pytest.raises(CodebookError, match="more than the 1,000 a codebook may have"):
        parse_qdc(text, max_bytes=1000)
    monkeypatch.setattr(reader, "MAX_QDC_BYTES", 1000)
    path = tmp_path / "big.qdc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match="more than the 1,000"):
        read_qdc(path)


# ------------------------------------------------------------------------- CLI


def test_cli_codebook_export_formats(tmp_path):
    out = tmp_path / "purpose.qdc"
    res = run("codebook", "export", "purpose", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == codebook_to_qdc("purpose").encode("utf-8")
    again = run("codebook", "export", "purpose", "-o", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert run("codebook", "export", "keep", "-o", str(out), "--force").exit_code == 0
    assert read_qdc(out).ids == load_codebook("keep").ids
    for suffix in (".json", ".csv"):
        other = tmp_path / f"from_qdc{suffix}"
        res = run("codebook", "export", str(out), "-o", str(other))
        assert res.exit_code == 0, res.output
        back = load_codebook(other)
        assert back.ids == load_codebook("keep").ids
        assert [lab.not_this for lab in back.labels] == [
            lab.not_this for lab in load_codebook("keep").labels
        ]
    bad = run("codebook", "export", "keep", "-o", str(tmp_path / "keep.txt"))
    assert bad.exit_code == 1 and "end the file name with .qdc" in bad.stderr
    missing = run("codebook", "export", "nope", "-o", str(tmp_path / "x.qdc"))
    assert missing.exit_code == 1 and "Unknown scheme" in missing.stderr
    shown = run("codebook", "show", str(out))
    assert shown.exit_code == 0 and "valued_staff  (Valued staff)" in shown.stdout


def test_export_codebook_csv_quotes_cells(tmp_path):
    cb = Codebook.from_dict(
        {
            "labels": [
                {
                    "id": "a",
                    "name": "A, with comma",
                    "description": 'He said "hi"\nthen left',
                }
            ]
        }
    )
    out = export_codebook(cb, tmp_path / "c.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows == [
        {
            "id": "a",
            "name": "A, with comma",
            "description": 'He said "hi"\nthen left',
            "not_this": "",
            "camp": "",
        }
    ]


def test_cli_train_with_a_qdc_codebook_end_to_end(tmp_path):
    qdc = tmp_path / "Practice codes.qdc"
    qdc.write_text(NVIVO_LIKE, encoding="utf-8")
    data = write_csv(
        tmp_path / "labelled.csv",
        ["text", "labels"],
        [
            ["could not get through on the phone", "Phone lines"],  # a name
            ["phones engaged all morning", "phone_lines"],  # a derived id
            ["the e-consult form on the website", "e-Consult (web)"],
            ["filled in the online form", "e_consult_web"],
            ["free hot food on night shifts", "Rest & food"],
            ["a rest room for staff at last", "rest_and_food"],
            ["fifty percent fewer home visits", "code_50_percent_fewer_visits"],
            ["home visits cut by half", "50% fewer visits"],
            ["nothing really", ""],
        ]
        * 2,
    )
    model = tmp_path / "m.pclf"
    res = run("train", str(data), "-o", str(model), "--codebook", str(qdc))
    assert res.exit_code == 0, res.output
    card = json.loads(run("info", str(model), "--json").stdout)
    assert card["scheme"] == "practice_codes"
    counts = card["training"]["label_counts"]
    assert counts["phone_lines"] == 2 and counts["code_50_percent_fewer_visits"] == 2
    src = write_csv(tmp_path / "in.csv", ["text"], [["the phone lines were engaged"]])
    res = run("score", str(src), "--model", str(model))
    assert res.exit_code == 0, res.output
    row = next(csv.DictReader(io.StringIO(res.stdout)))
    assert "practice_codes_p_e_consult_web" in row and "practice_codes_camps" in row
    bad = write_csv(tmp_path / "bad.csv", ["text", "labels"], [["x", "Parking"]])
    res = run("train", str(bad), "-o", str(tmp_path / "b.pclf"), "--codebook", str(qdc))
    assert res.exit_code == 1 and "'Parking' in row 1" in res.stderr


def test_cli_train_with_a_broken_qdc_exits_1(tmp_path, labelled_csv):
    qdc = tmp_path / "evil.qdc"
    qdc.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    res = run(
        "train",
        str(labelled_csv),
        "-o",
        str(tmp_path / "m.pclf"),
        "--codebook",
        str(qdc),
    )
    assert res.exit_code == 1
    assert "DOCTYPE declaration" in res.stderr and "Traceback" not in res.stderr


def test_deeply_nested_codes_are_read_without_recursion():
    """A file nesting codes thousands deep is read, with no RecursionError."""
    depth = 3000
    opens = "".join(
        f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="code {i}" '
        'isCodable="true">'
        for i in range(depth)
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>'
        f"{opens}{'</Code>' * depth}</Codes></CodeBook>"
    )
    cb = parse_qdc(xml)
    assert len(cb.ids) == depth and cb.ids[0] == "code_0"
