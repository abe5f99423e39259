//! Moscow's open data (data.mos.ru): ЕГЭ per school keyed by ОГРН, with the counts of graduates
//! over 220 and under 160 points in three exams — high results only, no share below the minimum.
use super::flat::row_error;
use super::header::Header;
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::year_in;
use super::{cells, Opts};
use crate::error::data_err;
use crate::model::{line_no, Count, Dataset, OptCount, OptScore, ResultRow, SchoolRow, Sym};
use anyhow::Result;

/// Whether `h` is the Moscow table's header (`passed_number_full` and `passes_over_220`).
pub fn is_moscow(h: &Header) -> bool {
    h.has(&["passed_number_full"]) && h.has(&["passes_over_220"])
}

/// Moscow open data: ЕГЭ per school with ОГРН, counts ≥ 220 and ≥ 160 over three exams.
pub fn load_moscow(
    g: &Grid,
    h: &Header,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let c_ogrn = h.find(&["ogrn"]).unwrap_or(0);
    let c_name = h.find(&["edu_name"]);
    let c_adm = h.find(&["admarea"]);
    let c_dist = h.find(&["district"]);
    let c_part = h.find(&["passed_number_full"]).unwrap();
    let c_220 = h.find(&["passes_over_220"]).unwrap();
    let c_160 = h.find(&["passer_under_160"]);
    let c_year = h.find(&["year"]);
    let source = Sym::from(g.file.as_str());
    let subj = Sym::from("сумма трёх предметов");
    let ass = Sym::from("ЕГЭ");
    let mut schools = std::collections::BTreeSet::new();
    let mut years = std::collections::BTreeSet::new();
    for r in h.row + 1..g.rows.len() {
        if g.rows[r].iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let res = (|| -> Result<ResultRow> {
            let loc = g.loc(r);
            let int = |c: usize| cells::count(g, h, r, c, None);
            let ogrn = g.cell(r, c_ogrn).trim().to_string();
            if ogrn.is_empty() {
                return Err(data_err(
                    &loc,
                    h.raw_name(c_ogrn),
                    "expected an ОГРН, found an empty cell",
                ));
            }
            let part = int(c_part)?;
            let h220 = int(c_220)?;
            let h160 = c_160.map(int).transpose()?;
            if h220 > part || h160.is_some_and(|x| x > part) {
                return Err(data_err(
                    &loc,
                    h.raw_name(c_220),
                    format!("high-result counts exceed the {part} participants"),
                ));
            }
            let year = c_year.and_then(|c| year_in(g.cell(r, c))).ok_or_else(|| {
                data_err(
                    &loc,
                    "YEAR",
                    format!(
                        "expected a year like 2015-2016, found «{}»",
                        c_year.map(|c| g.cell(r, c)).unwrap_or("")
                    ),
                )
            })?;
            let district = c_dist
                .map(|c| g.cell(r, c).trim().to_string())
                .unwrap_or_default();
            let adm = c_adm
                .map(|c| g.cell(r, c).trim().to_string())
                .unwrap_or_default();
            let sid = format!("ogrn:{ogrn}");
            let e = ds.book.entry(sid.clone()).or_insert_with(|| {
                Box::new(SchoolRow {
                    school_id: sid.clone(),
                    ..Default::default()
                })
            });
            e.ogrn = Some(ogrn);
            let mun = if adm.is_empty() {
                district.clone()
            } else {
                format!("{district} ({adm})")
            };
            let facts = SchoolFacts {
                name: c_name.map_or("", |c| g.cell(r, c).trim()),
                municipality: &mun,
                ..Default::default()
            };
            merge(e, SchoolSource::Results, &facts, &mut rep.warnings);
            Ok(ResultRow {
                year,
                school_id: sid.into(),
                municipality: Sym::from(e.municipality.as_str()),
                assessment: ass.clone(),
                subject: subj.clone(),
                grade: 11,
                participants: part as Count,
                n2: OptCount::NONE,
                n3: OptCount::NONE,
                n4: OptCount::NONE,
                n5: OptCount::NONE,
                reconstructed: false,
                mean_score: OptScore::NONE,
                high: Some(h220 as Count).into(),
                high2: h160.map(|x| x as Count).into(),
                source: source.clone(),
                line: line_no(g.line_of(r)),
            })
        })();
        match res {
            Ok(row) => {
                rep.rows += 1;
                schools.insert(row.school_id.clone());
                years.insert(row.year);
                ds.push_result(row);
            }
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    rep.years = years.into_iter().collect();
    Ok(())
}
