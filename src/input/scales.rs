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
use crate::error::data_err;
use anyhow::Result;
use std::collections::BTreeMap;

mod bands;
mod rows;

pub use bands::parse_bands;
use rows::{read_row, Cols};

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
        s.load_from(
            &grid,
            &Header::new(0, &grid.rows[0]),
            Origin::BuiltIn,
            &mut Vec::new(),
        )
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
    ///
    /// Returns the rows read and, for each row that replaces a shipped (published) scale with other
    /// bands, «ВПР 2021, 4 класс, математика: 0–5 / … → 0–6 / … (строка 2)» for a counted warning:
    /// an official scale changed by a file is told where the results are read (fresh-eyes run 14).
    pub fn load(&mut self, g: &Grid, h: &Header) -> Result<(usize, Vec<String>)> {
        let mut replaced = Vec::new();
        let n = self.load_from(g, h, Origin::User, &mut replaced)?;
        Ok((n, replaced))
    }

    fn load_from(
        &mut self,
        g: &Grid,
        h: &Header,
        origin: Origin,
        replaced: &mut Vec<String>,
    ) -> Result<usize> {
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
            if let Some(shipped) = self.map.insert(key.clone(), scale) {
                if origin == Origin::User && shipped != scale {
                    replaced.push(format!(
                        "{} {}, {} класс, {}: {} → {} (строка {})",
                        key.0,
                        key.1,
                        key.2,
                        key.3,
                        shipped.bands_text(),
                        scale.bands_text(),
                        g.line_of(r)
                    ));
                }
            }
            self.info.insert(key, info);
            n += 1;
        }
        Ok(n)
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
