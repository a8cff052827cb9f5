"""人民币大写金额 (会计基础工作规范 第五十二条), written the way SPEC §6 fixes:

- every run of zero digits between two non-zero digits of the yuan part is one 零, also when
  the run crosses 万 or 亿 (100,800 → 壹拾万零捌佰; 10,005,000 → 壹仟万零伍仟);
- 拾 always carries its digit (10 → 壹拾);
- 整 after 元 or 角 when nothing follows; 元零X分 when 角 is zero (1,000.07 → 壹仟元零柒分);
  a zero 元位 before a non-zero 角 gets no 零 (10.50 → 壹拾元伍角整: 第五十二条 allows both);
- below one yuan no 元 is written (0.05 → 伍分); 0 → 零元整.

Negative amounts are refused: the caller writes the absolute amount under a label that
says it is to be recovered (应收回大写).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")


def daxie(amount: Decimal | int) -> str:
    """The uppercase form of an amount in 元, rounded to the 分 first (四舍五入)."""
    cents = int((Decimal(amount) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    if cents < 0:
        raise ValueError("大写金额只写正数：应收回的金额请传绝对值，并用“应收回大写”标注")
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if cents == 0:
        return "零元整"
    text = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        return text + DIGITS[fen] + "分"
    return text + "整"


def _yuan(n: int) -> str:
    """A positive whole number of yuan: sections of four digits under 万 and 亿."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _yuan(high) + unit
            if low == 0:
                return text
            # Zeros at the end of the higher part or the head of the lower one are inner zeros.
            gap = high % 10 == 0 or low < size // 10
            return text + ("零" if gap else "") + _yuan(low)
    return _four(n)


def _four(n: int) -> str:
    """1..9999, one 零 for a run of inner zeros, none at the end."""
    text, pending = "", False
    for digit, place in zip(f"{n:04d}", PLACES):
        if digit == "0":
            pending = bool(text)
            continue
        text += ("零" if pending else "") + DIGITS[int(digit)] + place
        pending = False
    return text
