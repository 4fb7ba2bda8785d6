"""Region codes resolve by name, year and the hints a text gives, or not at all."""

import pytest

from dagster_project.core.areacodes import resolve_region


@pytest.mark.parametrize(
    ("name", "year", "code", "level", "province", "prefecture"),
    [
        ("赣州市", 2021, "360700", "prefecture", "江西省", "赣州市"),
        ("章贡区", 2024, "360702", "county", "江西省", "赣州市"),
        ("乐平市", 2021, "360281", "county", "江西省", "景德镇市"),
        ("江西省", 2021, "360000", "province", "江西省", ""),
        ("东城区", 2021, "110101", "county", "北京市", ""),  # 直辖 is no prefecture
    ],
)
def test_resolves_known_regions(name, year, code, level, province, prefecture):
    reg = resolve_region(name, year)
    assert reg is not None
    assert (reg.code, reg.name, reg.admin_level, reg.province, reg.prefecture) == (
        code, name, level, province, prefecture)


@pytest.mark.parametrize(
    ("name", "year", "code"),
    [
        # 龙南县 360727 (1998–2020) became 龙南市 360783 in 2020.
        ("龙南县", 2019, "360727"),
        ("龙南县", 2020, None),
        ("龙南市", 2020, "360783"),
        ("龙南市", 2019, None),
        # Before 1998 赣州市 was a county-level city of 赣州地区.
        ("赣州市", 1995, "362101"),
        ("赣州市", 1998, "360700"),
        # 乐平县 became 乐平市 in 1992.
        ("乐平县", 1990, "360221"),
        ("乐平市", 1990, None),
        # Without a year only codes still in use count.
        ("龙南县", None, None),
        ("龙南市", None, "360783"),
    ],
)
def test_code_valid_in_year(name, year, code):
    reg = resolve_region(name, year)
    assert (reg.code if reg else None) == code


def test_renamed_code_keeps_its_number_under_the_new_name():
    # 360302 was 萍乡市城关区 until 1993, then 安源区.
    assert resolve_region("城关区", 1990, parent_hint="萍乡市").code == "360302"
    assert resolve_region("安源区", 1990) is None
    assert resolve_region("安源区", 1993).code == "360302"


def test_ambiguous_name_needs_a_hint():
    assert resolve_region("城关区", 2021) is None
    assert resolve_region("新华区", 2021) is None
    assert resolve_region("城关区", 2021, province_hint="甘肃省").code == "620102"
    assert resolve_region("城关区", 2021, parent_hint="兰州市").code == "620102"
    assert resolve_region("新华区", 2021, province_hint="河北省") is None  # 石家庄 and 沧州
    assert resolve_region("新华区", 2021, "河北省", "沧州市").code == "130902"
    assert resolve_region("新华区", 2021, province_hint="江西") is None  # a hint that fits none


def test_unknown_name():
    assert resolve_region("赣州", 2021) is None
    assert resolve_region("", 2021) is None


def test_national():
    reg = resolve_region("全国", 2021)
    assert (reg.code, reg.name, reg.admin_level, reg.province) == ("100000", "全国", "national", "")


@pytest.mark.parametrize(("year", "longnan"), [(None, "龙南市"), (1990, "龙南县"), (2019, "龙南县"), (2020, "龙南市")])
def test_names_in_year_are_the_names_with_a_valid_code(year, longnan):
    from dagster_project.core.areacodes import candidates, known_names, names_in_year

    names = names_in_year(year)
    assert set(names) == {n for n in known_names() if candidates(n, year)}
    assert len(names) == len(set(names))
    assert {"龙南县", "龙南市"} & set(names) == {longnan}  # 龙南县 became 龙南市 in 2020
