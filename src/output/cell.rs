//! Typed table cells: each carries the method's value down to the writer, which shows it for people
//! (Russian decimals, percents, «k из n», intervals in brackets) or writes it as data (CSV, XLSX: one
//! value per cell, shares as fractions, intervals as their own low/high columns). Never computes a
//! figure: the value written is the value the method gave, only formatted.
use clap::ValueEnum;

/// One cell of a [`super::Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (names, logins, labels); neutralised against formula injection when written as data.
    Text(String),
    /// A whole number (counts, years, ranks); empty when unknown.
    Int(Option<i64>),
    /// A share as a fraction (0.412), shown to people as a percent with this many decimals
    /// (`41,2`); written as data as the fraction.
    Share(Option<f64>, usize),
    /// A plain number shown with this many decimals and a decimal comma; written as data in full.
    Num(Option<f64>, usize),
    /// A data cell shown to people as this text instead of its own display.
    Shown(Box<Cell>, String),
    /// Several values in one cell for people (`12,5 (8,1–18,3)`, `3 из 40`); as data, one column
    /// per part, named by [`part_label`]: the column's label followed by a suffix that begins with
    /// `:` (or nothing), or a name of its own.
    Parts(Vec<(&'static str, Cell)>, String),
}

/// Suffix of an interval's lower bound column in data outputs.
pub const CI_LOW: &str = ": 95 % ДИ, от";
/// Suffix of an interval's upper bound column in data outputs.
pub const CI_HIGH: &str = ": 95 % ДИ, до";
/// Suffix of a column shown to people as «marked / judged» (`3 / 40`); its data columns drop it
/// ([`data_label`]) and add «: отмечено» and «: оценено».
pub const MARKED_OF_JUDGED: &str = ": отмечено / оценено";

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl Cell {
    /// A count or other whole number.
    pub fn int<T: TryInto<i64>>(n: T) -> Cell {
        Cell::Int(n.try_into().ok())
    }

    /// An optional whole number (empty when `None`).
    pub fn opt_int<T: TryInto<i64>>(n: Option<T>) -> Cell {
        Cell::Int(n.and_then(|n| n.try_into().ok()))
    }

    /// A share (fraction) shown as a percent with `digits` decimals.
    pub fn share(v: Option<f64>, digits: usize) -> Cell {
        Cell::Share(v, digits)
    }

    /// A number shown with `digits` decimals.
    pub fn num(v: Option<f64>, digits: usize) -> Cell {
        Cell::Num(v, digits)
    }

    /// A p-value shown with four decimals, or `<0,0001` when it is below 0.0001 (which four
    /// decimals would show as a misleading `0,0000`, or as `0,0001` for 0.000079: fresh-eyes run
    /// 13); written as data in full.
    pub fn p_value(p: Option<f64>) -> Cell {
        match p {
            Some(v) if v < 0.0001 => Cell::Shown(Box::new(Cell::Num(p, 4)), "<0,0001".into()),
            _ => Cell::Num(p, 4),
        }
    }

    /// A share with its 95 % interval, shown `12,50 (8,1–18,3)` (`digits` for the share,
    /// `ci_digits` for the bounds); as data three share columns. Empty (three empty columns) when
    /// either is unknown.
    pub fn share_ci(v: Option<f64>, ci: Option<[f64; 2]>, digits: usize, ci_digits: usize) -> Cell {
        let (v, ci) = match (v, ci) {
            (Some(v), Some(c)) => (Some(v), Some(c)),
            _ => (None, None),
        };
        let human = match (v, ci) {
            (Some(v), Some(c)) => format!(
                "{} ({}–{})",
                super::pct(v, digits),
                super::pct(c[0], ci_digits),
                super::pct(c[1], ci_digits)
            ),
            _ => String::new(),
        };
        Cell::Parts(
            vec![
                ("", Cell::Share(v, digits)),
                (CI_LOW, Cell::Share(ci.map(|c| c[0]), ci_digits)),
                (CI_HIGH, Cell::Share(ci.map(|c| c[1]), ci_digits)),
            ],
            human,
        )
    }

    /// A rank among `n`, shown `3 из 40`; as data two columns (the rank, and `n` under «: из»).
    pub fn rank_of(rank: i64, n: i64) -> Cell {
        Cell::Parts(
            vec![("", Cell::Int(Some(rank))), (": из", Cell::Int(Some(n)))],
            format!("{rank} из {n}"),
        )
    }

    /// This cell shown to people as `text` (its data value unchanged).
    pub fn shown(self, text: impl Into<String>) -> Cell {
        Cell::Shown(Box::new(self), text.into())
    }

    /// The text people see: Russian decimals, percents without the sign.
    pub fn human(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Share(v, d) => v.map(|v| super::pct(v, *d)).unwrap_or_default(),
            Cell::Num(v, d) => v.map(|v| super::num(v, *d)).unwrap_or_default(),
            Cell::Shown(_, s) | Cell::Parts(_, s) => s.clone(),
        }
    }

    /// The cells written as data, in order, with the suffix each adds to the column's label.
    pub fn leaves(&self) -> Vec<(&'static str, &Cell)> {
        match self {
            Cell::Shown(c, _) => c.leaves(),
            Cell::Parts(p, _) => p
                .iter()
                .flat_map(|(suffix, c)| {
                    c.leaves()
                        .into_iter()
                        .map(move |(s, c)| (if s.is_empty() { *suffix } else { s }, c))
                })
                .collect(),
            c => vec![("", c)],
        }
    }

    /// Calls `f` on each cell written as data, in order ([`Cell::leaves`] without the suffixes
    /// and without a vector).
    pub fn for_each_leaf<'a, E>(
        &'a self,
        f: &mut impl FnMut(&'a Cell) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Cell::Shown(c, _) => c.for_each_leaf(f),
            Cell::Parts(p, _) => p.iter().try_for_each(|(_, c)| c.for_each_leaf(f)),
            c => f(c),
        }
    }

    /// The cell as one CSV field in `dialect`: numbers with `.` (or `,` for Excel) in full
    /// precision, shares as fractions, text neutralised against formulas, empty when unknown.
    /// Only meaningful on a leaf (see [`Cell::leaves`]).
    pub fn data_text(&self, dialect: CsvDialect) -> String {
        let mut out = String::new();
        self.push_data_text(dialect, &mut out);
        out
    }

    /// [`Cell::data_text`] appended to `out`.
    pub fn push_data_text(&self, dialect: CsvDialect, out: &mut String) {
        use std::fmt::Write;
        match self {
            Cell::Text(s) => out.push_str(&neutralise(s)),
            Cell::Int(n) => {
                if let Some(n) = n {
                    let _ = write!(out, "{n}");
                }
            }
            Cell::Share(v, _) | Cell::Num(v, _) => {
                if let Some(v) = v {
                    let from = out.len();
                    let _ = write!(out, "{v}");
                    if dialect == CsvDialect::Excel {
                        if let Some(i) = out[from..].find('.') {
                            out.replace_range(from + i..from + i + 1, ",");
                        }
                    }
                }
            }
            Cell::Shown(c, _) => c.push_data_text(dialect, out),
            Cell::Parts(..) => {}
        }
    }

    /// True for a share leaf (its column label loses the «, %» of the people's label).
    pub fn is_share(&self) -> bool {
        matches!(self, Cell::Share(..))
    }
}

/// The data label of one part of a column: `label` (see [`data_label`]) followed by `suffix` when
/// it is empty or begins with `:`, else `suffix` itself (a part with a name of its own).
pub fn part_label(label: &str, suffix: &str, share: bool) -> String {
    if suffix.is_empty() || suffix.starts_with(':') {
        format!("{}{suffix}", data_label(label, share))
    } else {
        suffix.to_string()
    }
}

/// The data label of a column whose people's label is `label`: without the «(95 % ДИ)» or
/// [`MARKED_OF_JUDGED`] the data puts in columns of its own, and, for a share written as a
/// fraction, without «, %».
pub fn data_label(label: &str, share: bool) -> String {
    let l = label
        .replace(" (95 % ДИ)", "")
        .replace(MARKED_OF_JUDGED, "");
    if share {
        l.replace(", %", "")
    } else {
        l
    }
}

// The CSV dialect of `--format csv`: RFC 4180 for scripts (`,`, `.` decimals, UTF-8), or what
// Russian Excel opens directly (UTF-8 with BOM, `;`, decimal comma). Plain comments: doc comments
// on a value enum would change `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CsvDialect {
    #[default]
    Rfc4180,
    Excel,
}

/// A text cell made safe for a spreadsheet: a value beginning with `=`, `+`, `-`, `@`, TAB or CR
/// would be run as a formula by Excel or LibreOffice (OWASP «CSV injection»), so it gets a leading
/// `'`. A school name from an input can thus never run a formula in the analyst's spreadsheet.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match formula_like(s) {
        true => format!("'{s}").into(),
        false => s.into(),
    }
}

/// Whether a text cell begins as a formula would (`=`, `+`, `-`, `@`, TAB or CR): what
/// [`neutralise`] guards in CSV, and the XLSX writes with Excel's quote prefix.
pub fn formula_like(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

#[cfg(test)]
mod tests {
    /// Reported: p-values below 0.00005 were shown «0,0000», as if the test were certain.
    #[test]
    fn a_tiny_p_value_is_shown_below_its_last_digit_and_kept_whole_as_data() {
        let c = Cell::p_value(Some(1e-9));
        assert_eq!(c.human(), "<0,0001");
        assert_eq!(c.leaves(), vec![("", &Cell::Num(Some(1e-9), 4))]);
        assert_eq!(Cell::p_value(Some(0.0454)).human(), "0,0454");
        assert_eq!(Cell::p_value(None).human(), "");
    }

    use super::*;

    #[test]
    fn formulas_in_text_are_neutralised() {
        for bad in ["=1+1", "+7", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
            let c = Cell::from(bad);
            assert_eq!(c.data_text(CsvDialect::Rfc4180), format!("'{bad}"));
        }
        for ok in ["МБОУ СОШ №1", "", "−0,5", "edu990001"] {
            assert_eq!(neutralise(ok), ok);
        }
    }

    #[test]
    fn numbers_are_data_not_display() {
        assert_eq!(Cell::share(Some(0.4126), 1).human(), "41,3");
        assert_eq!(
            Cell::share(Some(0.4126), 1).data_text(CsvDialect::Rfc4180),
            "0.4126"
        );
        assert_eq!(
            Cell::num(Some(-2.5), 2).data_text(CsvDialect::Excel),
            "-2,5"
        );
        assert_eq!(Cell::opt_int(None::<i64>).data_text(CsvDialect::Excel), "");
    }

    #[test]
    fn an_interval_is_three_columns_of_data_and_one_for_people() {
        let c = Cell::share_ci(Some(0.125), Some([0.081, 0.183]), 2, 1);
        assert_eq!(c.human(), "12,50 (8,1–18,3)");
        let l: Vec<_> = c
            .leaves()
            .iter()
            .map(|(s, c)| (*s, c.data_text(CsvDialect::Rfc4180)))
            .collect();
        assert_eq!(
            l,
            vec![
                ("", "0.125".to_string()),
                (CI_LOW, "0.081".into()),
                (CI_HIGH, "0.183".into())
            ]
        );
        let empty = Cell::share_ci(Some(0.1), None, 2, 1);
        assert_eq!(empty.human(), "");
        assert_eq!(empty.leaves().len(), 3);
    }

    #[test]
    fn data_labels_drop_percent_and_interval_marks() {
        assert_eq!(data_label("Доля «2», % (95 % ДИ)", true), "Доля «2»");
        assert_eq!(data_label("Качество, %", true), "Качество");
        assert_eq!(data_label("Разница, п.п.", false), "Разница, п.п.");
        // fresh-eyes #8: «…: отмечено / оценено» then «…: отмечено / оценено: оценено»
        let h = format!("завышен средний балл{MARKED_OF_JUDGED}");
        assert_eq!(
            part_label(&h, ": отмечено", false),
            "завышен средний балл: отмечено"
        );
        assert_eq!(
            part_label(&h, ": оценено", false),
            "завышен средний балл: оценено"
        );
    }
}
