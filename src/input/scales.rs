//! Primary score → mark scales keyed by (assessment, year, grade, subject): the built-in tables
//! (`scales_builtin.csv`, one row per procedure with the publication it was read from) and the
//! user's scales files (`--scales FILE`, or any input with the scales header).
//!
//! A row gives its bands either as thresholds (`min3, min4, min5`: «3» from `min3`, «4» from
//! `min4`, «5» from `min5`, «2» below) or as the published table (`bands`: `0–5 / 6–9 / 10–14 /
//! 15–20`, the «2», «3», «4» and «5» bands). A published table whose bands overlap or leave a gap is
//! resolved in the built-ins (each mark from the lower bound of its band, so a shared score gets the
//! higher mark and a skipped score the lower one) with a note that the load report repeats; in a
//! user's file it is an error naming the row.
use super::header::Header;
use super::table::Grid;
use super::text::{parse_num, subject};
use crate::error::{data_err, Loc};
use anyhow::Result;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub max_score: i32,
    pub min3: i32,
    pub min4: i32,
    pub min5: i32,
}

impl Scale {
    /// total < min3 → 2, < min4 → 3, < min5 → 4, else 5.
    pub fn mark(&self, total: i32) -> u8 {
        if total < self.min3 {
            2
        } else if total < self.min4 {
            3
        } else if total < self.min5 {
            4
        } else {
            5
        }
    }

    /// The «2», «3», «4» and «5» bands as inclusive (from, to) primary scores.
    pub fn bands(&self) -> [(i32, i32); 4] {
        [
            (0, self.min3 - 1),
            (self.min3, self.min4 - 1),
            (self.min4, self.min5 - 1),
            (self.min5, self.max_score),
        ]
    }

    /// The bands as a table reads them: `0–5 / 6–9 / 10–14 / 15–20`.
    pub fn bands_text(&self) -> String {
        bands_text(&self.bands())
    }
}

/// Bands written `0–5 / 6–9 / 10–14 / 15–20`.
fn bands_text(b: &[(i32, i32)]) -> String {
    b.iter()
        .map(|(lo, hi)| format!("{lo}–{hi}"))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// (assessment, year, grade, subject), e.g. («ВПР», 2021, 8, «география»).
pub type ScaleKey = (String, i32, i32, String);

/// Where a scale came from and how its published table was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleInfo {
    /// The publication (built-in rows) or the file and row of a user's scales file.
    pub source: String,
    /// How a published table whose bands overlap or leave a gap was resolved (Russian, for the
    /// load report); `None` when the table reads cleanly.
    pub resolved: Option<String>,
}

/// Whose table a row is: the built-ins resolve a faulty published table with a note, a user's file
/// is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    User,
}

/// Every scale known to a run: the built-ins, then the user's files over them.
#[derive(Debug, Clone, Default)]
pub struct Scales {
    pub map: BTreeMap<ScaleKey, Scale>,
    pub info: BTreeMap<ScaleKey, ScaleInfo>,
    /// Procedures a user's file defined, with the row (a second row for one is an error).
    user_rows: BTreeMap<ScaleKey, String>,
}

impl Scales {
    /// The shipped scales (`scales_builtin.csv`): the 34 ВПР 2021 procedures, ВПР 2023 5 класс
    /// биология and ВПР 2026 4 класс русский язык, each from its «Описание проверочной работы»
    /// (ФИОКО / Рособрнадзор), the row's `source` naming the publication and where its table was
    /// read (docs/INPUTS.md «Scales»).
    /// Panics only if the shipped file is invalid, which the unit tests rule out.
    pub fn builtin() -> Scales {
        let text = include_str!("scales_builtin.csv");
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| {
                r.expect("built-in scales are valid CSV")
                    .iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        let grid = Grid::of_rows("<built-in scales>", None, rows, Some(("utf-8", b',')));
        let mut s = Scales::default();
        s.load_from(&grid, &Header::new(0, &grid.rows[0]), Origin::BuiltIn)
            .expect("built-in scales are valid");
        s
    }

    pub fn get(&self, assessment: &str, year: i32, grade: i32, subject: &str) -> Option<Scale> {
        self.map
            .get(&(assessment.to_string(), year, grade, subject.to_string()))
            .copied()
    }

    /// Source and resolution note of a procedure's scale.
    pub fn info(
        &self,
        assessment: &str,
        year: i32,
        grade: i32,
        subject: &str,
    ) -> Option<&ScaleInfo> {
        self.info
            .get(&(assessment.to_string(), year, grade, subject.to_string()))
    }

    /// `year, grade, subject, max_score` and either `min3, min4, min5` or `bands`.
    pub fn is_scales_header(h: &Header) -> bool {
        ["year", "grade", "subject", "max_score"]
            .iter()
            .all(|c| h.has(&[c]))
            && (["min3", "min4", "min5"].iter().all(|c| h.has(&[c])) || h.has(&["bands"]))
    }

    /// Load a user's scales table over what is known; returns the number of rows.
    ///
    /// Errors (data, naming file, row and column): a number that is not a whole non-negative one,
    /// an unknown subject, bands that overlap, leave a gap, do not start at 0 or do not end at
    /// `max_score` (a max below the top band), thresholds not 0 < min3 < min4 < min5 ≤ max_score,
    /// thresholds and bands that disagree, a second row for one procedure.
    pub fn load(&mut self, g: &Grid, h: &Header) -> Result<usize> {
        self.load_from(g, h, Origin::User)
    }

    fn load_from(&mut self, g: &Grid, h: &Header, origin: Origin) -> Result<usize> {
        let cols = Cols::new(h);
        let mut n = 0;
        for r in h.row + 1..g.rows.len() {
            if g.rows[r].iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let (key, scale, info) = read_row(g, r, &cols, origin)?;
            if origin == Origin::User {
                let here = format!("row {}", g.line_of(r));
                if let Some(first) = self.user_rows.insert(key.clone(), here) {
                    return Err(data_err(
                        &g.loc(r),
                        "year, grade, subject",
                        format!(
                            "a second row for {} {}, {} класс, {} (the first is {first} of a scales file); expected one row per procedure",
                            key.0, key.1, key.2, key.3
                        ),
                    ));
                }
            }
            self.map.insert(key.clone(), scale);
            self.info.insert(key, info);
            n += 1;
        }
        Ok(n)
    }
}

/// Column positions of a scales table.
struct Cols {
    year: usize,
    grade: usize,
    subject: usize,
    max: usize,
    mins: Option<[usize; 3]>,
    bands: Option<usize>,
    assessment: Option<usize>,
    source: Option<usize>,
}

impl Cols {
    fn new(h: &Header) -> Cols {
        let col = |n: &str| h.find(&[n]).unwrap();
        let mins = match (h.find(&["min3"]), h.find(&["min4"]), h.find(&["min5"])) {
            (Some(a), Some(b), Some(c)) => Some([a, b, c]),
            _ => None,
        };
        Cols {
            year: col("year"),
            grade: col("grade"),
            subject: col("subject"),
            max: col("max_score"),
            mins,
            bands: h.find(&["bands"]),
            assessment: h.find(&["assessment"]),
            source: h.find(&["source"]),
        }
    }
}

/// A cell that must hold a whole non-negative number.
fn whole(g: &Grid, r: usize, c: usize, name: &str) -> Result<i32> {
    match parse_num(g.cell(r, c)) {
        Ok(Some(v)) if v.fract() == 0.0 && v >= 0.0 => Ok(v as i32),
        _ => Err(data_err(
            &g.loc(r),
            name,
            format!(
                "expected a whole non-negative number, found «{}»",
                g.cell(r, c)
            ),
        )),
    }
}

/// One row: its key, its scale and where it came from.
fn read_row(g: &Grid, r: usize, c: &Cols, origin: Origin) -> Result<(ScaleKey, Scale, ScaleInfo)> {
    let loc = g.loc(r);
    let year = whole(g, r, c.year, "year")?;
    let grade = whole(g, r, c.grade, "grade")?;
    let subj = subject(g.cell(r, c.subject)).ok_or_else(|| {
        data_err(
            &loc,
            "subject",
            format!("unknown subject «{}»", g.cell(r, c.subject)),
        )
    })?;
    let max_score = whole(g, r, c.max, "max_score")?;
    let bands_cell = c.bands.map(|b| g.cell(r, b).trim()).unwrap_or("");
    let mins_given = c
        .mins
        .filter(|m| m.iter().any(|&i| !g.cell(r, i).trim().is_empty()));
    let (scale, resolved) = match (bands_cell.is_empty(), mins_given) {
        (true, None) => {
            return Err(data_err(
                &loc,
                "min3, min4, min5 / bands",
                "expected the thresholds min3, min4, min5 or the bands («0–5 / 6–9 / 10–14 / 15–20»), found neither",
            ))
        }
        (false, _) => {
            let bands = parse_bands(bands_cell).map_err(|e| data_err(&loc, "bands", e))?;
            from_bands(&bands, max_score, origin).map_err(|e| data_err(&loc, "bands", e))?
        }
        (true, Some([a, b, d])) => (
            Scale {
                max_score,
                min3: whole(g, r, a, "min3")?,
                min4: whole(g, r, b, "min4")?,
                min5: whole(g, r, d, "min5")?,
            },
            None,
        ),
    };
    if let (false, Some([a, b, d])) = (bands_cell.is_empty(), mins_given) {
        let given = (
            whole(g, r, a, "min3")?,
            whole(g, r, b, "min4")?,
            whole(g, r, d, "min5")?,
        );
        if given != (scale.min3, scale.min4, scale.min5) {
            return Err(data_err(
                &loc,
                "min3, min4, min5",
                format!(
                    "the thresholds {} / {} / {} disagree with the bands «{bands_cell}» (which give {} / {} / {}); expected one of the two, or both alike",
                    given.0, given.1, given.2, scale.min3, scale.min4, scale.min5
                ),
            ));
        }
    }
    check_thresholds(&scale, &loc)?;
    let assessment = c
        .assessment
        .map(|i| g.cell(r, i).trim().to_uppercase())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "ВПР".into());
    let source = match origin {
        Origin::BuiltIn => c
            .source
            .map(|i| g.cell(r, i).trim().to_string())
            .unwrap_or_default(),
        Origin::User => format!("{}, строка {}", g.file, g.line_of(r)),
    };
    let info = ScaleInfo { source, resolved };
    Ok(((assessment, year, grade, subj), scale, info))
}

/// 0 < min3 < min4 < min5 ≤ max_score, or a data error naming the row.
fn check_thresholds(s: &Scale, loc: &Loc) -> Result<()> {
    if 0 < s.min3 && s.min3 < s.min4 && s.min4 < s.min5 && s.min5 <= s.max_score {
        return Ok(());
    }
    Err(data_err(
        loc,
        "min3..min5",
        format!(
            "expected 0 < min3 < min4 < min5 ≤ max_score (bands «2» «3» «4» «5» that neither overlap nor are empty, the top one within the maximum), found {} / {} / {} / {}",
            s.min3, s.min4, s.min5, s.max_score
        ),
    ))
}

/// `0–5 / 6–9 / 10–14 / 15–20` (dash `–`, `-` or `—`; a band of one score may be one number) as
/// four inclusive bands. Errors: the text that is not four such bands, in words.
pub fn parse_bands(text: &str) -> std::result::Result<Vec<(i32, i32)>, String> {
    let bad = || {
        format!("expected four bands «2» / «3» / «4» / «5» like «0–5 / 6–9 / 10–14 / 15–20», found «{text}»")
    };
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(bad());
    }
    let num = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    parts
        .iter()
        .map(|p| match p.split_once(['–', '-', '—']) {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if a > b {
                    return Err(format!("the band «{p}» runs backwards in «{text}»"));
                }
                Ok((a, b))
            }
            None => num(p).map(|v| (v, v)),
        })
        .collect()
}

/// The mark names of the four bands.
const MARKS: [&str; 4] = ["«2»", "«3»", "«4»", "«5»"];

/// Thresholds from published bands: each mark from the lower bound of its band. Overlaps, gaps, a
/// «2» band that does not start at 0 and a top band that does not end at the maximum are resolved
/// with a note for the built-ins (`BuiltIn`) and are errors for a user's file.
fn from_bands(
    b: &[(i32, i32)],
    max_score: i32,
    origin: Origin,
) -> std::result::Result<(Scale, Option<String>), String> {
    // each fault in English (the error) and in Russian (the load report's note)
    let mut faults: Vec<(String, String)> = Vec::new();
    if b[0].0 != 0 {
        faults.push((
            format!("the «2» band starts at {} instead of 0", b[0].0),
            format!("полоса «2» начинается с {} (баллы ниже дают «2»)", b[0].0),
        ));
    }
    for k in 1..4 {
        let (prev, next, m0, m1) = (b[k - 1], b[k], MARKS[k - 1], MARKS[k]);
        if next.0 <= prev.1 {
            faults.push((
                format!("bands {m0} and {m1} overlap ({}–{})", next.0, prev.1),
                format!(
                    "полосы {m0} и {m1} перекрываются ({}–{}): {m1} с {}",
                    next.0, prev.1, next.0
                ),
            ));
        } else if next.0 > prev.1 + 1 {
            let (a, z) = (prev.1 + 1, next.0 - 1);
            faults.push((
                format!("a gap between {m0} and {m1} ({a}–{z})"),
                format!("пропуск между {m0} и {m1} ({a}–{z}): эти баллы дают {m0}"),
            ));
        }
    }
    if b[3].1 > max_score {
        return Err(format!(
            "max_score {max_score} is below the top band «{}–{}»; expected the «5» band to end at max_score",
            b[3].0, b[3].1
        ));
    }
    if b[3].1 < max_score {
        faults.push((
            format!(
                "the «5» band ends at {} below max_score {max_score}",
                b[3].1
            ),
            format!(
                "полоса «5» кончается на {} при максимуме {max_score} (баллы выше дают «5»)",
                b[3].1
            ),
        ));
    }
    let scale = Scale {
        max_score,
        min3: b[1].0,
        min4: b[2].0,
        min5: b[3].0,
    };
    if faults.is_empty() {
        return Ok((scale, None));
    }
    let (en, ru): (Vec<String>, Vec<String>) = faults.into_iter().unzip();
    match origin {
        Origin::User => Err(format!(
            "the bands «{}» are not contiguous from 0 to max_score {max_score}: {}; expected each band to start one above the previous one's end",
            bands_text(b),
            en.join("; ")
        )),
        Origin::BuiltIn => Ok((
            scale,
            Some(format!(
                "опубликованная таблица «{}»: {}; принято «{}»",
                bands_text(b),
                ru.join("; "),
                scale.bands_text()
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(text: &str) -> Grid {
        let rows = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        Grid::of_rows("s.csv", None, rows, Some(("utf-8", b',')))
    }

    fn load_user(text: &str) -> Result<Scales> {
        let g = grid(text);
        let mut s = Scales::builtin();
        s.load(&g, &Header::new(0, &g.rows[0]))?;
        Ok(s)
    }

    #[test]
    fn builtin_2021_math4() {
        let s = Scales::builtin().get("ВПР", 2021, 4, "математика").unwrap();
        assert_eq!((s.max_score, s.min3, s.min4, s.min5), (20, 6, 10, 15));
        assert_eq!(s.mark(5), 2);
        assert_eq!(s.mark(6), 3);
        assert_eq!(s.mark(14), 4);
        assert_eq!(s.mark(15), 5);
    }

    #[test]
    fn builtin_has_every_2021_procedure_with_a_source() {
        let s = Scales::builtin();
        let n2021 = s.map.keys().filter(|k| k.1 == 2021).count();
        assert_eq!(n2021, 34);
        for (k, i) in &s.info {
            assert!(i.source.contains("Описание проверочной работы"), "{k:?}");
            assert!(i.source.contains(&k.3), "{k:?}");
        }
        let r = s.get("ВПР", 2021, 7, "английский язык").unwrap();
        assert_eq!((r.max_score, r.min3, r.min4, r.min5), (30, 13, 21, 27));
    }

    /// Every shipped row names its publication (the work's description, its year, grade and
    /// subject), is the only row of its procedure, and gives marks over bands contiguous from 0 to
    /// the maximum; a published table that is not so is exactly the one known (8 кл. география
    /// 2021), resolved with a note.
    #[test]
    fn every_builtin_row_is_sourced_and_contiguous_from_0_to_max() {
        let s = Scales::builtin();
        let mut rdr = csv::Reader::from_reader(include_str!("scales_builtin.csv").as_bytes());
        let (mut rows, mut faulty) = (0, Vec::new());
        for r in rdr.records() {
            let r = r.unwrap();
            rows += 1;
            let num = |i: usize| r[i].parse::<i32>().unwrap();
            let (year, grade, subj, max) = (num(1), num(2), &r[3], num(4));
            let key = ("ВПР".to_string(), year, grade, subj.to_string());
            let source = &r[6];
            assert!(source.contains("«Описание проверочной работы»"), "{source}");
            assert!(source.contains(&format!("ВПР {year}")), "{source}");
            assert!(
                source.contains(&format!("{grade} класс, {subj}")),
                "{source}"
            );
            assert_eq!(s.info[&key].source, source);
            let printed = parse_bands(&r[5]).unwrap();
            let clean = printed[0].0 == 0
                && printed[3].1 == max
                && printed.windows(2).all(|w| w[1].0 == w[0].1 + 1);
            assert_eq!(s.info[&key].resolved.is_some(), !clean, "{key:?}");
            if !clean {
                faulty.push((year, grade, subj.to_string()));
            }
            let used = s.map[&key].bands();
            assert_eq!((used[0].0, used[3].1), (0, max), "{key:?}");
            assert!(
                used.windows(2)
                    .all(|w| w[0].0 <= w[0].1 && w[1].0 == w[0].1 + 1),
                "{key:?}: {used:?}"
            );
        }
        assert_eq!(rows, s.map.len(), "one row per procedure");
        assert_eq!(faulty, vec![(2021, 8, "география".to_string())]);
    }

    #[test]
    fn builtin_2026_russian_4_reads_its_published_table() {
        let s = Scales::builtin();
        let r = s.get("ВПР", 2026, 4, "русский язык").unwrap();
        assert_eq!((r.max_score, r.min3, r.min4, r.min5), (24, 10, 16, 21));
        assert_eq!(r.bands_text(), "0–9 / 10–15 / 16–20 / 21–24");
        assert_eq!(
            (r.mark(9), r.mark(10), r.mark(20), r.mark(21)),
            (2, 3, 4, 5)
        );
        // the 2021 table of the same work (a 38-point work) stays its own
        let old = s.get("ВПР", 2021, 4, "русский язык").unwrap();
        assert_eq!(old.max_score, 38);
        assert!(s.get("ВПР", 2025, 4, "русский язык").is_none());
    }

    /// ВПР 2023 5 класс биология as reprinted from the 2023 demo's scoring system (max 29:
    /// «2» 0–11, «3» 12–17, «4» 18–23, «5» 24–29); no other 2023 procedure is built in.
    #[test]
    fn builtin_2023_biology_5_reads_its_published_table() {
        let s = Scales::builtin();
        let r = s.get("ВПР", 2023, 5, "биология").unwrap();
        assert_eq!((r.max_score, r.min3, r.min4, r.min5), (29, 12, 18, 24));
        let marks = [0, 11, 12, 17, 18, 23, 24, 29].map(|t| r.mark(t));
        assert_eq!(marks, [2, 2, 3, 3, 4, 4, 5, 5]);
        let src = &s.info("ВПР", 2023, 5, "биология").unwrap().source;
        assert!(src.contains("https://vpr-sdamgia.ru/2023/07/05/"), "{src}");
        assert_eq!(s.map.keys().filter(|k| k.1 == 2023).count(), 1);
        assert!(s.get("ВПР", 2023, 5, "история").is_none());
    }

    #[test]
    fn builtin_geography_8_overlap_resolved_with_a_note() {
        let s = Scales::builtin();
        let g = s.get("ВПР", 2021, 8, "география").unwrap();
        assert_eq!((g.min3, g.min4, g.min5, g.max_score), (13, 27, 35, 40));
        assert_eq!(g.mark(34), 4);
        assert_eq!(g.mark(35), 5);
        let note = s
            .info("ВПР", 2021, 8, "география")
            .unwrap()
            .resolved
            .clone();
        let note = note.expect("the overlap is noted");
        assert!(note.contains("27–35 / 35–40"), "{note}");
        assert!(note.contains("«5» с 35"), "{note}");
        let clean = s.info("ВПР", 2021, 4, "математика").unwrap();
        assert_eq!(clean.resolved, None);
    }

    #[test]
    fn bands_parse_dashes_and_single_scores() {
        assert_eq!(
            parse_bands("0–5 / 6-9 / 10—14 / 15–20").unwrap(),
            vec![(0, 5), (6, 9), (10, 14), (15, 20)]
        );
        assert_eq!(parse_bands("0-1/2/3/4").unwrap()[1], (2, 2));
        assert!(parse_bands("0–5 / 6–9 / 10–14").is_err());
        assert!(parse_bands("0–5 / 9–6 / 10–14 / 15–20").is_err());
        assert!(parse_bands("0–5 / x / 10–14 / 15–20").is_err());
    }

    #[test]
    fn user_bands_load_and_override_the_builtin() {
        let s = load_user(
            "year,grade,subject,max_score,bands\n2021,4,математика,20,0–6 / 7–10 / 11–15 / 16–20\n",
        )
        .unwrap();
        let m = s.get("ВПР", 2021, 4, "математика").unwrap();
        assert_eq!((m.min3, m.min4, m.min5), (7, 11, 16));
        let i = s.info("ВПР", 2021, 4, "математика").unwrap();
        assert_eq!(i.source, "s.csv, строка 2");
    }

    #[test]
    fn user_overlap_gap_and_max_are_errors_naming_the_row() {
        let head =
            "year,grade,subject,max_score,bands\n2022,5,история,15,0–3 / 4–7 / 8–11 / 12–15\n";
        for (row, want) in [
            (
                "2022,8,география,40,0–12 / 13–26 / 27–35 / 35–40",
                "overlap",
            ),
            ("2022,8,география,40,0–12 / 14–26 / 27–34 / 35–40", "a gap"),
            (
                "2022,8,география,38,0–12 / 13–26 / 27–34 / 35–40",
                "below the top band",
            ),
            (
                "2022,8,география,40,0–12 / 13–26 / 27–34 / 35–39",
                "ends at 39",
            ),
            (
                "2022,8,география,40,1–12 / 13–26 / 27–34 / 35–40",
                "starts at 1",
            ),
        ] {
            let e = load_user(&format!("{head}{row}\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("row 3"), "{e}");
            assert!(e.contains(want), "{want}: {e}");
            assert!(e.contains("bands"), "{e}");
        }
    }

    #[test]
    fn user_thresholds_out_of_order_or_above_max_are_errors() {
        let head = "year,grade,subject,max_score,min3,min4,min5\n";
        for row in [
            "2022,5,история,15,8,8,12",
            "2022,5,история,15,4,8,16",
            "2022,5,история,15,0,8,12",
        ] {
            let e = load_user(&format!("{head}{row}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("row 2") && e.contains("0 < min3 < min4 < min5"),
                "{e}"
            );
        }
    }

    #[test]
    fn two_rows_for_one_procedure_are_an_error() {
        let e = load_user("year,grade,subject,max_score,min3,min4,min5\n2022,5,история,15,4,8,12\n2022,5,история,15,5,8,12\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("row 3") && e.contains("a second row") && e.contains("row 2"),
            "{e}"
        );
    }

    #[test]
    fn thresholds_and_bands_must_agree() {
        let e = load_user("year,grade,subject,max_score,min3,min4,min5,bands\n2022,5,история,15,4,8,12,0–3 / 4–7 / 8–10 / 11–15\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("disagree"), "{e}");
        let ok = load_user("year,grade,subject,max_score,min3,min4,min5,bands\n2022,5,история,15,4,8,12,0–3 / 4–7 / 8–11 / 12–15\n");
        assert!(ok.is_ok());
    }
}
