"""The downloadable template of each kind: an .xlsx with the header row on the first sheet, data
validation lists on the code columns, and an instructions sheet in English and Kiswahili."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cpims.imports.kinds.base import ImportKind
from cpims.imports.reading import max_rows

INTRO = [
    (
        "Fill in one row per record on the sheet 'data', under the header row. Do not rename, remove or reorder "
        "the headers. Columns marked 'yes' are required. Codes come from the lists offered in the cells. "
        "Upload the file in CPIMS: you will see every row's problems before anything is saved."
    ),
    (
        "Jaza safu moja kwa kila kumbukumbu kwenye karatasi 'data', chini ya safu ya vichwa. Usibadilishe, "
        "usiondoe wala kupanga upya vichwa. Safu zilizo na 'ndiyo' ni za lazima. Misimbo inatoka kwenye orodha "
        "zinazotolewa kwenye visanduku. Pakia faili katika CPIMS: utaona matatizo ya kila safu kabla ya kuhifadhi."
    ),
]


def template_bytes(kind: ImportKind) -> bytes:
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = "data"
    lists = book.create_sheet("lists")
    notes = book.create_sheet("instructions")
    bold = Font(bold=True)
    last_row = max_rows() + 1
    list_col = 0
    for index, column in enumerate(kind.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.key)
        cell.font = bold
        data.column_dimensions[get_column_letter(index)].width = max(14, len(column.key) + 4)
        choices = column.choices() if callable(column.choices) else column.choices
        if choices:
            list_col += 1
            letter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=column.key).font = bold
            for offset, value in enumerate(choices, start=2):
                lists.cell(row=offset, column=list_col, value=value)
            end = len(choices) + 1
            source = f"{quote_sheetname('lists')}!${letter}$2:${letter}${end}"
            validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
            validation.error = "Choose a value from the list. / Chagua thamani kutoka kwenye orodha."
            validation.showErrorMessage = True
            data.add_data_validation(validation)
            col = get_column_letter(index)
            validation.add(f"{col}2:{col}{last_row}")
    lists.sheet_state = "hidden"
    data.freeze_panes = "A2"
    for line, text in enumerate(INTRO, start=1):
        notes.cell(row=line, column=1, value=text)
    header_row = len(INTRO) + 2
    for col, title in enumerate(
        ["column / safu", "required / lazima", "English", "Kiswahili", "example / mfano"], start=1
    ):
        notes.cell(row=header_row, column=col, value=title).font = bold
    for offset, column in enumerate(kind.columns, start=header_row + 1):
        notes.cell(row=offset, column=1, value=column.key)
        notes.cell(row=offset, column=2, value="yes / ndiyo" if column.required else "no / hapana")
        notes.cell(row=offset, column=3, value=column.help_en)
        notes.cell(row=offset, column=4, value=column.help_sw)
        notes.cell(row=offset, column=5, value=column.example)
    for letter, width in zip("ABCDE", (24, 16, 50, 50, 20), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
