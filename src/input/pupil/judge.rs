//! Judging a read sheet by its procedure's scale ([`judge`]) and storing its pupils ([`store`]).
use super::{Names, PupilFile, Pupils};
use crate::input::report::{InputReport, PupilStats};
use crate::input::scales::Scales;
use crate::input::Meta;
use crate::model::warning::WarningCode;
use crate::model::{Dataset, SchoolRow};
use anyhow::Result;

/// Apply the procedure's scale to a read sheet: totals above the maximum (the scale's, else the
/// items') are invalid and counted, the others get their marks, and the pupils are aggregated to
/// per-school results, journal comparison and score histograms.
///
/// Errors: those of [`judge`] (`lenient`: `--lenient`).
pub fn finish(
    mut f: PupilFile,
    meta: &Meta,
    scales: (&Scales, bool),
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    f.check()?;
    let judged = judge(f, meta, scales, ds, rep)?;
    store(judged, meta, ds, rep)
}

/// The data error of a sheet whose item captions' maxima add up to `items` where the scale of its
/// procedure (`meta`) has `max_score`: the year, grade or subject read for it (or given by
/// `--file-year` / `--grade` / `--subject`) is not its own, and every pupil's mark would be
/// computed on another work's scale (fresh-eyes run 14: a wrong `--subject` gave wrong marks with
/// only a warning).
fn items_do_not_fit(f: &PupilFile, meta: &Meta, items: i32, max_score: i32) -> anyhow::Error {
    crate::error::data_err(
        &f.header,
        "заголовки заданий",
        format!(
            "the items' maxima add up to {items}, the scale of ВПР {}, {} класс, {} has maximum \
             {max_score}: the year, grade or subject read for this sheet (or given by --file-year / \
             --grade / --subject) is not its own (with --lenient the scale is used and this is a \
             counted warning)",
            meta.year, meta.grade, meta.subject
        ),
    )
}

/// A sheet's pupils judged by the procedure's scale (see [`judge`]), not yet aggregated: those of
/// several protocols of one school and procedure are joined ([`Judged::append`]) and stored once.
pub(in crate::input) struct Judged {
    pupils: Pupils,
    names: Names,
    /// The file (or files, `a.xlsx + b.xlsx`) the pupils come from: the results' source.
    file: String,
    with_marks: bool,
}

impl Judged {
    /// Add `other`'s pupils after these (another class of the school); the first file's school
    /// names are kept.
    pub(in crate::input) fn append(&mut self, other: Judged) {
        let (p, o) = (&mut self.pupils, other.pupils);
        p.school.extend(o.school);
        p.mark.extend(o.mark);
        p.journal.extend(o.journal);
        p.total.extend(o.total);
        for (sid, n) in other.names {
            self.names.entry(sid).or_insert(n);
        }
        self.file = format!("{} + {}", self.file, other.file);
    }
}

/// The judging half of [`finish`]: the sheet's statistics (`rep.pupils`, with its own participants,
/// marks and schools with participants), its warnings and the procedure's maximum and «3» threshold
/// in `ds`; the pupils kept, with their marks.
///
/// Errors (data): item captions whose maxima do not add up to the scale's maximum
/// ([`items_do_not_fit`]); with `lenient` a counted warning, the scale used.
pub(in crate::input) fn judge(
    f: PupilFile,
    meta: &Meta,
    (scales, lenient): (&Scales, bool),
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<Judged> {
    let year = meta.year;
    let grade = meta.grade;
    let subject = meta.subject.clone();
    let assessment = "ВПР";
    let scale = scales.get(assessment, year, grade, &subject);
    if let (Some(sc), Some(items), false) = (scale, f.item_max, lenient) {
        if sc.max_score != items {
            return Err(items_do_not_fit(&f, meta, items, sc.max_score));
        }
    }
    rep.assessment = Some(assessment.into());
    rep.rows += f.rep.rows;
    rep.schools = f.rep.schools;
    rep.warnings.merge(f.rep.warnings);
    let scale = scales.get(assessment, year, grade, &subject);
    if let Some(sc) = scale {
        ds.pending_tables
            .boundaries
            .push(year, subject.clone(), grade, sc.min3);
    }
    let max_score = scale.map(|s| s.max_score).or(f.item_max);
    let max_of = match scale {
        Some(_) => "максимум шкалы",
        None => "сумма максимумов заданий в заголовках",
    };
    if let (Some(sc), Some(items)) = (scale, f.item_max) {
        if sc.max_score != items {
            rep.warnings.add(
                WarningCode::ItemMaxSumDiffers,
                format!(
                    "ВПР {year}, {grade} класс, {subject}: заголовки заданий {items}, шкала {}",
                    sc.max_score
                ),
            );
        }
    }
    if let Some(m) = max_score {
        ds.pending_tables
            .maxima
            .push(year, subject.clone(), grade, m);
    }
    if let Some(note) = scales
        .info(assessment, year, grade, &subject)
        .and_then(|i| i.resolved.as_ref())
    {
        rep.warnings.add(
            WarningCode::ScaleBandsOverlap,
            format!("ВПР {year}, {grade} класс, {subject}: {note}"),
        );
    }
    let mut st = PupilStats {
        marks_computed: scale.is_some(),
        max_score,
        ..f.st
    };
    let read = f.pupils;
    let n = read.total.len();
    let mut p = Pupils {
        school: Vec::with_capacity(n),
        mark: Vec::with_capacity(n),
        journal: Vec::with_capacity(n),
        total: Vec::with_capacity(n),
    };
    let pupils = read.school.into_iter().zip(read.total).zip(read.journal);
    for (((sid, total), journal), line) in pupils.zip(f.lines) {
        if let Some(m) = max_score {
            if total > m {
                st.invalid_totals += 1;
                st.above_max += 1;
                rep.warnings.add(
                    WarningCode::TotalAboveMax,
                    format!(
                        "строка {line}, «{}»: {total} > {m} ({max_of})",
                        f.total_name
                    ),
                );
                continue;
            }
        }
        if journal.is_none() {
            st.no_journal_mark += 1;
        }
        p.school.push(sid);
        p.total.push(total);
        p.mark.push(scale.map(|s| s.mark(total) as i32));
        p.journal.push(journal);
    }
    st.participants = p.total.len();
    if scale.is_none() {
        rep.warnings.add(
            WarningCode::NoScale,
            format!(
                "ВПР {year}, {grade} класс, {subject}: {} участников без отметок",
                st.participants
            ),
        );
    }
    for m in p.mark.iter().flatten() {
        st.marks[(*m - 2) as usize] += 1;
    }
    st.schools_with_participants = p
        .school
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    rep.pupils = Some(st);
    Ok(Judged {
        pupils: p,
        names: f.names,
        file: f.file,
        with_marks: scale.is_some(),
    })
}

/// The storing half of [`finish`]: the judged pupils aggregated per school to results, journal
/// comparison, joint mark–score counts and histograms in `ds`, and their schools' logins and names.
pub(in crate::input) fn store(
    j: Judged,
    meta: &Meta,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let (year, grade, subject) = (meta.year, meta.grade, meta.subject.clone());
    let names = j.names;
    super::aggregate::aggregate(
        &j.pupils,
        year,
        grade,
        &subject,
        "ВПР",
        j.with_marks,
        &j.file,
        ds,
        &names,
    )?;
    for (sid, (login, mun, sname)) in names {
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid.clone(),
                ..Default::default()
            })
        });
        if e.login.is_empty() || (login.starts_with("edu") && !e.login_listed) {
            e.login = login;
        }
        let (code, name) = mun.split_once('|').unwrap_or(("", &mun));
        if !code.is_empty() && !name.is_empty() {
            ds.municipality_codes
                .insert(crate::input::text::municipality_key(name), code.to_string());
        }
        let facts = crate::input::notes::SchoolFacts {
            name: &sname,
            municipality: name,
            municipality_code: code,
            ..Default::default()
        };
        crate::input::notes::merge(
            e,
            crate::input::notes::SchoolSource::Results,
            &facts,
            &mut rep.warnings,
        );
    }
    Ok(())
}
