//! Family D: ОГЭ / ЕГЭ per-school tables and the Moscow open-data ЕГЭ file.
use super::flat::row_error;
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{is_municipality_label, norm_text, split_code_name};
use super::{cells, Meta, Opts};
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{count, Count, Dataset, ResultRow, SchoolRow};
use crate::model::{line_no, OptCount, Sym};
use anyhow::Result;

mod rows;
mod tally;
mod unit;
use rows::{column_numbers, no_figure};
use tally::Tally;
use unit::{decimals, percent_column, whole_pupils, ShareUnit};

const BELOW: &[&str] = &[
    "доля не преодолевших минимальный порог",
    "не преодолели min порог",
    "не преодолели минимальный порог",
    "доля не преодолевших порог",
];
const FIVE: &[&str] = &[
    "доля получивших «5»",
    "доля получивших \"5\"",
    "доля получивших 5",
    "доля «5»",
];

/// The column of a `gia` table that counts the pupils below the minimum («Количество не
/// преодолевших минимальный порог», «Не преодолели минимальный порог, чел.», «Число не
/// преодолевших порог»): a caption naming «не преодол…» with a word of counting and no «доля» —
/// a count by its header (issue 12 «one decision for units»), as the federal form's column is.
fn below_count_column(h: &Header) -> Option<usize> {
    let counting = |n: &str| {
        ["количество", "кол-во", "кол.", "число", "чел"]
            .iter()
            .any(|w| n.contains(w))
    };
    let c = h
        .names
        .iter()
        .position(|n| n.contains("не преодол") && counting(n) && !n.contains("доля"));
    h.read(c)
}

/// Columns that name the school in a `gia` table without a «Код ОО» column.
const SCHOOL_NAME: &[&str] = &["наименование оо", "оо", "образовательная организация"];

/// A `gia` table: «Код ОО» (codes, or names of schools without one), or the school's name with its
/// municipality and no login column; participants; the share below the minimum or the mean score.
pub fn is_simple_gia(h: &Header) -> bool {
    let by_name = h.has(SCHOOL_NAME) && h.has(header::MUNICIPALITY) && !h.has(header::LOGIN);
    (h.has(header::GIA_CODE) || by_name)
        && h.has(header::PARTICIPANTS)
        && (h.has(BELOW) || below_count_column(h).is_some() || h.has(&["средний балл"]))
}

/// School key for a ГИА code, resolved to a login through the crosswalk in `finalize`.
pub fn gia_key(code: &str) -> String {
    format!("gia:{}", code.trim().trim_start_matches('0').to_lowercase())
}

/// The school's name when a «Код ОО» cell holds one rather than a code: text with a space, or
/// without a digit («МБОУ "СОШ № 5"», «Гимназия»); codes (`790001`, `1000`) and `code | name` or
/// `login name` cells are codes.
fn school_named(cell: &str) -> Option<&str> {
    let t = cell.trim();
    let coded = split_code_name(t).0.is_some();
    (!coded && (t.contains(char::is_whitespace) || !t.contains(|c: char| c.is_ascii_digit())))
        .then_some(t)
}

pub fn load_simple(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let c = SimpleCols::of(h);
    // a table whose assessment nothing tells is the file's error, not each row's (`--lenient`
    // would skip every row of it)
    if h.row + 1 < g.rows.len() && c.ca.is_none() && meta.assessment.is_empty() {
        return Err(cells::no_assessment(&g.loc(h.row + 1), None, true));
    }
    // a login column beside «Код ОО» is not read: the schools are keyed by their codes, and a login
    // that names another school than its code would be passed over without a word (run 11 #8)
    if let Some(cl) = h.find(header::LOGIN).filter(|_| h.has(header::GIA_CODE)) {
        rep.warnings.add(
            WarningCode::GiaLoginNotRead,
            format!("столбец «{}»", h.raw_name(cl).trim()),
        );
    }
    // shares or percents, decided once per column and file (`percent_column`)
    let mut percent_col = |x: Option<usize>| x.map(|x| percent_column(g, h, x, c.cp, rep));
    let pct = [percent_col(c.cb), percent_col(c.c5)];
    let source = Sym::from(g.place().as_str());
    let mut tally = Tally::default();
    for r in h.row + 1..g.rows.len() {
        if r == h.row + 1 && column_numbers(&g.rows[r]) {
            rep.warnings.add(
                WarningCode::ColumnNumbersRowSkipped,
                format!("строка {}", g.line_of(r)),
            );
            continue;
        }
        let Some(code) = school_code(g, h, &c, r, opts, rep)? else {
            continue;
        };
        // a school row of no figure at all (dashes or blanks: no ОГЭ that year) is no result, a
        // counted warning — not an error that stops the run (fresh-eyes run 12)
        if no_figure(g, r, &c) {
            rep.warnings.add(
                WarningCode::GiaRowNoFigures,
                format!("строка {}", g.line_of(r)),
            );
            continue;
        }
        // a share rounded to whole pupils that it does not give (40 % of 12 = 4,8 → 5): the
        // counted warning of counts rebuilt from percents, as the flat ВПР table gives
        let rounded = std::cell::Cell::new(false);
        let at = SimpleRow {
            g,
            h,
            r,
            c: &c,
            pct: &pct,
        };
        match at.result(&code, meta, &source, &rounded, ds, rep) {
            Ok(row) => {
                rep.rows += 1;
                if rounded.get() {
                    rep.warnings.add(
                        WarningCode::CountsFromPercents,
                        format!("строка {}", row.line),
                    );
                }
                tally.add(&row);
                ds.push_result(row);
            }
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    tally.report(rep);
    Ok(())
}

/// The school key cell of row `r` of a simple ОГЭ/ЕГЭ table, or `None` for a row that is no
/// school: a blank row; an aggregate row («Итого…», «Всего…», «В целом по региону», a
/// municipality's subtotal — a row with no code or name, or one whose name is a municipality's
/// (`text::is_municipality_label`, or the row's municipality repeated)), skipped with a counted
/// warning naming it — the table's figures are the schools'.
///
/// Errors (data, naming row and column; `--lenient`: skipped with a counted warning): a row with
/// figures but an empty or dash key cell — before, such a school was dropped without a word. A
/// row with neither key nor figures (a caption between the schools) is passed over.
fn school_code(
    g: &Grid,
    h: &Header,
    c: &SimpleCols,
    r: usize,
    opts: &Opts,
    rep: &mut InputReport,
) -> Result<Option<String>> {
    if g.rows[r].iter().all(|v| v.trim().is_empty()) {
        return Ok(None);
    }
    let code = g.cell(r, c.cc).trim();
    let code = if matches!(code, "-" | "–" | "—") {
        ""
    } else {
        code
    };
    let name = c.cn.map_or("", |n| g.cell(r, n).trim());
    let municipality = c.cm.map_or("", |m| g.cell(r, m).trim());
    // a municipality's subtotal: its name in the name cell (or, with no name, in the key cell
    // when that holds no number), or the name cell repeating the row's municipality
    let named_key = name.is_empty() && !code.chars().any(|ch| ch.is_ascii_digit());
    let subtotal = is_municipality_label(name)
        || (named_key && is_municipality_label(code))
        || (!name.is_empty() && norm_text(name) == norm_text(municipality));
    if subtotal || super::flat::is_aggregate_row(code, name, municipality) {
        let label = [name, code, municipality]
            .into_iter()
            .find(|v| !v.is_empty())
            .unwrap_or("");
        rep.warnings.add(
            WarningCode::GiaAggregateRowSkipped,
            format!("строка {}: «{label}»", g.line_of(r)),
        );
        return Ok(None);
    }
    let figures = [Some(c.cp), c.cb, c.c5, c.cmean]
        .into_iter()
        .flatten()
        .any(|x| !g.cell(r, x).trim().is_empty());
    if code.is_empty() && !figures {
        // a caption row between the schools («Биробиджанский район» alone): no school, no figure
        return Ok(None);
    }
    if code.is_empty() {
        let err = data_err(
            &g.loc(r),
            h.raw_name(c.cc),
            format!(
                "expected the school's {} (or an aggregate label such as «Итого»), found {}",
                if h.find(header::GIA_CODE) == Some(c.cc) {
                    "code"
                } else {
                    "name"
                },
                match g.cell(r, c.cc).trim() {
                    "" => "an empty cell".to_string(),
                    dash => format!("«{dash}»"),
                }
            ),
        );
        row_error(opts, rep, err)?;
        return Ok(None);
    }
    Ok(Some(code.to_string()))
}

/// The columns of a simple per-school ОГЭ/ЕГЭ table ([`load_simple`]): name, code (ГИА code or
/// school name), participants, mean score, share below the minimum, share of «5» / high results,
/// year, subject, assessment, municipality.
struct SimpleCols {
    cn: Option<usize>,
    cc: usize,
    cp: usize,
    cmean: Option<usize>,
    cb: Option<usize>,
    /// The count below the minimum, read when the table gives no share of it.
    cb_count: Option<usize>,
    c5: Option<usize>,
    cy: Option<usize>,
    cs: Option<usize>,
    ca: Option<usize>,
    cm: Option<usize>,
}

impl SimpleCols {
    /// The columns under `h`, which `is_simple_gia` recognised (a code or name and participants).
    fn of(h: &Header) -> SimpleCols {
        SimpleCols {
            cn: h.find(&["наименование оо", "оо", "наименование"]),
            cc: h
                .find(header::GIA_CODE)
                .or_else(|| h.find(SCHOOL_NAME))
                .unwrap(),
            cp: h.find(header::PARTICIPANTS).unwrap(),
            cmean: h.find(&["средний балл"]),
            cb: h.find(BELOW),
            cb_count: below_count_column(h),
            c5: h.find(FIVE),
            cy: h.find(header::YEAR),
            cs: h.find(header::SUBJECT),
            ca: h.find(header::ASSESSMENT),
            cm: h.find(header::MUNICIPALITY),
        }
    }
}

/// Row `r` of a simple ОГЭ/ЕГЭ table with its columns and the units of the share below the minimum
/// and of the share of «5» (`pct`, none for a column the table lacks).
struct SimpleRow<'a> {
    g: &'a Grid,
    h: &'a Header,
    r: usize,
    c: &'a SimpleCols,
    pct: &'a [Option<ShareUnit>; 2],
}

impl SimpleRow<'_> {
    /// The row's result for the school of `code`, its school noted in `ds`'s book; `rounded` is set
    /// when a share is rounded to whole pupils it does not give.
    fn result(
        &self,
        code: &str,
        meta: &Meta,
        source: &Sym,
        rounded: &std::cell::Cell<bool>,
        ds: &mut Dataset,
        rep: &mut InputReport,
    ) -> Result<ResultRow> {
        let (g, h, r, c) = (self.g, self.h, self.r, self.c);
        let num = |x: usize| cells::non_negative(g, h, r, x);
        // a fraction of a pupil is no count: the flat ВПР table's error, never truncated
        let part = num(c.cp)?
            .filter(|&v| count(v).is_some())
            .ok_or_else(|| cells::not_whole_participants(g, h, r, c.cp))?;
        let year = cells::year(g, h, r, c.cy, meta)?;
        let subj = cells::subject_of(g, h, r, c.cs, meta)?;
        let assessment = self.assessment(meta)?;
        let grade = if assessment == "ЕГЭ" { 11 } else { 9 };
        let mun =
            c.cm.map(|x| split_code_name(g.cell(r, x)).1)
                .unwrap_or_default();
        let sid = self.note_school(code, &mun, ds, rep);
        Ok(ResultRow {
            year,
            school_id: sid.into(),
            municipality: Sym::from(mun.as_str()),
            assessment: Sym::from(assessment.as_str()),
            subject: Sym::from(subj.as_str()),
            grade,
            participants: part as Count,
            n2: self.below(part, rounded, rep)?.into(),
            n3: OptCount::NONE,
            n4: OptCount::NONE,
            n5: OptCount::NONE,
            reconstructed: true,
            mean_score: c.cmean.map(num).transpose()?.flatten().into(),
            high: self
                .noted_share(c.c5, &self.pct[1], part, rounded, rep)?
                .into(),
            high2: OptCount::NONE,
            source: source.clone(),
            line: line_no(g.line_of(r)),
        })
    }

    /// [`Self::share`], with a counted warning naming row, column and cell when the table has the
    /// column but the row's cell is empty or a dash: the school's result then counts its
    /// participants without that share (fresh-eyes run 11: it was left out of the share silently).
    fn noted_share(
        &self,
        col: Option<usize>,
        unit: &Option<ShareUnit>,
        part: f64,
        rounded: &std::cell::Cell<bool>,
        rep: &mut InputReport,
    ) -> Result<Option<Count>> {
        let got = self.share(col, unit, part, rounded)?;
        // a row of no participants has no share to give
        if let (None, Some(c), Some(_), true) = (got, col, unit, part > 0.0) {
            self.note_missing(c, rep);
        }
        Ok(got)
    }

    /// The pupils below the minimum of the row: its count when the table has a count column (the
    /// exact figure), else what its share gives. With both, a share that gives another count is a
    /// counted warning naming both (the count is read), and a dash share beside a count is no
    /// missing figure (fresh-eyes run 12).
    fn below(
        &self,
        part: f64,
        rounded: &std::cell::Cell<bool>,
        rep: &mut InputReport,
    ) -> Result<Option<Count>> {
        let c = self.c;
        let Some(x) = c.cb_count else {
            return self.noted_share(c.cb, &self.pct[0], part, rounded, rep);
        };
        let counted = self.count_below(x, part)?;
        let quiet = std::cell::Cell::new(false);
        // an empty or dash count is a missing figure only when no share stands beside it (a share
        // given is read, its rebuilt count counted: fresh-eyes run 12)
        if counted.is_none()
            && part > 0.0
            && self.share(c.cb, &self.pct[0], part, &quiet)?.is_none()
        {
            self.note_missing(x, rep);
        }
        let shared = match counted {
            Some(_) => self.share(c.cb, &self.pct[0], part, &quiet)?,
            None => self.noted_share(c.cb, &self.pct[0], part, rounded, rep)?,
        };
        if let (Some(n), Some(s), Some(cb)) = (counted, shared, c.cb) {
            if n != s {
                rep.warnings.add(
                    WarningCode::GiaCountShareDisagree,
                    format!(
                        "строка {}: «{}» {} — {s} из {part}, «{}» {n}",
                        self.g.line_of(self.r),
                        self.h.raw_name(cb).trim(),
                        self.g.cell(self.r, cb).trim(),
                        self.h.raw_name(x).trim()
                    ),
                );
            }
        }
        Ok(counted.or(shared))
    }

    /// The pupils below the minimum that count column `c` gives for `part` participants; none for
    /// an empty or dash cell (`below` says whether that is a missing figure).
    ///
    /// Errors (data, naming file, row and column): no whole number, or more than the participants.
    fn count_below(&self, c: usize, part: f64) -> Result<Option<Count>> {
        let (g, h, r) = (self.g, self.h, self.r);
        let Some(v) = cells::non_negative(g, h, r, c)? else {
            return Ok(None);
        };
        match count(v).filter(|&n| f64::from(n) <= part) {
            Some(n) => Ok(Some(n)),
            None => Err(data_err(
                &g.loc(r),
                h.raw_name(c),
                format!(
                    "expected a whole number of pupils below the minimum, 0–{part} (the row's participants), found «{}»",
                    g.cell(r, c).trim()
                ),
            )),
        }
    }

    /// The counted warning of a row with participants whose cell in column `c` (a share, or the
    /// count below the minimum) is empty or a dash, naming row, column and cell.
    fn note_missing(&self, c: usize, rep: &mut InputReport) {
        let cell = self.g.cell(self.r, c).trim();
        let shown = if cell.is_empty() { "пусто" } else { cell };
        rep.warnings.add(
            WarningCode::GiaShareMissing,
            format!(
                "строка {}, столбец «{}»: «{shown}»",
                self.g.line_of(self.r),
                self.h.raw_name(c)
            ),
        );
    }

    /// The pupils of `part` that the share in column `col` (in `unit`, the file's) gives,
    /// rounded; `rounded` set when it gives no whole number of pupils in either unit.
    ///
    /// Errors (data, naming file, row and column): a share above 100 %; a share that gives no
    /// whole number of pupils in the file's unit but does in the other one (`0,05` of 100 among
    /// percents: 0.05 pupils as a percent, 5 as a share) — a row in another unit, never rounded
    /// (as the marks loader's rows that do not fit the unit of the file's marks).
    fn share(
        &self,
        col: Option<usize>,
        unit: &Option<ShareUnit>,
        part: f64,
        rounded: &std::cell::Cell<bool>,
    ) -> Result<Option<Count>> {
        let (g, h, r) = (self.g, self.h, self.r);
        let (Some(c), Some(unit)) = (col, unit) else {
            return Ok(None);
        };
        let Some(v) = cells::non_negative(g, h, r, c)? else {
            return Ok(None);
        };
        let scale = if unit.percent { 100.0 } else { 1.0 };
        let frac = v / scale;
        let half = 0.5 * 10f64.powi(-decimals(g.cell(r, c)));
        if frac > 1.0 {
            // in a column of shares, a percent that gives whole pupils is a row in another unit
            if !unit.percent && v <= 100.0 && whole_pupils(v, 100.0, part, half) {
                return Err(self.other_unit(c, v, unit, part));
            }
            let range = if unit.percent {
                "a percent 0–100"
            } else {
                "a share 0–1 (the file's unit: shares)"
            };
            return Err(data_err(
                &g.loc(r),
                h.raw_name(c),
                format!("expected {range}, found «{}»", g.cell(r, c).trim()),
            ));
        }
        if !whole_pupils(v, scale, part, half) {
            let other = if unit.percent { 1.0 } else { 100.0 };
            if whole_pupils(v, other, part, half) {
                return Err(self.other_unit(c, v, unit, part));
            }
            rounded.set(true);
        }
        let pupils = (frac * part).round();
        // a share rounded so coarsely that a neighbouring count gives it too (14 % of 111: 15 and
        // 16 pupils) is a count rebuilt, not read (fresh-eyes run 11): the counted warning
        let gives = |k: f64| (k / part * scale - v).abs() <= half + 1e-9;
        if part > 0.0 && (gives(pupils - 1.0) || gives(pupils + 1.0)) {
            rounded.set(true);
        }
        Ok(Some(pupils as Count))
    }

    /// The error of share `v` in column `c` that fits the other unit than the file's (`unit`) for
    /// the row's `part` participants: the value, the pupils it gives in each unit, the unit decided
    /// and why.
    fn other_unit(&self, c: usize, v: f64, unit: &ShareUnit, part: f64) -> anyhow::Error {
        let (g, h, r) = (self.g, self.h, self.r);
        let (scale, other) = if unit.percent {
            (100.0, 1.0)
        } else {
            (1.0, 100.0)
        };
        let pupils = crate::output::num(v / scale * part, 2);
        let as_other = crate::output::num(v / other * part, 0);
        data_err(
            &g.loc(r),
            h.raw_name(c),
            format!(
                "found «{}»: as {}, {pupils} of the {part} participants («{}»), no whole number of pupils; as {}, {as_other} pupils: a row in another unit than the file's: expected {}, the unit of the file's shares ({}); correct the row, or give the whole column in one unit",
                g.cell(r, c).trim(),
                ShareUnit::name(unit.percent),
                h.raw_name(self.c.cp).trim(),
                ShareUnit::name(!unit.percent),
                ShareUnit::name(unit.percent),
                unit.why
            ),
        )
    }

    /// The row's assessment: its column, else the file's (`meta`). Errors: neither says it.
    fn assessment(&self, meta: &Meta) -> Result<String> {
        let (g, r, ca) = (self.g, self.r, self.c.ca);
        match ca
            .map(|c| g.cell(r, c).trim().to_uppercase())
            .filter(|s| !s.is_empty())
        {
            Some(a) => Ok(a),
            None if !meta.assessment.is_empty() => Ok(meta.assessment.clone()),
            None => {
                let column = ca.map(|c| self.h.raw_name(c));
                Err(cells::no_assessment(&g.loc(r), column, true))
            }
        }
    }

    /// The school of `code` (a ГИА code, or a school's name keyed within its municipality `mun`)
    /// in `ds`'s book with its name and municipality merged (`notes::merge`); its key.
    fn note_school(
        &self,
        code: &str,
        mun: &str,
        ds: &mut Dataset,
        rep: &mut InputReport,
    ) -> String {
        let (g, r, c) = (self.g, self.r, self.c);
        let named = school_named(code);
        let sid = match named {
            Some(name) => name_key(mun, name),
            None => gia_key(code),
        };
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid.clone(),
                ..Default::default()
            })
        });
        if named.is_none() {
            e.gia_code = Some(code.trim_start_matches('0').to_lowercase());
        }
        let name =
            c.cn.filter(|&x| x != c.cc || named.is_some())
                .map_or("", |x| g.cell(r, x).trim());
        let facts = SchoolFacts {
            name: if name.is_empty() {
                named.unwrap_or("")
            } else {
                name
            },
            municipality: mun,
            ..Default::default()
        };
        merge(e, SchoolSource::Results, &facts, &mut rep.warnings);
        sid
    }
}

/// School key for a name within a municipality, resolved through a crosswalk file or the schools
/// the other inputs know in `identity::finalize`: `name:<municipality key>/<name key>`
/// (`text::municipality_key`, `names::school_name_key`).
pub fn name_key(municipality: &str, name: &str) -> String {
    format!(
        "name:{}/{}",
        crate::input::text::municipality_key(municipality),
        super::names::school_name_key(municipality, name)
    )
}
