//! Reading a per-pupil sheet one row at a time ([`PupilRows`]) and the checks of its cells, each
//! warning naming the row, the column by the file's own header, the value and what was expected.
use super::{item_columns, Form, Names, PupilFile, Pupils, SchoolOf, NO_ROWS};
use crate::input::header::{self, Header};
use crate::input::report::{InputReport, PupilStats};
use crate::input::table::Grid;
use crate::input::text::{norm_text, parse_num, ru_num, school_id, split_code_name};
use crate::model::warning::WarningCode;

/// A per-pupil sheet read one row at a time ([`read`](super::read) and [`read_rows`](super::read_rows) over a grid, or the rows
/// of an xlsx sheet as they are read, `sheet_rows::RowSink`, so that its cells are never held): the
/// pupils, their schools' names and the report so far; [`PupilRows::finish`] gives the
/// [`PupilFile`].
pub struct PupilRows<'a> {
    pub(super) h: Header,
    form: Form<'a>,
    items: Vec<(usize, Option<i32>)>,
    item_max: Option<i32>,
    c_total: usize,
    c_journal: Option<usize>,
    c_mun: Option<usize>,
    c_school: Option<usize>,
    rep: InputReport,
    st: PupilStats,
    p: Pupils,
    lines: Vec<u32>,
    names: Names,
}

impl PupilRows<'static> {
    /// The reader of a ФИС ОКО per-pupil sheet under header `h` (see [`read`]).
    pub fn pupils(h: Header) -> PupilRows<'static> {
        let form = Form {
            school: SchoolOf::Column(h.find(header::LOGIN).unwrap()),
            variant: h.find(header::VARIANT).unwrap(),
            invalid: &NO_ROWS,
            blank_is_absent: false,
            total_wins: false,
        };
        PupilRows::new(h, form)
    }
}

impl<'a> PupilRows<'a> {
    pub(super) fn new(h: Header, form: Form<'a>) -> PupilRows<'a> {
        let items = item_columns(&h);
        let item_max: Option<i32> = if !items.is_empty() && items.iter().all(|(_, m)| m.is_some()) {
            Some(items.iter().map(|(_, m)| m.unwrap()).sum())
        } else {
            None
        };
        PupilRows {
            c_total: h.find(header::TOTAL).unwrap(),
            c_journal: h.find(header::JOURNAL),
            c_mun: h.find(&["муниципалитет", "регион"]),
            c_school: h.find(&["школа"]),
            h,
            form,
            items,
            item_max,
            rep: InputReport::default(),
            st: PupilStats::default(),
            p: Pupils {
                school: Vec::new(),
                mark: Vec::new(),
                journal: Vec::new(),
                total: Vec::new(),
            },
            lines: Vec::new(),
            names: Default::default(),
        }
    }

    /// The sheet's header.
    pub fn header(&self) -> &Header {
        &self.h
    }

    /// The pupils read, the sheet's cells gone; `file` is the sheet's file.
    pub fn finish(mut self, file: String) -> PupilFile {
        // every school with a row, present or not, has its names
        self.rep.schools = self.names.len();
        PupilFile {
            rep: self.rep,
            st: self.st,
            pupils: self.p,
            lines: self.lines,
            names: self.names,
            item_max: self.item_max,
            total_name: self.h.raw_name(self.c_total).trim().to_string(),
            file,
        }
    }

    /// Read row `r` of the sheet's grid (on file line `line`; `row` its cells by column).
    pub fn row(&mut self, r: usize, line: usize, row: &[String]) {
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        let (form, items) = (&self.form, &self.items);
        let (rep, st) = (&mut self.rep, &mut self.st);
        if row.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let login = match form.school {
            SchoolOf::Column(c_login) => {
                let login_cell = cell(c_login);
                let (code, _) = split_code_name(login_cell);
                code.unwrap_or_else(|| login_cell.trim().to_string())
            }
            SchoolOf::Given(login) => login.to_string(),
        };
        if login.is_empty() {
            let col = match form.school {
                SchoolOf::Column(c) => format!(", «{}»: пусто", self.h.raw_name(c).trim()),
                SchoolOf::Given(_) => String::new(),
            };
            rep.warnings
                .add(WarningCode::RowWithoutLogin, format!("строка {line}{col}"));
            return;
        }
        let sid = school_id(&login);
        rep.rows += 1;
        if !self.names.contains_key(&sid) {
            let (mcode, mname) = self
                .c_mun
                .map(|c| split_code_name(cell(c)))
                .unwrap_or((None, String::new()));
            let sname = self
                .c_school
                .map(|c| split_code_name(cell(c)).1)
                .unwrap_or_default();
            let mun = match mcode {
                Some(mc) if mc.contains("_m") => format!("{mc}|{mname}"),
                _ => mname,
            };
            self.names
                .insert(sid.clone(), (login.to_lowercase(), mun, sname));
        }
        if norm_text(cell(form.variant)) == "отсутствовал" {
            st.absent += 1;
            return;
        }
        let named = |c: usize, what: &str| {
            format!(
                "строка {line}, «{}»: «{}», {what}",
                self.h.raw_name(c).trim(),
                cell(c).trim()
            )
        };
        if !is_variant(cell(form.variant)) {
            rep.warnings.add(
                WarningCode::VariantInvalid,
                named(form.variant, "ожидался номер варианта или «отсутствовал»"),
            );
        }
        let total_cell = cell(self.c_total);
        let total_name = self.h.raw_name(self.c_total).trim();
        if form.blank_is_absent
            && matches!(parse_num(total_cell), Ok(None | Some(0.0)))
            && items.iter().all(|(c, _)| cell(*c).trim().is_empty())
        {
            st.absent += 1;
            rep.warnings
                .add(WarningCode::ProtocolRowEmpty, format!("строка {line}"));
            return;
        }
        if form.invalid.contains(&r) {
            st.invalid_totals += 1;
            return;
        }
        let item_sum = || -> f64 {
            items
                .iter()
                .filter_map(|(c, _)| parse_num(cell(*c)).ok().flatten())
                .sum()
        };
        let total = match parse_num(total_cell) {
            Ok(Some(v)) if v.fract() == 0.0 && v >= 0.0 => Some(v as i32),
            Ok(None) if form.total_wins => {
                let s = item_sum();
                st.totals_from_items += 1;
                rep.warnings.add(
                    WarningCode::TotalFromItems,
                    format!("строка {line}, «{total_name}»: пусто → {}", ru_num(s)),
                );
                Some(s as i32)
            }
            Ok(None) => {
                st.invalid_totals += 1;
                st.non_numeric_totals += 1;
                rep.warnings.add(
                    WarningCode::TotalEmpty,
                    format!("строка {line}, «{total_name}»: пусто"),
                );
                return;
            }
            _ => {
                st.invalid_totals += 1;
                st.non_numeric_totals += 1;
                rep.warnings.add(
                    WarningCode::TotalNotNumeric,
                    named(self.c_total, "ожидалось целое число ≥ 0"),
                );
                return;
            }
        };
        if total == Some(0) && !items.is_empty() && !form.total_wins {
            // the school's protocol form (`blank_is_absent`) names such rows in `protocol::read`
            if !form.blank_is_absent {
                let blank: Vec<usize> = items
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| cell(*c).trim().is_empty())
                    .collect();
                if !blank.is_empty() && blank.len() < items.len() {
                    rep.warnings.add(
                        WarningCode::ProtocolItemsBlank,
                        blank_items_line(&self.h, line, &blank),
                    );
                }
            }
        }
        if !form.total_wins {
            // an item score that is no whole number ≥ 0 is named (the school's protocol form
            // refuses it in `protocol::read`); the total stays the score
            let bad: Vec<usize> = items
                .iter()
                .map(|(c, _)| *c)
                .filter(|c| !is_item_score(cell(*c)))
                .collect();
            for &c in &bad {
                let (name, value) = (self.h.raw_name(c).trim(), cell(c).trim());
                rep.warnings.add(
                    WarningCode::ItemScoreInvalid,
                    format!("строка {line}, «{name}»: «{value}»"),
                );
            }
            // one rule with the school's protocol form (`protocol::read`, which warns itself): the
            // total is the score, a sum of the items that differs is a counted warning
            if let Some(note) =
                total_not_item_sum(&cell, items, line, total_name, total).filter(|_| bad.is_empty())
            {
                rep.warnings.add(WarningCode::TotalNotItemSum, note);
            }
        }
        let journal = self.c_journal.and_then(|c| match parse_num(cell(c)) {
            Ok(Some(v)) if (1.0..=5.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
            _ if is_no_mark(cell(c)) => None,
            _ => {
                rep.warnings.add(
                    WarningCode::JournalMarkInvalid,
                    named(c, "ожидалась отметка 1–5 или пусто (нет отметки)"),
                );
                None
            }
        });
        self.p.school.push(sid);
        self.p.total.push(total.unwrap());
        self.p.journal.push(journal);
        self.lines.push(line as u32);
    }
}

impl crate::input::sheet_rows::RowSink for PupilRows<'_> {
    fn row(&mut self, r: usize, line: usize, cells: &[String]) {
        if r > self.h.row {
            PupilRows::row(self, r, line, cells);
        }
    }
}

/// Whether an item score cell is empty, a whole number ≥ 0 (the rule of the school's protocol
/// form, `protocol::read`) or a ФИС ОКО sentinel of an item not scored: `X`/`х` (FORMATS.md) or
/// `не пройд.` (real 2021 exports); neither adds to the items' sum.
fn is_item_score(cell: &str) -> bool {
    match parse_num(cell) {
        Ok(None) => true,
        Ok(Some(v)) => v >= 0.0 && v.fract() == 0.0,
        Err(_) => {
            let t = norm_text(cell);
            t == "x" || t == "х" || t.starts_with("не пройд")
        }
    }
}

/// Whether a variant cell is a variant: empty, a whole number (`1`, `2`; real exports hold `0` too)
/// or «отсутствовал» (an absent pupil).
fn is_variant(cell: &str) -> bool {
    matches!(parse_num(cell), Ok(None))
        || matches!(parse_num(cell), Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0)
        || norm_text(cell) == "отсутствовал"
}

/// Whether a journal-mark cell says there is no mark: empty, «нет отметки» (real exports), «нет»,
/// a dash or «н/а».
fn is_no_mark(cell: &str) -> bool {
    matches!(
        norm_text(cell).as_str(),
        "" | "нет отметки" | "нет" | "-" | "—" | "–" | "н/а"
    )
}

/// The example of a [`WarningCode::TotalNotItemSum`] warning for the row on file line `line`,
/// `строка 5, «Всего баллов»: 3 ≠ 20 (сумма баллов за задания)` (the total under its header
/// `total_name`, then the sum of the items), when some item score is filled, every filled one is a
/// number or a sentinel of an item not scored (`X`, `не пройд.`: adds nothing, as in
/// [`is_item_score`]) and they add up to another number than `total`; `None` otherwise (no item
/// scores: a dump of totals only). A total of 0 beside items that add up to more is such a case
/// (it was silent when a sentinel stood among the items: fresh-eyes defect).
fn total_not_item_sum<'c>(
    cell: &impl Fn(usize) -> &'c str,
    items: &[(usize, Option<i32>)],
    line: usize,
    total_name: &str,
    total: Option<i32>,
) -> Option<String> {
    let scores: Vec<Option<f64>> = items
        .iter()
        .map(|(c, _)| match parse_num(cell(*c)) {
            Ok(v) => Some(v),
            Err(_) if is_item_score(cell(*c)) => Some(None),
            Err(_) => None,
        })
        .collect::<Option<_>>()?;
    if scores.iter().all(Option::is_none) {
        return None;
    }
    let s: f64 = scores.into_iter().flatten().sum();
    let t = f64::from(total?);
    (t != s).then(|| item_sum_note(line, total_name, t, s))
}

/// `строка 5, «Всего баллов»: 3 ≠ 20 (сумма баллов за задания)`: the example of a
/// [`WarningCode::TotalNotItemSum`] warning, the total under the file's own header.
pub(in crate::input) fn item_sum_note(
    line: usize,
    total_name: &str,
    total: f64,
    sum: f64,
) -> String {
    format!(
        "строка {line}, «{total_name}»: {} ≠ {} (сумма баллов за задания)",
        ru_num(total),
        ru_num(sum)
    )
}

/// The example of a [`WarningCode::ProtocolItemsBlank`] warning: the row's line and its blank item
/// columns, `строка 5: пусто «3 (2б)», «4 (1б)»` (the first six captions and how many more).
/// Shared by the school's protocol form (`protocol::read`) and the ФИС ОКО per-pupil kind.
pub(in crate::input) fn blank_items_note(
    g: &Grid,
    h: &Header,
    r: usize,
    blank: &[usize],
) -> String {
    blank_items_line(h, g.line_of(r), blank)
}

/// [`blank_items_note`] of the row on file line `line`.
fn blank_items_line(h: &Header, line: usize, blank: &[usize]) -> String {
    let mut s: Vec<String> = blank
        .iter()
        .take(6)
        .map(|&c| format!("«{}»", h.raw_name(c).trim()))
        .collect();
    if blank.len() > 6 {
        s.push(format!("и ещё {}", blank.len() - 6));
    }
    format!("строка {line}: пусто {}", s.join(", "))
}
