//! Cells merged down a column of a spreadsheet («Муниципалитет» merged over its schools, a school's
//! login merged over its pupils): Excel shows the top cell's value in every row of the range, the
//! file stores it in the top cell only. Each row of such a range reads the top cell's value, as the
//! analyst sees it; the ranges filled are counted for a warning (`WarningCode::MergedCellsFilled`).
//! Ranges of one row across columns (a caption over «2» … «5») are left as they are: the header
//! readers expect their other cells empty; a block over rows and columns fills its first column.
use calamine::{Dimensions, Sheets};
use std::fs::File;
use std::io::BufReader;

/// A range merged down one column: 0-based sheet rows `top..=bottom`, column `col`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Down {
    top: u32,
    bottom: u32,
    col: u32,
    /// The range's last column (its first is `col`).
    last: u32,
}

/// The ranges of `merges` (calamine's merged regions of a sheet) that span two rows or more, by
/// top row (then column): a block over several columns (a municipality merged with its code's
/// column) fills its first column, where the value is.
fn downs(merges: Vec<Dimensions>) -> Vec<Down> {
    let mut ranges: Vec<Down> = merges
        .into_iter()
        .filter(|d| d.end.0 > d.start.0)
        .map(|d| Down {
            top: d.start.0,
            bottom: d.end.0,
            col: d.start.1,
            last: d.end.1,
        })
        .collect();
    ranges.sort_unstable_by_key(|d| (d.top, d.col));
    ranges
}

/// The ranges merged down a column of sheet `name` of `wb` (xlsx and xls; none for the other
/// kinds, or when the sheet's merges cannot be read — its cells then read as stored).
pub fn of_sheet(wb: &mut Sheets<BufReader<File>>, name: &str) -> Vec<Down> {
    let merges = match wb {
        Sheets::Xlsx(x) => return of_xlsx(x, name),
        Sheets::Xls(x) => x.worksheet_merge_cells(name),
        _ => None,
    };
    downs(merges.unwrap_or_default())
}

/// [`of_sheet`] of an xlsx workbook.
pub fn of_xlsx(x: &mut calamine::Xlsx<BufReader<File>>, name: &str) -> Vec<Down> {
    downs(
        x.worksheet_merge_cells(name)
            .and_then(Result::ok)
            .unwrap_or_default(),
    )
}

/// Fill the rows of a regular table's grid below its header (`from`: the grid's first data row)
/// from the ranges merged down a column that start there or below (`g.down`); the ranges filled
/// are added to `g.merged_filled`. Irregular reports (ФИС ОКО, the ЕГЭ form) are not filled: their
/// readers walk a hierarchy in which a merged cell stands for its block.
pub fn fill_grid(g: &mut super::table::Grid, from: usize) {
    if g.down.is_empty() {
        return;
    }
    let top = (g.first_line - 1 + from) as u32;
    let ranges = g.down.iter().filter(|d| d.top >= top).copied().collect();
    let mut f = DownFill::new(ranges);
    for r in from..g.rows.len() {
        f.fill((g.first_line - 1 + r) as u32, &mut g.rows[r]);
    }
    g.merged_filled.extend(f.filled);
}

/// The ranges merged down one column of a sheet, filled row by row as the sheet is read
/// ([`DownFill::fill`], rows in order).
#[derive(Debug, Default)]
pub struct DownFill {
    /// By top row (then column).
    ranges: Vec<Down>,
    /// The next range of `ranges` not yet open.
    next: usize,
    /// Open ranges with their top cell's value.
    open: Vec<(Down, String)>,
    /// The ranges whose top value was given to a row below it, as references («A2:A61»).
    pub filled: Vec<String>,
}

impl DownFill {
    /// The filling of `ranges` (by top row), from a sheet's first row on.
    pub fn new(ranges: Vec<Down>) -> DownFill {
        DownFill {
            ranges,
            ..DownFill::default()
        }
    }

    /// Fill the cells of `row` (0-based sheet row `at`; rows given in order) that lie below the top
    /// of an open range with the top cell's value; a range's top row gives that value.
    pub fn fill(&mut self, at: u32, row: &mut Vec<String>) {
        if self.ranges.is_empty() {
            return;
        }
        self.open.retain(|(d, _)| d.bottom >= at);
        while let Some(d) = self.ranges.get(self.next).filter(|d| d.top <= at) {
            if d.top == at {
                let value = row.get(d.col as usize).cloned().unwrap_or_default();
                self.open.push((*d, value));
            }
            self.next += 1;
        }
        for (d, value) in &self.open {
            let c = d.col as usize;
            if d.top == at || value.is_empty() {
                continue;
            }
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            if row[c].is_empty() {
                row[c].clone_from(value);
                if at == d.top + 1 {
                    self.filled.push(format!(
                        "{}:{}",
                        super::formulas::reference(d.top as usize + 1, c),
                        super::formulas::reference(d.bottom as usize + 1, d.last as usize)
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(top: u32, col: u32, bottom: u32, last_col: u32) -> Dimensions {
        Dimensions {
            start: (top, col),
            end: (bottom, last_col),
        }
    }

    #[test]
    fn a_range_down_a_column_gives_its_top_value_to_each_row_below() {
        // A2:A4 down, B1:C1 across (a caption: left alone), D2:E3 a block (its first column)
        let mut f = DownFill::new(downs(vec![
            dims(1, 0, 3, 0),
            dims(0, 1, 0, 2),
            dims(1, 3, 2, 4),
        ]));
        let mut rows = [
            vec!["Муниципалитет".to_string(), "Отметки".into()],
            vec!["город А".into(), "1".into(), "".into(), "район Б".into()],
            vec![String::new(), "2".into()],
            vec![],
            vec![String::new(), "4".into()],
        ];
        for (at, row) in rows.iter_mut().enumerate() {
            f.fill(at as u32, row);
        }
        let col: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(col, ["Муниципалитет", "город А", "город А", "город А", ""]);
        assert_eq!(rows[0].len(), 2);
        assert_eq!(rows[2], ["город А", "2", "", "район Б"]);
        assert_eq!(rows[4].len(), 2);
        assert_eq!(f.filled, ["A2:A4", "D2:E3"]);
    }
}
