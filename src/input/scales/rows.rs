//! One row of a scales table read and checked: its key, its scale (thresholds or the published
//! bands) and where it came from.
use super::bands::{from_bands, parse_bands};
use super::{Origin, Scale, ScaleInfo, ScaleKey};
use crate::error::{data_err, Loc};
use crate::input::header::Header;
use crate::input::table::Grid;
use crate::input::text::{parse_num, subject};
use anyhow::Result;

/// Column positions of a scales table.
pub(super) struct Cols {
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
    pub(super) fn new(h: &Header) -> Cols {
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
pub(super) fn read_row(
    g: &Grid,
    r: usize,
    c: &Cols,
    origin: Origin,
) -> Result<(ScaleKey, Scale, ScaleInfo)> {
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
