//! Family B: per-pupil ВПР protocols (2020 dump, 2021 layout, 2022 «Протокол» sheet),
//! aggregated to per-school marks, journal comparison and score histograms with polars.
use super::header::{self, Header};
use super::report::{InputReport, PupilStats};
use super::scales::Scales;
use super::table::Grid;
use super::Meta;
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;

mod aggregate;
mod judge;
mod repeats;
mod rows;

pub use judge::finish;
pub(super) use judge::{judge, store, Judged};
pub use rows::PupilRows;
pub(super) use rows::{blank_items_note, item_sum_note};

pub fn is_pupil_header(h: &Header) -> bool {
    h.has(header::LOGIN) && h.has(header::TOTAL) && h.has(header::VARIANT)
}

/// Columns holding item scores: `балл за N`, `a-N-grade`, `N (Kб)` (with the item's maximum K).
pub(super) fn item_columns(h: &Header) -> Vec<(usize, Option<i32>)> {
    h.names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            if n.starts_with("балл за ") || (n.starts_with("a-") && n.ends_with("-grade")) {
                h.read(Some(i));
                return Some((i, None));
            }
            // `1 (2б)`, `5(1) (1б)`
            let n2 = n.trim_end();
            if n2.ends_with("б)") && n2.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                let open = n2.rfind('(')?;
                let pts: String = n2[open + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                h.read(Some(i));
                return Some((i, pts.parse().ok()));
            }
            None
        })
        .collect()
}

struct Pupils {
    school: Vec<String>,
    mark: Vec<Option<i32>>,
    journal: Vec<Option<i32>>,
    total: Vec<i32>,
}

/// A school's login, municipality (`code|name` or name) and short name as its first row gives them.
type Names = std::collections::BTreeMap<String, (String, String, String)>;

/// A per-pupil sheet read before the scales are known, its cells dropped: per present pupil the
/// school, total and journal mark (and the file line, for the warning of a total above the
/// maximum), the schools' names, and the report so far. About 60 bytes a pupil where the sheet's
/// cells took about 1.5 KB (docs/PERFORMANCE.md).
pub struct PupilFile {
    /// Rows, schools and the warnings of reading.
    rep: InputReport,
    st: PupilStats,
    pupils: Pupils,
    lines: Vec<u32>,
    names: Names,
    /// The work's maximum from the item captions (`1 (2б)` …), when every item gives one.
    item_max: Option<i32>,
    /// The header row (file, sheet, line), for the error of items that do not fit the scale.
    header: crate::error::Loc,
    /// The total's header as the file writes it («всего баллов», «Итого баллов»), for warnings.
    total_name: String,
    file: String,
    /// A pupil code given twice in a school with other data in its rows: the sheet's data error
    /// ([`PupilFile::check`]).
    conflict: Option<anyhow::Error>,
}

/// Read a per-pupil sheet and aggregate it to per-school counts with the scale of its procedure.
pub fn load(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    (scales, lenient): (&Scales, bool),
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    finish(read(g, h), meta, (scales, lenient), ds, rep)
}

/// Read the pupils of a per-pupil sheet without its scale (see [`PupilFile`]): absent pupils, empty
/// and non-numeric totals are counted here; a total that differs from the sum of the item scores
/// (0 among them) is kept with a counted warning naming the row and both numbers, as the school's
/// protocol form does (docs/INPUTS.md). A row with a total of 0 and its item scores partly blank, partly filled is scored with
/// the blanks as 0, with a counted warning naming the row and the blank columns (as the school's
/// protocol form, `protocol::read`). A journal mark other than 1–5 or «нет отметки» and a variant
/// other than a number or «отсутствовал» are counted warnings too (the pupil kept). Every example
/// names the row, the column by the file's own header, the value and what was expected.
pub fn read(g: &Grid, h: &Header) -> PupilFile {
    read_grid(g, PupilRows::pupils(h.clone()))
}

/// The rows of `g` below the header through `rows`, then its pupils.
fn read_grid(g: &Grid, mut rows: PupilRows) -> PupilFile {
    for r in rows.h.row + 1..g.rows.len() {
        rows.row(r, g.line_of(r), &g.rows[r]);
    }
    rows.finish(g)
}

/// Where the pupils' school is: a login column, or one school for the whole sheet (a school's own
/// protocol: `--school` or the login in the file name).
#[derive(Clone, Copy)]
pub(super) enum SchoolOf<'a> {
    Column(usize),
    Given(&'a str),
}

/// How a per-pupil sheet is read: its school, its variant column (`отсутствовал` there marks an
/// absent pupil), the rows its own checks found invalid and whether a row without any item score
/// and with an empty or zero total is an absent pupil (the school's protocol form, whose total
/// formula gives an empty text, or 0 where it was not computed).
#[derive(Clone, Copy)]
pub(super) struct Form<'a> {
    pub school: SchoolOf<'a>,
    pub variant: usize,
    /// Grid rows judged invalid before reading (counted as invalid, not participants; the reader
    /// of the form adds their warnings).
    pub invalid: &'a std::collections::BTreeSet<usize>,
    pub blank_is_absent: bool,
    /// An empty total with item scores is scored from the items with a counted warning (the
    /// school's protocol form, whose reader warns of a total that differs from the items); else
    /// (`pupils`) an empty total is invalid and a total that differs from the items is warned of
    /// here. Both keep the total as the score, 0 too.
    pub total_wins: bool,
}

impl PupilFile {
    /// The sheet's pupils as they were read.
    ///
    /// Errors: a pupil code given twice in one school with other data (data, naming file, sheet,
    /// the code column and both rows).
    pub(super) fn check(&mut self) -> Result<()> {
        self.conflict.take().map_or(Ok(()), Err)
    }

    /// Add a warning to the sheet's report (the checks of a form made before its pupils are read).
    pub(super) fn warn(&mut self, code: WarningCode, example: String) {
        self.rep.warnings.add(code, example);
    }
}

/// [`read`] with the school and the variant column of `form`.
pub(super) fn read_rows(g: &Grid, h: &Header, form: &Form) -> PupilFile {
    read_grid(g, PupilRows::new(h.clone(), *form))
}

/// No rows judged invalid before reading (the ФИС ОКО per-pupil kind).
static NO_ROWS: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
