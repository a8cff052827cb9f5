"""Opening a ledger workbook: refuse what is not a spreadsheet (LedgerError, exit 2), then
hand out each sheet's raw rows (row 1 first), read once and cached. A zip (.xlsx, .xlsm, .ods)
is opened once, as a `farmcli.ooxml.Package`, which every later look at its parts goes through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import LedgerError
from farmcli.model.progress import BIG_SHEET, STEP, Progress
from farmcli.ooxml.package import Package, open_package
from farmcli.read.digest import BATCH, SheetDigest, digest_rows, digest_sparse
from farmcli.read.formats import is_zip, open_calamine, sniff
from farmcli.read.marks import SheetMarks

MAX_FILE_BYTES = 512 * 1024 * 1024
PREFETCH_BYTES = 8 << 20  # a sheet part this big is parsed in the background while the rest is read


@dataclass
class Workbook:
    """The ledger's sheets as raw rows (lists of cell values, row 1 first)."""

    path: Path
    sheet_names: list[str]
    _book: object = None
    _cache: dict[str, list[list]] = field(default_factory=dict)
    progress: Progress | None = None
    kind: str = "xlsx"  # what the file is by content (read.formats.sniff): xlsx, xlsm, xls or ods

    xml: bool = True  # an .xlsx/.xlsm package: error values, formats and hidden rows can be read
    package: Package | None = None  # the ledger's zip, opened once (None for .xls)
    _marks: dict[str, SheetMarks] = field(default_factory=dict)
    _dense: dict[str, int] = field(default_factory=dict)  # cells a dense grid of each surveyed sheet would hold
    _streamed: set[str] = field(default_factory=set)  # sheets read from their XML (sparse): no calamine handle
    # sheet → what it says (read/digest.py), taken as its rows pass by: the record keeps it, no second read
    digests: dict[str, str] = field(default_factory=dict)
    owns_package: bool = True  # close() closes the zip too (not when it was handed in open)
    _prefetch: dict[str, tuple] = field(default_factory=dict)  # sheet → (thread, its result box)

    def find_sheet(self, name: str) -> str | None:
        """The actual sheet name matching `name` after normalisation (`乡镇 ` = `乡镇`)."""
        found = self.find_sheets(name)
        return found[0] if found else None

    def find_sheets(self, name: str) -> list[str]:
        """Every sheet whose name matches `name` after normalisation, in workbook order."""
        wanted = normalise_text(name)
        return [actual for actual in self.sheet_names if normalise_text(actual) == wanted]

    def marks(self, sheet: str, columns: set[int] | None = None) -> SheetMarks:
        """Error values, percent formats and hidden rows of `sheet` (see `xlsx_xml.survey`)."""
        if not self.xml:
            return SheetMarks(checked=False)
        if sheet not in self._marks:
            self._survey(sheet)
        marks = self._marks[sheet]
        if columns is None:
            return marks
        return SheetMarks({k: v for k, v in marks.errors.items() if k[1] in columns},
                          {k for k in marks.percent if k[1] in columns}, marks.hidden_rows, marks.hidden)

    def _survey(self, sheet: str) -> int:
        """Survey the sheet's XML once; returns the cells a dense grid of it would hold."""
        if sheet in self._dense:
            return self._dense[sheet]

        from farmcli.read import xlsx_xml

        try:
            marks, dense = xlsx_xml.survey(self.package, sheet)
        except Exception as exc:  # a part the package's checks let through but that will not parse
            raise self._unreadable(sheet, exc) from exc
        self._marks[sheet], self._dense[sheet] = marks, dense
        return dense

    def close(self) -> None:
        """Let go of the file (calamine's handle and the zip)."""
        if self._book is not None and hasattr(self._book, "close"):
            self._book.close()
        if self.package is not None and self.owns_package:
            self.package.close()

    def has_formulas(self, sheet: str) -> bool:
        """Does the sheet hold a formula? (True where its XML cannot be read: .xls, .ods.)"""
        if not self.xml:
            return True
        self._survey(sheet)
        return self._marks[sheet].formulas

    def uncached_formulas(self) -> dict[str, list[tuple[int, int]]]:
        """Sheet → (row, column) of each formula saved without its result (read as blank), over
        every worksheet of the package, each surveyed once whether it is read or not."""
        if not self.xml:
            return {}
        found = {}
        for sheet in self.sheet_names:
            self._survey(sheet)
            if self._marks[sheet].uncached:
                found[sheet] = self._marks[sheet].uncached
        return found

    def _unreadable(self, sheet: str, exc: Exception) -> LedgerError:
        return LedgerError(f"文件 {self.path} 的工作表「{sheet}」无法读取（{type(exc).__name__}）。"
                           f"请用 Excel 打开后另存为 .xlsx 再试。")

    def _stream(self, sheet: str) -> list[list] | None:
        """The rows from the sheet's XML when a dense grid would be mostly air (a stray cell far
        from the data), else None: calamine reads it."""
        from farmcli.read import xlsx_xml

        if not self.xml:
            return None
        dense = self._survey(sheet)
        part = self.package.part_of(sheet)
        if not xlsx_xml.too_sparse(dense, self.package.sizes.get(part, 0)):
            return None
        try:
            return xlsx_xml.stream_rows(self.package, sheet)
        except Exception as exc:
            raise self._unreadable(sheet, exc) from exc

    def row_source(self, sheet: str, head: int) -> tuple[list[list], Iterator[list]]:
        """The sheet's first `head` rows, and an iterator over the rest, every row from column A,
        for reading a sheet once without holding its whole grid: a big sheet is iterated row by
        row from calamine; small, cached and sparse (streamed) sheets come from `rows()`."""
        handle = None
        if sheet not in self._cache and self._stream_or_none(sheet) is None:
            handle = self._handle(sheet)
        if handle is None or handle.total_height <= BIG_SHEET:
            rows = self.rows(sheet, handle)  # the handle already parsed: never parse the sheet twice
            return rows[:head], iter(rows[head:])
        # calamine's rows start at row 1 but at the first used column: pad them back to column A.
        pad = [""] * (handle.start[1] if handle.start else 0)
        total = handle.end[0] + 1 if handle.end else None  # rows from row 1 to the last used one
        rows, digest, done = handle.iter_rows(), SheetDigest(len(pad)), [0]

        def next_batch() -> list[list]:
            """BATCH rows at a time, taken at C speed: digested, counted, then handed out one by one."""
            try:
                batch = list(islice(rows, BATCH))
            except Exception as exc:  # calamine raises its own types for corrupt parts
                raise self._unreadable(sheet, exc) from exc
            if self.progress is not None and (done[0] % STEP < BATCH or not batch):
                self.progress(f"读取「{sheet}」", done[0] if batch else total, total)
            if not batch:
                self.digests[sheet] = digest.hexdigest()  # only once every row has passed
                return batch
            digest.add_batch(batch)
            done[0] += len(batch)
            return [pad + row for row in batch] if pad else batch

        stream = chain.from_iterable(iter(next_batch, []))
        first = list(islice(stream, head))
        return first, stream

    def prefetch(self, names: list[str]) -> bool:
        """Start calamine on the big ones among `names`, each in a thread with a calamine handle of
        its own (calamine lets go of the GIL while it parses; one handle cannot serve two threads):
        the other sheets are surveyed and read meanwhile. Each is surveyed first: a sparse sheet is
        streamed, never given to calamine. True if one was started."""
        import threading

        from farmcli.read.xlsx_xml import too_sparse

        started = False
        for name in names:
            sheet = self.find_sheet(name)
            part = self.package.part_of(sheet) if self.xml and sheet else ""
            size = self.package.sizes.get(part, 0) if part else 0
            if not part or size < PREFETCH_BYTES or sheet in self._prefetch or sheet in self._cache:
                continue
            if too_sparse(self._survey(sheet), size):
                continue
            box: dict = {}
            thread = threading.Thread(target=_parse, args=(self.path, self.kind, sheet, box), daemon=True)
            thread.start()
            self._prefetch[sheet] = (thread, box)
            started = True
        return started

    def _handle(self, sheet: str):
        if sheet in self._prefetch:
            thread, box = self._prefetch.pop(sheet)
            thread.join()
            if "error" in box:
                raise self._unreadable(sheet, box["error"]) from box["error"]
            return box["handle"]
        try:
            return self._book.get_sheet_by_name(sheet)
        except Exception as exc:
            raise self._unreadable(sheet, exc) from exc

    def _stream_or_none(self, sheet: str) -> list[list] | None:
        """Sparse sheets are read from their XML (and cached); None for every other sheet."""
        streamed = self._stream(sheet)
        if streamed is not None:
            self._cache[sheet] = streamed
            self._streamed.add(sheet)
            self.digests[sheet] = digest_sparse(streamed)
        return streamed

    def merges(self, sheet: str) -> list | None:
        """The sheet's merged ranges ((row, col), (row, col)), 0-based, as calamine reads them
        (<mergeCells> of an .xlsx, the .xls merge records); None where they are not known (.ods,
        a sparse sheet read from its XML). Asked only for a header that looks like two rows."""
        if sheet in self._streamed:
            return None
        try:
            return self._handle(sheet).merged_cell_ranges
        except Exception:  # merges are a refinement: the layout is read from the values without them
            return None

    def rows(self, sheet: str, handle=None) -> list[list]:
        if sheet not in self._cache:
            streamed = None if handle is not None else self._stream_or_none(sheet)
            if streamed is not None:
                return streamed
            try:
                handle = handle if handle is not None else self._handle(sheet)  # a prefetched parse is used
                big = self.progress is not None and handle.total_height > BIG_SHEET
                if big:
                    self.progress(f"读取「{sheet}」", 0, None)
                data = handle.to_python(skip_empty_area=False)
                if big:
                    self.progress(f"读取「{sheet}」", len(data), len(data))
            except LedgerError:  # _handle named the sheet already
                raise
            except Exception as exc:  # calamine raises its own types for corrupt parts
                raise self._unreadable(sheet, exc) from exc
            self._cache[sheet] = data
            left = handle.start[1] if handle.start else 0  # to_python pads to column A: digest as iter_rows gives
            self.digests[sheet] = digest_rows((row[left:] for row in data) if left else data, left)
        return self._cache[sheet]

    def digest(self, sheet: str) -> str:
        """What `sheet` says (read/digest.py): taken when the sheet was read, else read for it now,
        a big sheet row by row (never held whole)."""
        if sheet not in self.digests:
            _head, rest = self.row_source(sheet, 0)
            for _row in rest:
                pass
        return self.digests[sheet]


def _parse(path: Path, kind: str, sheet: str, box: dict) -> None:
    """A sheet parsed by a calamine handle of its own (Workbook.prefetch's thread)."""
    try:
        book = open_calamine(path, kind)
        try:
            box["handle"] = book.get_sheet_by_name(sheet)
        finally:
            if hasattr(book, "close"):
                book.close()
    except Exception as exc:  # handed to the reader, who names the sheet
        box["error"] = exc


def open_workbook(path: Path, progress: Progress | None = None, package: Package | None = None) -> Workbook:
    """The workbook at `path`; with `package`, the zip already opened (and checked) for it is used,
    and stays open when the workbook is closed."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if not path.exists():
        raise LedgerError(f"找不到台账文件 {path}。请检查文件路径。")
    if path.is_dir():
        raise LedgerError(f"{path} 是文件夹，不是台账文件。请给出 .xlsx 文件的路径。")
    size = path.stat().st_size
    if size == 0:
        raise LedgerError(f"台账文件 {path} 是空文件（0 字节）。请重新保存台账。")
    if size > MAX_FILE_BYTES:
        raise LedgerError(f"台账文件 {path} 大于 {MAX_FILE_BYTES // 2**20} MiB，拒绝读取。请拆分台账。")
    # By content, not by name; refuses .et, encrypted and non-spreadsheet files. A zip is opened
    # here, once, and checked (zip bomb, DTDs) before any parser sees its parts.
    owned = package is None
    package = package if not owned else open_package(path) if is_zip(path) else None
    kind = package.kind if package is not None else sniff(path)
    try:
        book = open_calamine(path, kind)
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:
        if package is not None and owned:
            package.close()
        raise LedgerError(
            f"{path} 无法作为 Excel 工作簿打开（{type(exc).__name__}）。它可能已损坏，或不是 .xlsx 文件。"
        ) from exc
    return Workbook(path=path, sheet_names=names, _book=book, progress=progress, kind=kind,
                    xml=kind in ("xlsx", "xlsm"), package=package, owns_package=owned)
