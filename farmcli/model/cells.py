"""Cell parsers: turn whatever a clerk typed into a typed value, never raising.

Each parser returns ``(value, problem)``: ``problem`` is None when the cell was
understood, else a short Chinese phrase saying why not (the caller adds the
cell's location and turns it into a finding). A blank cell is ``(None, None)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

Parsed = tuple[object, str | None]

# Dashes and slashes a clerk types for "nothing here".
_BLANK_MARKS = {"", "-", "--", "—", "——", "/", "／", "无"}
_TRUE = {"是", "y", "yes", "√", "✓", "✔", "true", "1", "对"}
_FALSE = {"否", "n", "no", "×", "✗", "✘", "x", "false", "0", "错"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel date serials of 1950-01-01 .. 2100-12-31: outside this a number is not a date.
_SERIAL_RANGE = (18264, 73415)
# A time after the date (`10:00`, `10:00:00`, `10时`, `10点30分`) is dropped: the day is what counts.
_TIME = r"(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?|[时点](?:(?P<zm>\d{1,2})分(?:(?P<zs>\d{1,2})秒)?)?)"
_DATE_PATTERNS = tuple(re.compile(p % {"t": _TIME}) for p in (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?: |T)%(t)s)?$",
    r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: %(t)s)?$",
    r"^(\d{4})\.(\d{1,2})\.(\d{1,2})(?: %(t)s)?$",
    r"^(\d{4})年(\d{1,2})月(\d{1,2})(?:日|(?= )|$)(?: ?%(t)s)?$",  # without 日 a time needs its space: 2023年12月310时
))
# Spaces around a date's separators go (`2022 年 11 月 30 日`); the one between date and time stays.
_DATE_SPACES = re.compile(r"\s*([-/.:年月日时点分秒])\s*")


# Unicode format characters (category Cf: zero-width space and joiners, BOM, word joiner, bidi marks …):
# invisible, so `JS-2` with a zero-width space is `JS-2`. Ranges of Unicode 15; a test checks them
# against the running Python's unicodedata.
_CF_RANGES = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
              (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
              (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
              (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))
INVISIBLE = re.compile("[%s]" % "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _CF_RANGES))


def normalise_text(value: object) -> str:
    """NFKC (full-width → half-width), every kind of white space and every invisible (Cf) character removed."""
    text = str(value)
    if not text.isascii():
        text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(text.split())


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalise_text(value) == "")


def parse_text(value: object) -> Parsed:
    if value is None or value == "":
        return None, None
    if isinstance(value, float) and value.is_integer():
        # Codes typed as numbers (图斑编号 1001) come back as 1001.0.
        return str(int(value)), None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10], None
    text = str(value).strip()
    return (text or None), None


def float_to_decimal(value: float) -> Decimal:
    """Excel keeps 15 significant digits; reading more would invent precision
    (a cell computed as 0.1+0.2 shows 0.3 and must count as 0.3)."""
    return Decimal(format(value, ".15g"))


def parse_number(value: object) -> Parsed:
    """Numbers, also as text: '671,242.00', '1.2万', '93.58%', '（1,000）'."""
    if value is None or isinstance(value, bool):
        return (None, None) if value is None else (None, "是布尔值，不是数字")
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, "不是有效数字"
        return float_to_decimal(value), None
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return None, "是日期，不是数字"
    text = normalise_text(value)
    if text in _BLANK_MARKS:
        return None, None
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accounting negative
        negative, text = True, text[1:-1]
    text = text.replace(",", "").removeprefix("¥").removeprefix("￥")
    scale = Decimal(1)
    for suffix, factor in (("%", Decimal("0.01")), ("万元", Decimal(10000)), ("万", Decimal(10000)),
                           ("元", Decimal(1)), ("亩", Decimal(1))):
        if text.endswith(suffix):
            text, scale = text[: -len(suffix)], factor
            break
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None, f"“{value}”无法识别为数字"
    try:
        number = Decimal(text) * scale
    except InvalidOperation:
        return None, f"“{value}”无法识别为数字"
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        return None, f"“{value}”超出可处理的范围（须小于 10^15）"
    return (-number if negative else number), None


def parse_percent(value: object, header_in_percent: bool = False) -> Parsed:
    """A ratio as a fraction. Number cells are fractions (Excel's % format stores
    0.9358), unless the header says the column is in percent, e.g. `工程进度(%)`."""
    number, problem = parse_number(value)
    if number is None or problem:
        return number, problem
    text = normalise_text(value) if isinstance(value, str) else ""
    if header_in_percent and not text.endswith("%"):
        number = number / 100
    return number, None


def parse_bool(value: object) -> Parsed:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    text = normalise_text(value).lower()
    if text == "":
        return None, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, f"“{value}”无法识别为 是/否"


def parse_date(value: object) -> Parsed:
    """Excel dates, date serials, 2022-11-30, 2022/11/30, 2022.11.30, 2022年11月30日."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, "是布尔值，不是日期"
    if isinstance(value, (int, float)):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), None
        return None, f"数字 {value} 不是日期"
    text = normalise_text(value)
    if text in _BLANK_MARKS:
        return None, None
    # Whitespace is kept between date and time: removed, `2023/12/3 10:00` would read as 2023-12-31.
    text = _DATE_SPACES.sub(r"\1", " ".join(unicodedata.normalize("NFKC", str(value)).split()))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return _day(match, value)
    return None, f"“{value}”无法识别为日期（可用 2022-11-30、2022/11/30 或 2022年11月30日）"


def _day(match: re.Match, value: object) -> Parsed:
    """The day a date pattern matched, once its time (if any) is a real time of day."""
    clock = [match.group(n) for n in ("h", "m", "s", "zm", "zs") if match.groupdict().get(n)]
    hour, *rest = [int(c) for c in clock] or [0]
    if hour > 23 or any(n > 59 for n in rest):
        return None, f"“{value}”的时间不存在"
    try:
        return dt.date(*(int(g) for g in match.groups()[:3])), None
    except ValueError:
        return None, f"“{value}”不是存在的日期"


PARSERS = {
    "text": parse_text,
    "number": parse_number,
    "area": parse_number,
    "money": parse_number,
    "percent": parse_percent,
    "bool": parse_bool,
    "date": parse_date,
}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
