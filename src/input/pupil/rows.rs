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
    repeats: super::repeats::Repeats,
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
        let mut rep = InputReport::default();
        let c_journal = h.find_journal();
        if c_journal.is_none() {
            note_unread_mark(&h, &mut rep);
        }
        PupilRows {
            repeats: super::repeats::Repeats::new(&h),
            c_total: h.find(header::TOTAL).unwrap(),
            c_journal,
            c_mun: h.find(&["муниципалитет", "регион"]),
            c_school: h.find(&["школа"]),
            h,
            form,
            items,
            item_max,
            rep,
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

    /// The pupils read, the sheet's cells gone; `g` is the sheet (its file and name; its rows may
    /// be gone).
    pub fn finish(mut self, g: &Grid) -> PupilFile {
        // every school with a row, present or not, has its names
        self.rep.schools = self.names.len();
        let file = g.file.clone();
        PupilFile {
            conflict: self.repeats.conflict.map(|c| c.error(&file, &g.sheet)),
            rep: self.rep,
            st: self.st,
            pupils: self.p,
            lines: self.lines,
            names: self.names,
            item_max: self.item_max,
            header: g.loc(self.h.row),
            total_name: self.h.raw_name(self.c_total).trim().to_string(),
            file,
        }
    }

    /// Read row `r` of the sheet's grid (on file line `line`; `row` its cells by column): a pupil
    /// with a score, an absent pupil counted, or a row passed over with a counted warning (a pupil
    /// code given twice in the school: [`super::repeats::Repeats`]). The steps: the school ([`Self::login`], [`Self::note_names`]), absence and the variant
    /// ([`Self::check_variant`], [`Self::blank_protocol_row`]), the total ([`Self::total`]), the
    /// item scores ([`Self::check_items`]) and the journal mark ([`Self::journal`]).
    pub fn row(&mut self, r: usize, line: usize, row: &[String]) {
        if row.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        if self.repeats_header(row) {
            self.rep
                .warnings
                .add(WarningCode::HeaderRowRepeated, format!("строка {line}"));
            return;
        }
        if crate::input::records::note_row(row) {
            crate::input::records::note_skipped(&mut self.rep, line, &row[0]);
            return;
        }
        // «Итого» / «Среднее» in the pupil code column (a school's own protocol form names its
        // school by `--school`, so its login cell cannot tell): a total row, not a pupil
        let code = self.repeats.code_of(row);
        if crate::input::text::is_aggregate_label(code) {
            self.rep.warnings.add(
                WarningCode::PupilAggregateRowSkipped,
                format!("строка {line}: «{code}»"),
            );
            return;
        }
        let Some(login) = self.login(line, row) else {
            return;
        };
        let sid = school_id(&login);
        let who = (sid.as_str(), login.as_str());
        if self
            .repeats
            .repeated(&self.h, who, line, row, &mut self.rep.warnings)
        {
            return;
        }
        self.rep.rows += 1;
        self.note_names(&sid, &login, line, row);
        if norm_text(cell_of(row, self.form.variant)) == "отсутствовал" {
            self.st.absent += 1;
            return;
        }
        self.check_variant(line, row);
        if self.blank_protocol_row(line, row) {
            return;
        }
        if self.form.invalid.contains(&r) {
            self.st.invalid_totals += 1;
            return;
        }
        let Some(total) = self.total(line, row) else {
            return;
        };
        if !self.form.total_wins {
            self.check_items(line, row, total);
        }
        let journal = self.journal(line, row);
        self.p.school.push(sid);
        self.p.total.push(total);
        self.p.journal.push(journal);
        self.lines.push(line as u32);
    }

    /// Whether `row` is a copy of the header (a second export pasted below the first): each of
    /// its cells under a captioned column reads as that caption.
    fn repeats_header(&self, row: &[String]) -> bool {
        let h = &self.h;
        h.names
            .iter()
            .enumerate()
            .all(|(c, n)| n.is_empty() || crate::input::text::norm_header(cell_of(row, c)) == *n)
    }

    /// The row's school login: the code of its login cell (`КОД | name`, or the cell itself), or
    /// the login the form is given. `None` with a [`WarningCode::RowWithoutLogin`] warning when it
    /// is empty, with a [`WarningCode::PupilAggregateRowSkipped`] one when it is an aggregate
    /// label («Итого по ОО», «Всего»): such a row is neither a school nor a pupil.
    fn login(&mut self, line: usize, row: &[String]) -> Option<String> {
        let login = match self.form.school {
            SchoolOf::Column(c_login) => {
                let login_cell = cell_of(row, c_login);
                let (code, _) = split_code_name(login_cell);
                code.unwrap_or_else(|| login_cell.trim().to_string())
            }
            SchoolOf::Given(login) => login.to_string(),
        };
        if crate::input::text::is_aggregate_label(&login)
            && !crate::input::text::looks_like_login(&login)
        {
            self.rep.warnings.add(
                WarningCode::PupilAggregateRowSkipped,
                format!("строка {line}: «{login}»"),
            );
            return None;
        }
        if !login.is_empty() {
            return Some(login);
        }
        let col = match self.form.school {
            SchoolOf::Column(c) => format!(", «{}»: пусто", self.h.raw_name(c).trim()),
            SchoolOf::Given(_) => String::new(),
        };
        self.rep
            .warnings
            .add(WarningCode::RowWithoutLogin, format!("строка {line}{col}"));
        None
    }

    /// The names of school `sid` (login `login`) from its first row (on file line `line`): the
    /// login in lower case (other text as spelt), the municipality (`CODE|name` when its code is a municipality's,
    /// `…_m…`) and the school's name. A login cell that is no ФИС ОКО login (`school1`,
    /// `edu99OOO1`) is the school's id with the counted warning of every login column, once per
    /// school (`cells::check_login`).
    fn note_names(&mut self, sid: &str, login: &str, line: usize, row: &[String]) {
        if self.names.contains_key(sid) {
            return;
        }
        if let SchoolOf::Column(_) = self.form.school {
            crate::input::cells::check_login_at(line, login, &mut self.rep.warnings);
        }
        let (mcode, mname) = self
            .c_mun
            .map(|c| split_code_name(cell_of(row, c)))
            .unwrap_or((None, String::new()));
        let sname = self
            .c_school
            .map(|c| split_code_name(cell_of(row, c)).1)
            .unwrap_or_default();
        let mun = match mcode {
            Some(mc) if mc.contains("_m") => format!("{mc}|{mname}"),
            _ => mname,
        };
        // a ФИС ОКО login in its usual lower case; any other text as the sheet spells it (INPUTS.md
        // «Which spelling of a login is shown»: `School1` stays `School1`)
        let shown = crate::input::text::shown_login(login);
        self.names.insert(sid.to_string(), (shown, mun, sname));
    }

    /// A [`WarningCode::VariantInvalid`] warning when the variant cell is no variant
    /// ([`is_variant`]); the row is read all the same.
    fn check_variant(&mut self, line: usize, row: &[String]) {
        let c = self.form.variant;
        if !is_variant(cell_of(row, c)) {
            let note = named(
                &self.h,
                row,
                line,
                c,
                "ожидался номер варианта или «отсутствовал»",
            );
            self.rep.warnings.add(WarningCode::VariantInvalid, note);
        }
    }

    /// Whether the row is a blank row of the school's protocol form (`blank_is_absent`: no total
    /// or 0, every item score empty): an absent pupil, counted with a
    /// [`WarningCode::ProtocolRowEmpty`] warning.
    fn blank_protocol_row(&mut self, line: usize, row: &[String]) -> bool {
        let blank = self.form.blank_is_absent
            && matches!(parse_num(cell_of(row, self.c_total)), Ok(None | Some(0.0)))
            && self
                .items
                .iter()
                .all(|(c, _)| cell_of(row, *c).trim().is_empty());
        if blank {
            self.st.absent += 1;
            self.rep
                .warnings
                .add(WarningCode::ProtocolRowEmpty, format!("строка {line}"));
        }
        blank
    }

    /// The row's total score: a whole number ≥ 0, or when the form lets the items win
    /// (`total_wins`) and the total is empty the items' sum (a [`WarningCode::TotalFromItems`]
    /// warning). `None` (the row is an invalid total, counted with a [`WarningCode::TotalEmpty`] or
    /// [`WarningCode::TotalNotNumeric`] warning) otherwise.
    fn total(&mut self, line: usize, row: &[String]) -> Option<i32> {
        let (rep, st) = (&mut self.rep, &mut self.st);
        let total_name = self.h.raw_name(self.c_total).trim();
        match parse_num(cell_of(row, self.c_total)) {
            Ok(Some(v)) if v.fract() == 0.0 && v == 0.0 => Some(self.zero_total(line, row)),
            Ok(Some(v)) if v.fract() == 0.0 && v > 0.0 && v <= f64::from(i32::MAX) => {
                Some(v as i32)
            }
            Ok(None) if self.form.total_wins => {
                let s: f64 = self
                    .items
                    .iter()
                    .filter_map(|(c, _)| parse_num(cell_of(row, *c)).ok().flatten())
                    .sum();
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
                None
            }
            _ => {
                st.invalid_totals += 1;
                st.non_numeric_totals += 1;
                rep.warnings.add(
                    WarningCode::TotalNotNumeric,
                    named(
                        &self.h,
                        row,
                        line,
                        self.c_total,
                        "ожидался первичный балл: целое число от 0 до максимума шкалы",
                    ),
                );
                None
            }
        }
    }

    /// The score of a row whose total is 0: the sum of its item scores when every item cell is a
    /// score or blank and they sum to more than 0, with a counted [`WarningCode::TotalZeroFromItems`]
    /// warning (counted in `totals_from_items` too); else 0. Real 2022 ФИС ОКО protocols hold whole
    /// schools whose «Итого баллов» is 0 beside filled items (brief FORMATS.md: «the item sum is
    /// the total and the load report counts it»); an absent pupil is told by the variant, not by 0.
    fn zero_total(&mut self, line: usize, row: &[String]) -> i32 {
        let cell = |c: usize| cell_of(row, c);
        let valid = self.items.iter().all(|(c, _)| is_item_score(cell(*c)));
        let Some(s) = item_sum(&cell, &self.items).filter(|s| valid && *s > 0.0) else {
            return 0;
        };
        self.st.totals_from_items += 1;
        let total_name = self.h.raw_name(self.c_total).trim();
        self.rep.warnings.add(
            WarningCode::TotalZeroFromItems,
            format!(
                "строка {line}, «{total_name}»: 0 → {} (сумма баллов за задания)",
                ru_num(s)
            ),
        );
        s as i32
    }

    /// The checks of the item scores when the total is the score (not `total_wins`), each a
    /// counted warning: a total of 0 beside some blank items ([`WarningCode::ProtocolItemsBlank`],
    /// not in the school's protocol form, which names them in `protocol::read`), an item score that
    /// is no whole number ≥ 0 ([`WarningCode::ItemScoreInvalid`]), and else a sum of the items
    /// other than the total ([`WarningCode::TotalNotItemSum`]; one rule with `protocol::read`).
    fn check_items(&mut self, line: usize, row: &[String], total: i32) {
        let (items, h, rep) = (&self.items, &self.h, &mut self.rep);
        let cell = |c: usize| cell_of(row, c);
        // a total written 0 (the items' sum may have been taken for it: `zero_total`)
        let zero = matches!(parse_num(cell(self.c_total)), Ok(Some(v)) if v == 0.0);
        if zero && !items.is_empty() && !self.form.blank_is_absent {
            let blank: Vec<usize> = items
                .iter()
                .map(|(c, _)| *c)
                .filter(|c| cell(*c).trim().is_empty())
                .collect();
            if !blank.is_empty() && blank.len() < items.len() {
                rep.warnings.add(
                    WarningCode::ProtocolItemsBlank,
                    blank_items_line(h, line, &blank),
                );
            }
        }
        let bad: Vec<usize> = items
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| !is_item_score(cell(*c)))
            .collect();
        for &c in &bad {
            let (name, value) = (h.raw_name(c).trim(), cell(c).trim());
            rep.warnings.add(
                WarningCode::ItemScoreInvalid,
                format!("строка {line}, «{name}»: «{value}»"),
            );
        }
        let total_name = h.raw_name(self.c_total).trim();
        if let Some(note) = total_not_item_sum(&cell, items, line, total_name, Some(total))
            .filter(|_| bad.is_empty())
        {
            rep.warnings.add(WarningCode::TotalNotItemSum, note);
        }
    }

    /// The row's journal mark: 1–5, or `None` when the sheet has no journal column or the cell
    /// says there is no mark ([`is_no_mark`]); anything else is `None` with a
    /// [`WarningCode::JournalMarkInvalid`] warning.
    fn journal(&mut self, line: usize, row: &[String]) -> Option<i32> {
        let c = self.c_journal?;
        match parse_num(cell_of(row, c)) {
            Ok(Some(v)) if (1.0..=5.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
            _ if is_no_mark(cell_of(row, c)) => None,
            _ => {
                let note = named(
                    &self.h,
                    row,
                    line,
                    c,
                    "ожидалась отметка 1–5 или пусто (нет отметки)",
                );
                self.rep.warnings.add(WarningCode::JournalMarkInvalid, note);
                None
            }
        }
    }
}

/// The cell of `row` in column `c` (empty past the row's end).
fn cell_of(row: &[String], c: usize) -> &str {
    row.get(c).map_or("", String::as_str)
}

/// `строка 5, «Вариант»: «x», WHAT`: a warning's example naming the row's line, column `c` by the
/// file's own header `h`, its value and what was expected.
fn named(h: &Header, row: &[String], line: usize, c: usize, what: &str) -> String {
    format!(
        "строка {line}, «{}»: «{}», {what}",
        h.raw_name(c).trim(),
        cell_of(row, c).trim()
    )
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
    let s = item_sum(cell, items)?;
    let t = f64::from(total?);
    (t != s).then(|| item_sum_note(line, total_name, t, s))
}

/// A [`WarningCode::JournalColumnNotFound`] warning naming the columns of header `h` captioned as
/// some mark (`отметка…`, `оценка…`) when none is the journal's: the sheet's journal comparison is
/// not computed, and the user learns which caption was not taken for it.
fn note_unread_mark(h: &Header, rep: &mut InputReport) {
    let marks: Vec<String> = h
        .names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("отметка") || n.starts_with("оценка"))
        .map(|(c, _)| format!("«{}»", h.raw_name(c).trim()))
        .collect();
    if !marks.is_empty() {
        rep.warnings.add(
            WarningCode::JournalColumnNotFound,
            format!(
                "{}: ожидалось «Отметка за предыдущую четверть/триместр» или «… в журнале»",
                marks.join(", ")
            ),
        );
    }
}

/// The sum of a row's item scores (`cell` gives a column's cell): `None` when some item cell is
/// no number and no item mark (`x`, «не пройдено»: [`is_item_score`]), or when none holds a
/// number.
fn item_sum<'c>(cell: &impl Fn(usize) -> &'c str, items: &[(usize, Option<i32>)]) -> Option<f64> {
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
    Some(scores.into_iter().flatten().sum())
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
