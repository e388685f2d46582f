"""Defects: values echoed in errors are cut to 80 characters; long lists are capped."""

from __future__ import annotations

from firpath.domain.errors import (
    MAX_DEFECTS_KEPT,
    MAX_ECHO,
    MAX_KINDS,
    Defect,
    DefectLog,
    FieldInvalid,
    InvalidInput,
)


def test_a_defect_value_is_cut_to_80_characters_with_an_ellipsis() -> None:
    defect = Defect("is wrong", 2, "notes", None, "x" * 5000)
    assert defect.value is not None
    assert len(defect.value) == MAX_ECHO == 80 and defect.value.endswith("...")
    assert Defect("is wrong", value="y" * 80).value == "y" * 80


def test_a_field_invalid_value_and_message_are_cut_to_80_characters() -> None:
    error = FieldInvalid("model_id", "9" * 10_000, "must be 4 hexadecimal digits")
    assert len(error.value) == 80 and error.value.endswith("...")
    assert len(str(error)) < 200


def test_a_defect_log_keeps_the_first_200_and_counts_the_rest_by_kind() -> None:
    log = DefectLog()
    for row in range(2, 1002):
        log.add(Defect("must be 8 hexadecimal digits", row, "firmware_version"))
        log.add(Defect("is required", row, "status"))
    assert len(log) == 2000 and len(log.kept) == MAX_DEFECTS_KEPT == 200
    assert log.kept[0].row == 2 and log.kept[-1].row == 101
    counts = {(m.field, m.message): m.count for m in log.more()}
    assert counts == {
        ("firmware_version", "must be 8 hexadecimal digits"): 900,
        ("status", "is required"): 900,
    }


def test_a_defect_log_counts_kinds_beyond_the_limit_as_other_problems() -> None:
    log = DefectLog(keep=0)
    for row in range(MAX_KINDS + 25):
        log.add(Defect(f"CPL Entry ID already used on row {row}", row, "cpl_entry_id"))
    more = log.more()
    assert len(more) == MAX_KINDS + 1
    assert more[-1].message == "other problems" and more[-1].count == 25
    assert sum(m.count for m in more) == len(log)


def test_invalid_input_from_a_list_is_capped_and_totals_every_defect() -> None:
    error = InvalidInput([Defect("is required", r, "status") for r in range(1000)], "x.csv")
    assert len(error.defects) == 200 and error.total == 1000
    assert [(m.field, m.count) for m in error.more] == [("status", 800)]
    assert str(error) == "x.csv: 1000 problem(s)"


def test_a_defect_log_sorts_what_it_keeps_and_supports_adding_lists() -> None:
    log = DefectLog()
    log += [Defect("b", 3), Defect("a", 1)]
    log.sort(key=lambda d: d.row or 0)
    assert [d.row for d in log.kept] == [1, 3] and bool(log)
    assert not DefectLog()
