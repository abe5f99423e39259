//! CSV records that do not fit their header: a truncated line (fewer fields) or a value beyond the
//! header's last column (more fields) — a data error naming file, row and counts, or with
//! `--lenient` a skipped row with a counted warning.
use super::flat;
use super::header::Header;
use super::report::InputReport;
use super::table::Grid;
use super::text::norm_header;
use super::Opts;
use crate::error::data;
use anyhow::Result;

/// A row that is a note ([`note_row`]) is passed over with a counted warning naming it. A CSV
/// record below the header with fewer fields than the header names (a truncated line) is a
/// data error naming its row and the first column it lacks — it is not an aggregate row; one with
/// a value beyond the header's last column (`too_wide`) is a data error too; with
/// `--lenient` the row is skipped with a counted warning. Rows `start..` of `g`; spreadsheets (no
/// field counts) pass.
pub(crate) fn drop_truncated(
    g: &mut Grid,
    h: &Header,
    start: usize,
    opts: &Opts,
    rep: &mut InputReport,
) -> Result<()> {
    let width = h.raw.len();
    for r in start..g.rows.len() {
        if note_row(&g.rows[r]) {
            note_skipped(rep, g.line_of(r), &g.rows[r][0]);
            g.rows[r].clear();
        }
    }
    for r in start..g.rows.len().min(g.fields.len()) {
        let n = g.fields[r] as usize;
        if n < width && g.rows[r].iter().any(|c| !c.trim().is_empty()) {
            let why = match header_again(g, h, r) {
                Some(line) => format!(
                    "the record has {n} field(s) where the header has {width}: the title of a second table stacked under the first (its header repeats on row {line}); give each table its own sheet or file"
                ),
                None => short_record(g, r, n, width),
            };
            let err = crate::error::data_err(&g.loc(r), h.raw_name(n), why);
            flat::row_error(opts, rep, err)?;
            g.rows[r].clear();
        }
    }
    for r in start..g.rows.len() {
        // trailing empty fields are trimmed: a longer row has a value beyond the header
        if g.rows[r].len() > width {
            let err = too_wide(g, r, width);
            flat::row_error(opts, rep, err)?;
            g.rows[r].clear();
        }
    }
    Ok(())
}

/// A note under or inside a table, not a row of it: its only text is in its first cell and reads
/// as a note — it starts with `*` or a note word («Примечание», «Источник», «Сформировано»,
/// «Дата выгрузки», «Исполнитель», «Данные на»…); a caption with a colon («Алейский район:») may
/// open a block of a table's rows and is no note.
/// A truncated record of a table holds a value of the table's first column, never such text.
pub(crate) fn note_row<S: AsRef<str>>(row: &[S]) -> bool {
    let Some((first, rest)) = row.split_first() else {
        return false;
    };
    rest.iter().all(|c| c.as_ref().trim().is_empty()) && is_note_label(first.as_ref())
}

/// Whether a cell's text reads as a note (see [`note_row`]).
pub(crate) fn is_note_label(s: &str) -> bool {
    // a login (every registry row asks) is no note: told before any text is lowered
    if super::text::looks_like_login(s.trim()) {
        return false;
    }
    const WORDS: [&str; 10] = [
        "примечани",
        "источник",
        "сформирован",
        "дата формирования",
        "дата выгрузки",
        "дата составления",
        "исполнител",
        "составител",
        "ответственн",
        "данные на ",
    ];
    let t = s.trim().to_lowercase();
    t.starts_with('*') || WORDS.iter().any(|w| t.starts_with(w))
}

/// A spreadsheet's notes under its table: the rows from `start` on below its last row that is
/// neither blank nor a note ([`note_row`]) are cleared (blank rows, which every loader passes
/// over); each note's line and text, in sheet order.
pub(crate) fn clear_trailing_notes(g: &mut Grid, start: usize) -> Vec<(usize, String)> {
    let mut notes = Vec::new();
    for r in (start..g.rows.len()).rev() {
        let blank = g.rows[r].iter().all(|c| c.trim().is_empty());
        if blank {
            continue;
        }
        if !note_row(&g.rows[r]) {
            break;
        }
        notes.push((g.line_of(r), std::mem::take(&mut g.rows[r][0])));
        g.rows[r].clear();
    }
    notes.reverse();
    notes
}

/// Count a note row (line `line`, its text `text`) passed over with a warning naming it.
pub(crate) fn note_skipped(rep: &mut InputReport, line: usize, text: &str) {
    let text: String = text.trim().chars().take(60).collect();
    rep.warnings.add(
        crate::model::warning::WarningCode::NoteRowSkipped,
        format!("строка {line}: «{text}»"),
    );
}

/// The line of a row within three below row `r` that repeats the header `h` (a second table's,
/// under its title line at `r`: fresh-eyes run 12 — it was called a truncated line).
fn header_again(g: &Grid, h: &Header, r: usize) -> Option<usize> {
    (r + 1..(r + 4).min(g.rows.len()))
        .find(|&k| {
            let row: Vec<String> = g.rows[k].iter().map(|c| norm_header(c)).collect();
            row.len() >= h.names.len().min(2) && row.iter().zip(&h.names).all(|(a, b)| a == b)
        })
        .map(|k| g.line_of(k))
}

/// What is wrong with record `r` of `n` fields under a header of `width`: a row written with
/// another separator (its text splits into `width` fields on `,`, `;` or a TAB), else a
/// truncated line.
fn short_record(g: &Grid, r: usize, n: usize, width: usize) -> String {
    let sep = g.separator.map_or(';', char::from);
    let text = g.rows[r].join(&sep.to_string());
    let other = [',', ';', '\t']
        .into_iter()
        .filter(|&c| c != sep)
        .find(|&c| text.split(c).count() >= width);
    let fields = match n {
        1 => "1 field".to_string(),
        n => format!("{n} fields"),
    };
    match other {
        Some(c) => format!(
            "the record has {fields} where the header has {width}: the row is separated by «{}» while the file is by «{sep}»; save the row with «{sep}»",
            if c == '\t' { "TAB".to_string() } else { c.to_string() }
        ),
        None => format!(
            "the record has {fields} where the header has {width}: a truncated line; expected a value or an empty field for every column"
        ),
    }
}

/// The error for a CSV record with a value beyond the header's last column: a separator inside an
/// unquoted value (a comma in a school name), or decimal commas in a comma-separated file.
fn too_wide(g: &Grid, r: usize, width: usize) -> anyhow::Error {
    let sep = g.separator.map_or(';', char::from);
    let text: String = g.rows[r].join(&sep.to_string()).chars().take(100).collect();
    let decimal = if sep == ',' {
        ", or decimal commas (0,5) in a file separated by «,» (save it with «;» as the separator)"
    } else {
        ""
    };
    data(format!(
        "{}: the record has {} fields where the header has {width}: expected {width} fields, found «{text}»; a separator inside an unquoted value? (a «{sep}» in a school name: put the value in double quotes){decimal}",
        g.loc(r),
        g.rows[r].len(),
    ))
}

/// A keyed row against the first row of its key (`FirstRows::check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The key's first row: keep it.
    First,
    /// The same values as the first row, on `line` (1-based): drop it with a counted warning.
    Same { line: usize },
    /// Other values than the first row, on `line`: a data error (one row per key).
    Different { line: usize },
}

/// Each key's first row (its values and 1-based line), for tables that hold one row per key
/// (registry: login; context table: code and year): an exact repeat is dropped with a counted
/// warning, a different second row is a data error naming both lines.
pub(crate) struct FirstRows<K, V>(polars::prelude::PlHashMap<K, (V, usize)>);

impl<K: std::hash::Hash + Eq, V: PartialEq> FirstRows<K, V> {
    pub(crate) fn new() -> Self {
        FirstRows(Default::default())
    }

    /// Where the row of `key` with `values` on `line` stands; the first one is remembered.
    pub(crate) fn check(&mut self, key: K, values: V, line: usize) -> Seen {
        match self.0.get(&key) {
            Some((first, at)) if *first == values => Seen::Same { line: *at },
            Some((_, at)) => Seen::Different { line: *at },
            None => {
                self.0.insert(key, (values, line));
                Seen::First
            }
        }
    }

    /// The keys seen, in no particular order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.keys()
    }
}

#[cfg(test)]
mod first_rows_tests {
    use super::{is_note_label, note_row, FirstRows, Seen};

    #[test]
    fn a_repeat_and_a_different_second_row_name_the_first_line() {
        let mut f = FirstRows::new();
        assert_eq!(f.check("edu1", vec![1.0], 2), Seen::First);
        assert_eq!(f.check("edu2", vec![1.0], 3), Seen::First);
        assert_eq!(f.check("edu1", vec![1.0], 4), Seen::Same { line: 2 });
        assert_eq!(f.check("edu1", vec![2.0], 5), Seen::Different { line: 2 });
    }

    #[test]
    fn notes_are_told_from_values_of_a_first_column() {
        for note in [
            "Примечание: данные на 01.09.2025",
            "* по данным ФИС ОКО",
            "Источник - региональный центр",
            "Дата выгрузки 01.09.2025",
            "Данные на 1 сентября",
        ] {
            assert!(is_note_label(note), "{note}");
            assert!(note_row(&[note, "", " "]), "{note}");
        }
        for value in [
            "edu220001",
            "2025",
            "1000",
            "МБОУ \"СОШ №1\"",
            "город Заречный",
            "edu220001: МБОУ СОШ",
            "Алейский район:",
            "Муниципалитет: город Н",
        ] {
            assert!(!is_note_label(value), "{value}");
        }
        assert!(!note_row(&["Примечание: x", "1"]));
        assert!(!note_row::<&str>(&[]));
    }
}
