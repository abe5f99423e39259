//! Spreadsheet sheets streamed: an xlsx sheet's rows handed one at a time, as calamine's cell
//! reader gives them, to a reader chosen from the sheet's first rows (a per-pupil sheet's,
//! `pupil::PupilRows`), so that its cells are never held whole (docs/PERFORMANCE.md).
use super::sheet_xml::{SheetXml, Tags};
use super::table::{self, Grid};
use anyhow::Result;
use calamine::{DataRef, Reader, Sheets, Xlsx};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Rows of a sheet taken one at a time as they are read ([`read_spreadsheet_rows`]).
pub trait RowSink {
    /// Row `r` of the sheet's grid, on file line `line`: its cells by column, trailing empty cells
    /// trimmed (an empty row is an empty slice), as [`table::read_spreadsheet`] gives them.
    fn row(&mut self, r: usize, line: usize, cells: &[String]);
}

/// Rows of a sheet read as a grid before [`read_spreadsheet_rows`] asks how to go on.
pub const HEAD_ROWS: usize = 64;

/// [`table::read_spreadsheet`], with the sheets of an xlsx streamed (calamine's cell reader): the first
/// [`HEAD_ROWS`] rows of each sheet (all, if it has fewer) are read as a grid and given to
/// `decide`; when it returns a sink, every row of the sheet (the head's too) goes to the sink as it
/// is read and is not kept, and the sheet's grid is its head. Otherwise, and for other workbooks
/// (xls, xlsb, ods) and a sheet whose cells come out of row order or cannot be read this way, the
/// sheet is read whole as [`table::read_spreadsheet`] reads it (same grid, same errors). A per-pupil
/// sheet's cells are thus never held whole: memory and time go with its rows, not its cells
/// (docs/PERFORMANCE.md). An xlsx sheet's hidden rows, unsaved formulas and repeated addresses are
/// read beside its cells into [`Grid::xml_scan`] (`sheet_xml`), in the caller's thread.
pub fn read_spreadsheet_rows<S: RowSink>(
    path: &Path,
    decide: impl Fn(&Grid) -> Option<S>,
) -> Result<Vec<(Grid, Option<S>)>> {
    table::guarded(path, || {
        let file = path.display().to_string();
        let mut wb = table::open_spreadsheet(path)?;
        let names = wb.sheet_names().to_vec();
        let hidden = table::hidden_sheets(&wb);
        // the sheets' XML beside calamine (unread when the workbook's parts cannot be: each
        // loader then reads them again and names the error)
        let mut xml = table::is_xlsx(path)
            .then(|| SheetXml::open(path).ok())
            .flatten();
        let mut sheets = Vec::new();
        for name in names {
            let hide = hidden.contains(&name);
            let tags = xml.as_mut().and_then(|x| x.tags(&name).ok().flatten());
            let read = match &mut wb {
                Sheets::Xlsx(x) => stream_sheet(x, &file, &name, &decide, tags),
                _ => None,
            };
            let got = match read {
                Some(read) => {
                    let (g, sink) = read?;
                    (sink.is_some() || !g.rows.iter().all(Vec::is_empty)).then_some((g, sink))
                }
                None => table::range_grid(&mut wb, &file, name.clone())?.map(|g| (g, None)),
            };
            if let Some((mut g, sink)) = got {
                g.hidden_sheet = hide;
                g.xml_scan = xml.as_mut().and_then(|x| x.scan(&name, tags).ok());
                sheets.push((g, sink));
            }
        }
        Ok(sheets)
    })
}

/// The last row and column an xlsx sheet can have (Excel's limits, 0-based): a cell beyond them is a
/// damaged file, refused before rows up to it are made.
const XLSX_LAST_ROW: u32 = 1_048_575;
const XLSX_LAST_COL: u32 = 16_383;

/// An xlsx sheet read by calamine's cell reader (see [`read_spreadsheet_rows`]); `None` when it
/// must be read whole instead (an error, a cell above one already read). Its ranges merged down a
/// column are read by calamine unless its tags (`tags`, `SheetXml::tags`) show it has none.
///
/// Errors (data): a cell beyond Excel's last row or column, naming file, sheet and cell.
fn stream_sheet<S: RowSink>(
    x: &mut Xlsx<BufReader<File>>,
    file: &str,
    name: &str,
    decide: &impl Fn(&Grid) -> Option<S>,
    tags: Option<Tags>,
) -> Option<Result<(Grid, Option<S>)>> {
    // calamine's pass for merged ranges only where the sheet's tags hold some
    let down = match tags {
        Some(t) if !t.merged => Vec::new(),
        _ => super::merged::of_xlsx(x, name),
    };
    let mut cells = x.worksheet_cells_reader(name).ok()?;
    let mut st = Stream {
        head: Grid {
            down,
            ..Grid::of_rows(file, Some(name.to_string()), Vec::new(), None)
        },
        fill: None,
        decide,
        decided: false,
        sink: None,
        row: Vec::new(),
        width: 0,
        next: 0,
    };
    // the sheet's first row with a cell (calamine's `Range` starts there) and the row being read
    let mut first: Option<u32> = None;
    let mut at = 0u32;
    while let Some(cell) = cells.next_cell().ok()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        if r > XLSX_LAST_ROW || c > XLSX_LAST_COL {
            return Some(Err(crate::error::data(format!(
                "{file} [лист «{name}»]: a cell at row {}, column {} is beyond the last row and column a workbook can have (1 048 576 × 16 384): expected a valid xlsx file (is it damaged?)",
                u64::from(r) + 1,
                u64::from(c) + 1
            ))));
        }
        match first {
            None => {
                first = Some(r);
                st.head.first_line = r as usize + 1;
                at = r;
            }
            Some(_) if r < at => return None,
            Some(_) if r > at => {
                st.end_row();
                while st.next < (r - first.unwrap()) as usize {
                    st.end_row();
                }
                at = r;
            }
            Some(_) => {}
        }
        st.put(c as usize, cell.get_value());
    }
    if first.is_some() {
        st.end_row();
    }
    if !st.decided {
        st.decide();
    }
    if let Some(f) = st.fill.take() {
        st.head.merged_filled = f.filled;
    }
    Some(Ok((st.head, st.sink)))
}

/// A sheet being streamed: its head (the grid), the sink once decided, the row being read.
struct Stream<'d, S, D> {
    head: Grid,
    /// Once a sink reads the rows: the sheet's ranges merged down a column, filled as rows end.
    fill: Option<super::merged::DownFill>,
    decide: &'d D,
    decided: bool,
    sink: Option<S>,
    /// Cells of the row being read by column; those past `width` are empty.
    row: Vec<String>,
    width: usize,
    /// Index of the row being read in the sheet's grid.
    next: usize,
}

impl<S: RowSink, D: Fn(&Grid) -> Option<S>> Stream<'_, S, D> {
    /// Cell `c` of the row being read.
    fn put(&mut self, c: usize, v: &DataRef) {
        if self.row.len() <= c {
            self.row.resize(c + 1, String::new());
        }
        let out = &mut self.row[c];
        out.clear();
        put_cell_text(out, v);
        self.width = self.width.max(c + 1);
    }

    /// The row being read is complete: to the sink, or to the head (deciding when it is full).
    fn end_row(&mut self) {
        if let Some(f) = &mut self.fill {
            f.fill((self.head.first_line - 1 + self.next) as u32, &mut self.row);
            self.width = self.width.max(self.row.len());
        }
        let mut n = self.width;
        while n > 0 && self.row[n - 1].is_empty() {
            n -= 1;
        }
        let r = self.next;
        match &mut self.sink {
            Some(s) => s.row(r, self.head.first_line + r, &self.row[..n]),
            None => {
                self.head.rows.push(self.row[..n].to_vec());
                if !self.decided && self.head.rows.len() == HEAD_ROWS {
                    self.decide();
                }
            }
        }
        for s in &mut self.row[..self.width] {
            s.clear();
        }
        self.width = 0;
        self.next += 1;
    }

    /// Ask `decide` about the head (not when it has no cells: read on, the sheet may be skipped);
    /// a sink gets the head's rows at once.
    fn decide(&mut self) {
        self.decided = true;
        if self.head.rows.iter().all(|r| r.is_empty()) {
            return;
        }
        self.sink = (self.decide)(&self.head);
        if let Some(s) = &mut self.sink {
            // a sink reads a regular table: its rows are filled from the ranges merged down
            let mut fill = super::merged::DownFill::new(self.head.down.clone());
            for (r, row) in self.head.rows.iter().enumerate() {
                let mut row = row.clone();
                fill.fill((self.head.first_line - 1 + r) as u32, &mut row);
                while row.last().is_some_and(String::is_empty) {
                    row.pop();
                }
                s.row(r, self.head.first_line + r, &row);
            }
            self.fill = Some(fill);
        }
    }
}

/// `table::cell_text` of a cell as calamine's cell reader gives it, written into `out`.
fn put_cell_text(out: &mut String, c: &DataRef) {
    use std::fmt::Write;
    match c {
        DataRef::Empty => {}
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => put_cell_num(out, *f),
        DataRef::Bool(b) => out.push_str(if *b { "Да" } else { "Нет" }),
        DataRef::DateTime(d) => out.push_str(&super::text::date_cell_text(d)),
        DataRef::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// `text::fmt_cell_num` written into `out`.
fn put_cell_num(out: &mut String, v: f64) {
    use std::fmt::Write;
    let _ = if v.fract() == 0.0 && v.abs() < 1e15 {
        write!(out, "{}", v as i64)
    } else {
        write!(out, "{v}")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows taken by a [`RowSink`]: (grid index, file line, cells).
    #[derive(Default)]
    struct Taken(Vec<(usize, usize, Vec<String>)>);

    impl RowSink for Taken {
        fn row(&mut self, r: usize, line: usize, cells: &[String]) {
            self.0.push((r, line, cells.to_vec()));
        }
    }

    /// A workbook whose first sheet starts at C3 with a title, a blank row and rows of every cell
    /// type (whole and fractional numbers, booleans, empty texts, gaps) past the head; a second sheet
    /// of a few rows and an empty third one.
    fn workbook(path: &Path) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("Протокол").unwrap();
        ws.write_string(2, 2, "Результаты ВПР").unwrap();
        for r in 4..150u32 {
            if r % 17 == 0 {
                continue;
            }
            ws.write_string(r, 2, format!("sch{r}")).unwrap();
            ws.write_number(r, 3, f64::from(r)).unwrap();
            ws.write_number(r, 4, f64::from(r) / 8.0).unwrap();
            ws.write_boolean(r, 5, r % 2 == 0).unwrap();
            ws.write_string(r, 7, if r % 3 == 0 { "" } else { " x " })
                .unwrap();
            if r % 5 == 0 {
                ws.write_string(r, 12, "").unwrap();
            }
        }
        ws.write_string(160, 1, "").unwrap();
        let ws = wb.add_worksheet().set_name("Лист2").unwrap();
        ws.write_string(0, 0, "a").unwrap();
        ws.write_number(3, 1, 1e20).unwrap();
        wb.add_worksheet().set_name("Пусто").unwrap();
        wb.save(path).unwrap();
    }

    #[test]
    fn streamed_sheets_give_the_rows_and_grids_of_whole_ones() {
        let dir = std::env::temp_dir().join(format!("shnor-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.xlsx");
        workbook(&path);
        let whole = table::read_spreadsheet(&path).unwrap();
        assert_eq!(whole.len(), 2, "the empty sheet is skipped");
        // every sheet streamed: the rows taken are the whole grid's, the grid is the head
        let streamed = read_spreadsheet_rows(&path, |_| Some(Taken::default())).unwrap();
        assert_eq!(streamed.len(), 2);
        for ((head, taken), g) in streamed.iter().zip(&whole) {
            let taken = &taken.as_ref().unwrap().0;
            assert_eq!((&head.sheet, head.first_line), (&g.sheet, g.first_line));
            assert_eq!(head.rows[..], g.rows[..head.rows.len()]);
            assert_eq!(head.rows.len(), g.rows.len().min(HEAD_ROWS));
            assert_eq!(taken.len(), g.rows.len());
            for (r, (i, line, cells)) in taken.iter().enumerate() {
                assert_eq!((*i, *line, cells), (r, g.line_of(r), &g.rows[r]));
            }
        }
        assert_eq!(whole[0].first_line, 3);
        assert_eq!(whole[0].cell(2, 4), "0.5");
        assert_eq!(whole[0].cell(3, 4), "0.625");
        assert_eq!(whole[0].cell(4, 5), "Да");
        assert_eq!(whole[1].cell(3, 1), "100000000000000000000");
        // declined: the whole grids
        let declined = read_spreadsheet_rows(&path, |_| None::<Taken>).unwrap();
        let grids: Vec<&Vec<Vec<String>>> = declined.iter().map(|(g, _)| &g.rows).collect();
        assert_eq!(grids, whole.iter().map(|g| &g.rows).collect::<Vec<_>>());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
