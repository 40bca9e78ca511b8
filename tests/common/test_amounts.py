"""Amounts as people type them: digits grouped the Vietnamese or the English way, thousands and millions
("1500k", "1,5 triệu", "1tr5"), and a reason for every refusal."""

import pytest

from common.amounts import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # Digits, grouped or not.
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1\u00a0500\u00a0000", 1_500_000),  # copied from a page or a spreadsheet
        ("12.000", 12_000),
        ("0", 0),
        ("  950.000  ", 950_000),
        # With the currency.
        ("1.500.000đ", 1_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1.500.000 đồng", 1_500_000),
        ("1500000 VND", 1_500_000),
        ("1500000d", 1_500_000),
        ("1.500.000₫", 1_500_000),
        # Thousands.
        ("1500k", 1_500_000),
        ("1500K", 1_500_000),
        ("1500 k", 1_500_000),
        ("800 nghìn", 800_000),
        ("800 ngàn", 800_000),
        ("800 nghin", 800_000),
        ("1,5k", 1_500),
        # Millions, whole or with a decimal part after a comma or a dot.
        ("2 triệu", 2_000_000),
        ("2 TRIỆU", 2_000_000),
        ("2 trieu", 2_000_000),
        ("2tr", 2_000_000),
        ("1,5 triệu", 1_500_000),
        ("1.5tr", 1_500_000),
        ("0,75 triệu", 750_000),
        ("1,25tr", 1_250_000),
        ("1.2345 triệu", 1_234_500),
        ("2 triệu đồng", 2_000_000),
        ("1,5 triệu đ", 1_500_000),
        # Millions and thousands, as written and as said.
        ("1 triệu 200 nghìn", 1_200_000),
        ("1tr200k", 1_200_000),
        ("1tr5", 1_500_000),
        ("1 triệu 5", 1_500_000),
        ("2 triệu 300", 2_300_000),
        ("2tr050", 2_050_000),
        ("3 triệu 50 nghìn", 3_050_000),
    ],
)
def test_amounts_as_people_type_them(text, amount):
    assert parse_amount(text) == amount


def test_vietnamese_typed_with_combining_marks_is_read():
    decomposed = "1,5 trie\u0302\u0323u"  # "triệu" as some phone keyboards send it
    assert parse_amount(decomposed) == 1_500_000


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not_a_number"),
        ("một triệu", "not_a_number"),
        ("triệu", "not_a_number"),
        ("1.500.000 USD", "not_a_number"),
        ("+5", "not_a_number"),
        ("١٢", "not_a_number"),  # digits of another script
        ("1" * 50, "not_a_number"),
        ("-5", "negative"),
        ("-1.500.000", "negative"),
        ("−5", "negative"),  # the minus sign
        ("1e9", "exponent"),
        ("1E6", "exponent"),
        ("1.5e6", "exponent"),
        ("1,5,5", "grouping"),
        ("1.50.000", "grouping"),
        ("1.500,000", "grouping"),  # two kinds of separator
        ("15 00", "grouping"),
        ("1 5 triệu", "grouping"),
        ("1,5", "decimal_without_unit"),
        ("1.5", "decimal_without_unit"),
        ("1,50", "decimal_without_unit"),
        ("1.500k", "ambiguous"),  # 1.500 nghìn or 1,5 nghìn?
        ("1,500 triệu", "ambiguous"),
        ("1tr50", "ambiguous"),  # 1.050.000 or 1.500.000?
        ("1,2345678 triệu", "fraction"),
        ("1,5tr200", "not_a_number"),
        ("1k200k", "not_a_number"),
        ("1 triệu 1200 nghìn", "grouping"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_a_reason(text, code):
    with pytest.raises(AmountError) as raised:
        parse_amount(text)
    assert raised.value.code == code
    assert str(raised.value)  # a reason in words
    assert isinstance(raised.value, ValueError)


def test_the_module_imports_no_django():
    import common.amounts

    with open(common.amounts.__file__, encoding="utf-8") as source:
        imports = [line for line in source if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "django" in line]
