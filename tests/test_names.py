"""SPEC §1 Names: 人民政府 suffixes, ethnic designations, 别名, and never a guess."""

import pytest

from farmcli.model.names import NameIndex, name_key


@pytest.mark.parametrize("a, b", [
    ("鲇埠回族乡", "鲇埠乡"),
    ("鲇埠乡人民政府", "鲇埠回族乡"),
    ("修山镇人民政府", "修山镇"),
    ("桃花江镇 政府", "桃花江镇"),
    ("昆阳街道办事处", "昆阳街道"),
    ("双河彝族乡", "双河乡"),
    ("某某土家族苗族乡", "某某乡"),
    ("修山镇（ ）".replace("（ ）", ""), "修 山 镇"),
    ("ＡＢ镇", "AB镇"),
])
def test_same_name(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("马迹塘塘镇", "马迹塘镇"), ("鲂埠回族乡", "鲇埠回族乡"), ("东乡镇", "东镇")])
def test_different_names_stay_different(a, b):
    assert name_key(a) != name_key(b)


def test_index_resolves_alias_and_never_guesses():
    index = NameIndex(canonical={name_key("马迹塘镇"): "马迹塘镇", name_key("修山镇"): "修山镇"},
                      aliases={name_key("马迹塘塘镇"): name_key("马迹塘镇")})
    assert index.resolve("马迹塘镇人民政府") == name_key("马迹塘镇")
    assert index.resolve("马迹塘塘镇") == name_key("马迹塘镇")
    assert index.resolve("马迹镇") is None
    message = index.unmatched_message("马迹镇")
    assert "马迹塘镇" in message and "「别名」" in message
