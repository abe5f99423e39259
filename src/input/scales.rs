//! Primary score → mark scales keyed by (assessment, year, grade, subject).
use super::header::Header;
use super::table::Grid;
use super::text::{parse_num, subject};
use crate::error::data_err;
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
}

pub type ScaleKey = (String, i32, i32, String);

#[derive(Debug, Clone, Default)]
pub struct Scales(pub BTreeMap<ScaleKey, Scale>);

impl Scales {
    pub fn builtin() -> Scales {
        let text = include_str!("scales_builtin.csv");
        let rows: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split(',').map(|s| s.to_string()).collect())
            .collect();
        let grid = Grid {
            file: "<built-in scales>".into(),
            sheet: None,
            first_line: 1,
            rows,
            fields: Vec::new(),
            lines: Vec::new(),
            encoding: "utf-8",
            separator: Some(b','),
        };
        let mut s = Scales::default();
        s.load(&grid, &Header::new(0, &grid.rows[0]))
            .expect("built-in scales are valid");
        s
    }

    pub fn get(&self, assessment: &str, year: i32, grade: i32, subject: &str) -> Option<Scale> {
        self.0
            .get(&(assessment.to_string(), year, grade, subject.to_string()))
            .copied()
    }

    pub fn is_scales_header(h: &Header) -> bool {
        [
            "year",
            "grade",
            "subject",
            "max_score",
            "min3",
            "min4",
            "min5",
        ]
        .iter()
        .all(|c| h.has(&[c]))
    }

    /// Load a scales table; returns the number of rows.
    pub fn load(&mut self, g: &Grid, h: &Header) -> Result<usize> {
        let col = |n: &str| h.find(&[n]).unwrap();
        let (cy, cg, cs, cm, c3, c4, c5) = (
            col("year"),
            col("grade"),
            col("subject"),
            col("max_score"),
            col("min3"),
            col("min4"),
            col("min5"),
        );
        let ca = h.find(&["assessment"]);
        let mut n = 0;
        for r in h.row + 1..g.rows.len() {
            if g.rows[r].iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let loc = g.loc(r);
            let int = |c: usize, name: &str| -> Result<i32> {
                match parse_num(g.cell(r, c)) {
                    Ok(Some(v)) if v.fract() == 0.0 && v >= 0.0 => Ok(v as i32),
                    _ => Err(data_err(
                        &loc,
                        name,
                        format!(
                            "expected a whole non-negative number, found «{}»",
                            g.cell(r, c)
                        ),
                    )),
                }
            };
            let year = int(cy, "year")?;
            let grade = int(cg, "grade")?;
            let subj = subject(g.cell(r, cs)).ok_or_else(|| {
                data_err(
                    &loc,
                    "subject",
                    format!("unknown subject «{}»", g.cell(r, cs)),
                )
            })?;
            let s = Scale {
                max_score: int(cm, "max_score")?,
                min3: int(c3, "min3")?,
                min4: int(c4, "min4")?,
                min5: int(c5, "min5")?,
            };
            if !(0 < s.min3 && s.min3 < s.min4 && s.min4 < s.min5 && s.min5 <= s.max_score) {
                return Err(data_err(
                    &loc,
                    "min3..min5",
                    format!(
                        "expected 0 < min3 < min4 < min5 ≤ max_score, found {} / {} / {} / {}",
                        s.min3, s.min4, s.min5, s.max_score
                    ),
                ));
            }
            let assessment = ca
                .map(|c| g.cell(r, c).trim().to_uppercase())
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "ВПР".into());
            self.0.insert((assessment, year, grade, subj), s);
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_2021_math4() {
        let s = Scales::builtin().get("ВПР", 2021, 4, "математика").unwrap();
        assert_eq!((s.max_score, s.min3, s.min4, s.min5), (20, 6, 10, 15));
        assert_eq!(s.mark(5), 2);
        assert_eq!(s.mark(6), 3);
        assert_eq!(s.mark(14), 4);
        assert_eq!(s.mark(15), 5);
    }
}
