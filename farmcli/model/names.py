"""Township and unit names: normalise, match, and never guess (SPEC §1 Names)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from farmcli.model.cells import INVISIBLE, normalise_text

# The 55 minority nationalities, longest first so that 土家 wins over 土.
_ETHNIC = sorted(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺".split(),
    key=len,
    reverse=True,
)
# 鲇埠回族乡 → 鲇埠乡, 双河彝族乡 → 双河乡, 某某土家族苗族乡 → 某某乡.
_ETHNIC_RE = re.compile(r"(?:(?:%s)族)+(?=(?:乡|镇|苏木)$)" % "|".join(_ETHNIC))
_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|政府|办事处)$")
# How a totals row may be labelled → the word it counts as: 合计 and 总计 rows are checked
# against farmcli's own sum; 小计, 本页合计 and 累计 cover rows the ledger does not mark, so
# they count as 小计: excluded from the data, not checked (SPEC §1).
TOTAL_LABELS = {"合计": "合计", "总计": "总计", "小计": "小计", "本页合计": "小计", "本页小计": "小计", "累计": "小计"}
_LABEL_NOISE = re.compile(r"(\([^()]*\))|[:：;；,，.。、]+$")


def total_word(value: object) -> str | None:
    """`合计：`, `合 计`, `总计（元）`, `本页合计` → 合计 / 总计 / 小计; any other cell → None."""
    if type(value) is not str or "计" not in value:  # cheap test first: a million cells pass here
        return None
    text = _LABEL_NOISE.sub("", normalise_text(value))
    return TOTAL_LABELS.get(text)


def invisible_note(value: object, other: object) -> str:
    """Where two names compare alike only because farmcli removed invisible (Cf) characters, a
    phrase that says so and names them (a clerk cannot see a zero-width space); else ""."""
    if type(value) is not str or type(other) is not str or value == other:
        return ""
    hidden = sorted({ch for ch in value + other if INVISIBLE.match(ch)})
    if not hidden or INVISIBLE.sub("", value) != INVISIBLE.sub("", other):
        return ""
    names = "、".join(f"U+{ord(ch):04X}（{unicodedata.name(ch, '格式字符')}）" for ch in hidden)
    return f"（两处写法只差看不见的字符 {names}，farmcli 比较时去掉了它，按同一个处理）"


def key_form(value: object) -> object:
    """The form keys (project numbers, names) compare in: NFKC without spaces, so `JS-2` and
    `ＪＳ－２` are one key. Non-text values are returned as they are."""
    return normalise_text(value) if isinstance(value, str) else value


def name_key(name: object) -> str:
    """The form two names are compared in: NFKC, no spaces, no 人民政府/政府/办事处,
    no ethnic designation inside a township name."""
    text = normalise_text(name)
    text = _GOVERNMENT_SUFFIX.sub("", text)
    return _ETHNIC_RE.sub("", text)


@dataclass
class NameIndex:
    """The known names of one kind (the townships of `乡镇`), plus the `别名` sheet.

    ``canonical`` maps a key to the display name; ``aliases`` maps an alias key to
    the key of its standard name.
    """

    canonical: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    standard: dict[str, str] = field(default_factory=dict)  # a standard name's key → how 别名 writes it

    def resolve(self, name: object) -> str | None:
        """The key of the known name `name` stands for, or None — never a guess."""
        key = name_key(name)
        if key in self.canonical:
            return key
        target = self.aliases.get(key)
        if target in self.canonical:
            return target
        return None

    @classmethod
    def with_aliases(cls, aliases: dict[str, tuple[str, str]]) -> NameIndex:
        """An index with no names yet that applies 别名 (alias key → (standard key, standard name))."""
        return cls(aliases={a: k for a, (k, _) in aliases.items()}, standard={k: n for k, n in aliases.values()})

    def add(self, value: object) -> str:
        """Make `value` a known name and return its key: its 别名's standard name where it has one,
        so `二街` and `二街镇` group as one when 别名 says so (SPEC §1 Names)."""
        key = name_key(value)
        if key in self.aliases:
            key = self.aliases[key]
            self.canonical.setdefault(key, self.standard.get(key, str(value)))
        else:
            self.canonical.setdefault(key, str(value))
        return key

    @classmethod
    def of(cls, values: list, aliases: dict[str, tuple[str, str]]) -> tuple[NameIndex, list[str | None]]:
        """The known names among `values` (a table's name column), with 别名 applied, and each
        value's key (None for a blank). `aliases`: alias key → (standard key, standard name)."""
        index = cls.with_aliases(aliases)
        return index, [None if value is None else index.add(value) for value in values]

    def display(self, key: str) -> str:
        return self.canonical[key]

    def closest(self, name: object, n: int = 3) -> list[str]:
        key = name_key(name)
        keys = difflib.get_close_matches(key, list(self.canonical), n=n, cutoff=0.4)
        return [self.canonical[k] for k in keys]

    def unmatched_message(self, name: object, kind: str = "乡镇") -> str:
        close = self.closest(name)
        hint = f"最接近的是：{'、'.join(close)}。" if close else ""
        if close:
            how = f"请在「别名」表中加一行：别名“{name}”，标准名称“{close[0]}”（或名单中它所指的名称）。"
        else:
            how = f"请在「别名」表中加一行：别名“{name}”，标准名称填{kind}名单中它所指的名称的写法。"
        return (f"名称“{name}”与{kind}名单中的任何名称都对不上，未计入任何{kind}。{hint}可能是这里的名称写错了，"
                f"也可能是「{kind}」表中的名称写错了：请核对两处的写法并改正。如确为同一单位的另一种写法，{how}")
