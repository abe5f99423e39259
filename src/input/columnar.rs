//! Fast path for large CSV tables (marks, risk profiles) at national scale: ranges of the file
//! are parsed side by side, values are checked record by record and each distinct
//! text (login, subject, municipality, factor) is normalised once. A file the fast path does not
//! accept as clean (an aggregate row, a non-numeric count, a title line, a quoted line break, a
//! duplicate key…) goes back to the row loader, which handles the unusual shape or gives the
//! precise error — so both paths give the same dataset (tested in `columnar_tests`).
use super::flat::{is_aggregate_row, keys, mark_columns, mark_counts};
use super::header::{self, Header};
use super::notes::{note_into, note_school, noted};
use super::report::InputReport;
use super::slices::{read_records, split, Distinct, Range, Record, SLICE_BYTES};
use super::table::CsvText;
use super::text::{looks_like_login, parse_num, school_id, split_code_name, subject};
use super::Meta;
use crate::model::{
    count, line_no, risk_factor, risk_level, Dataset, OptCount, ResultRow, RiskRow, SchoolRow, Sym,
};
use polars::prelude::{PlHashMap, PlHashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::mem::MaybeUninit;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Append `rows`, moving the vector itself when `dst` is empty (no second copy of a national table).
fn move_into<T>(dst: &mut Vec<T>, mut rows: Vec<T>) {
    if dst.is_empty() {
        *dst = rows;
    } else {
        dst.append(&mut rows);
    }
}

/// Rows a file will give, from its size and the line length of its head (for reserving).
fn estimated_rows(path: &Path, head: &CsvText) -> usize {
    let lines = head.text.lines().count().max(1);
    let size = std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    size / (head.text.len() / lines).max(1) * 21 / 20
}

/// A year cell: a whole number 2000–2099, else the file's year when there is no column.
fn year_of(v: Option<f64>, has_col: bool, meta: &Meta) -> Option<i32> {
    match v {
        Some(v) if (2000.0..2100.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
        _ if !has_col && meta.year > 0 => Some(meta.year),
        _ => None,
    }
}

/// State of a marks table read slice by slice.
struct Marks<'m> {
    k: super::flat::Keys,
    cp: usize,
    cm: [usize; 4],
    cmean: Option<usize>,
    meta: &'m Meta,
    source: Sym,
    /// per distinct text: (school id, is a login, login) / name / municipality / subject / assessment
    logins: Distinct<(Sym, bool, String)>,
    names: Distinct<String>,
    /// municipality: (name for results, cell as read for the school registry)
    muns: Distinct<(Sym, String)>,
    subjects: Distinct<Sym>,
    assessments: Distinct<Sym>,
    aggregate: PlHashMap<(u32, u32, bool), bool>,
    meta_subject: Option<Sym>,
    meta_assessment: Sym,
    reconstructed: Vec<usize>,
    years: BTreeSet<i32>,
    last_year: Option<i32>,
    /// (login, name, municipality) indices, noted once the whole file is accepted
    notes: Vec<(u32, u32, u32)>,
    noted: PlHashSet<(u32, u32, u32)>,
}

impl Marks<'_> {
    fn record(&mut self, r: &Record, line: usize, rows: &mut Sink) -> Option<()> {
        let k = &self.k;
        let y = year_of(r.num(k.year).ok()?, k.year.is_some(), self.meta)?;
        let g = match (k.grade, r.num(k.grade).ok()?) {
            (None, _) => self.meta.grade,
            (Some(_), None) => 0,
            (Some(_), Some(v)) if (1.0..=11.0).contains(&v) => v as i32,
            _ => return None,
        };
        let li = self
            .logins
            .index(r.text(Some(k.login)).unwrap_or(b""), |s| {
                let (code, name0) = split_code_name(s);
                let l = code.unwrap_or(name0);
                Some((Sym::new(&school_id(&l)), looks_like_login(&l), l))
            })?;
        let ni = self.names.index(r.text(k.name).unwrap_or(b""), |s| {
            Some(split_code_name(s).1)
        })?;
        let raw_mun = r.text(k.municipality).unwrap_or(b"").trim_ascii();
        let mi = self.muns.index(raw_mun, |m| {
            Some((Sym::new(&split_code_name(m).1), m.to_string()))
        })?;
        let (sid, is_login, login_code) = &self.logins.values[li as usize];
        let sid = *sid;
        // codes that are not logins (ГИА codes, names): aggregate labels decided once per text
        if !is_login {
            let school_name = &self.names.values[ni as usize];
            let agg = *self
                .aggregate
                .entry((li, ni, raw_mun.is_empty()))
                .or_insert_with(|| is_aggregate_row(login_code, school_name, !raw_mun.is_empty()));
            if login_code.is_empty() || agg {
                return None;
            }
        }
        let subject = match r.text(k.subject) {
            Some(s) => *self.subjects.get(s, |s| subject(s).map(Sym::from))?,
            None if k.subject.is_none() => self.meta_subject?,
            None => return None,
        };
        let assessment = match r.text(k.assessment) {
            Some(a) if !a.trim_ascii().is_empty() => *self
                .assessments
                .get(a, |a| Some(Sym::from(a.trim().to_uppercase())))?,
            _ => self.meta_assessment,
        };
        let vals = [
            r.num(Some(self.cm[0])).ok()?,
            r.num(Some(self.cm[1])).ok()?,
            r.num(Some(self.cm[2])).ok()?,
            r.num(Some(self.cm[3])).ok()?,
        ];
        let p = r.num(Some(self.cp)).ok()??;
        let pc = count(p)?;
        if vals.iter().flatten().any(|v| *v < 0.0) {
            return None;
        }
        let (counts, rec) = mark_counts(p, vals)?;
        // each distinct (login, name, municipality) once: noting it again changes nothing
        if self.notes.last() != Some(&(li, ni, mi)) && self.noted.insert((li, ni, mi)) {
            self.notes.push((li, ni, mi));
        }
        if rec {
            self.reconstructed.push(line);
        }
        if self.last_year != Some(y) {
            self.years.insert(y);
            self.last_year = Some(y);
        }
        // the row loader reads a mean it cannot parse as none
        let mean_score = r
            .text(self.cmean)
            .and_then(|f| parse_num(std::str::from_utf8(f).ok()?).ok().flatten());
        rows.push(ResultRow {
            year: y,
            school_id: sid,
            municipality: self.muns.values[mi as usize].0,
            assessment,
            subject,
            grade: g,
            participants: pc,
            n2: counts[0].into(),
            n3: counts[1].into(),
            n4: counts[2].into(),
            n5: counts[3].into(),
            reconstructed: rec,
            mean_score: mean_score.into(),
            high: counts[3].into(),
            high2: OptCount::NONE,
            source: self.source,
            line: line_no(line),
        });
        Some(())
    }
}

/// The rows of one range of a marks table, written straight into that range's block of the
/// file's result vector, so that joining the ranges moves rows within memory already written
/// instead of copying them into fresh memory; rows beyond the block's room go to `spill`.
struct Sink<'s> {
    slots: &'s mut [MaybeUninit<ResultRow>],
    n: usize,
    spill: Vec<ResultRow>,
}

impl Sink<'_> {
    fn push(&mut self, row: ResultRow) {
        match self.slots.get_mut(self.n) {
            Some(slot) => {
                slot.write(row);
                self.n += 1;
            }
            None => self.spill.push(row),
        }
    }
}

/// The rows of ranges written into consecutive blocks of `results`' spare capacity (`blocks`:
/// each block's room and the rows written at its start, with those beyond its room), joined in
/// range order; rows of every range after the first get `base` added to their line.
fn join_blocks(
    results: &mut Vec<ResultRow>,
    blocks: Vec<(usize, usize, Vec<ResultRow>)>,
    mut base: impl FnMut(usize) -> usize,
) {
    let spare = results.spare_capacity_mut();
    let (mut at, mut start) = (0, 0);
    let mut ends = Vec::with_capacity(blocks.len());
    for &(room, n, _) in &blocks {
        if start != at {
            // `MaybeUninit<ResultRow>` is `Copy`: moving written rows down is a plain copy
            spare.copy_within(start..start + n, at);
        }
        ends.push(at + n);
        at += n;
        start += room;
    }
    // SAFETY: slots 0..at hold rows: each block's first n slots were written by its sink (in
    // order, from the block's start) and moved, block after block, to follow the blocks before it
    unsafe { results.set_len(at) };
    for (k, (_, n, mut spill)) in blocks.into_iter().enumerate().rev() {
        if k > 0 {
            let b = base(k);
            for r in results[ends[k] - n..ends[k]]
                .iter_mut()
                .chain(spill.iter_mut())
            {
                r.line = line_no(r.line as usize + b);
            }
        }
        if !spill.is_empty() {
            results.splice(ends[k]..ends[k], spill);
        }
    }
}

/// The distinct texts of one range of a marks table, as its reader normalised them.
#[derive(Default)]
struct NoteTexts {
    logins: Vec<(Sym, bool, String)>,
    names: Vec<String>,
    muns: Vec<(Sym, String)>,
}

/// A note's (school id, login, name, municipality as read).
fn note_of<'t>(
    texts: &'t [NoteTexts],
    &(k, li, ni, mi): &Note,
) -> (Sym, &'t str, &'t str, &'t str) {
    let t = &texts[k as usize];
    let (sid, _, login) = &t.logins[li as usize];
    (*sid, login, &t.names[ni as usize], &t.muns[mi as usize].1)
}

/// A school as a row names it: (range, login, name, municipality) indices into `NoteTexts`.
type Note = (u32, u32, u32, u32);

/// What the fast path read from one file. Files are read in parallel; their parts are
/// applied to the dataset in path order, so the result does not depend on which finished first.
#[derive(Default)]
pub struct Part {
    results: Vec<ResultRow>,
    risk: Vec<RiskRow>,
    /// The texts notes refer to, per range of the file: logins, names, municipalities as read.
    texts: Vec<NoteTexts>,
    /// Schools as rows name them, in file order (the texts are moved from the readers, not
    /// copied per note).
    notes: Vec<Note>,
    /// The schools and municipality codes the notes give a dataset that has none yet, built on
    /// the reader's thread when the file is the first input (`Source::first`).
    prebuilt: Option<NewSchools>,
    rows: usize,
    years: Vec<i32>,
    schools: usize,
    reconstructed: Vec<usize>,
}

impl Part {
    pub fn apply(mut self, ds: &mut Dataset, rep: &mut InputReport) {
        if ds.schools.is_empty() && ds.municipality_codes.is_empty() {
            (ds.schools, ds.municipality_codes) = self
                .prebuilt
                .take()
                .unwrap_or_else(|| schools_anew(&self.texts, &self.notes));
        } else {
            for note in &self.notes {
                let (sid, login, name, mun) = note_of(&self.texts, note);
                note_school(ds, &sid, login, name, mun);
            }
        }
        rep.rows += self.rows;
        rep.years = self.years;
        rep.schools = self.schools;
        for line in &self.reconstructed {
            rep.warnings.add(
                "counts reconstructed from percents",
                format!("строка {line}"),
            );
        }
        move_into(&mut ds.results, self.results);
        move_into(&mut ds.risk, self.risk);
    }
}

/// Schools and municipality codes, as a dataset holds them.
type NewSchools = (BTreeMap<String, Box<SchoolRow>>, BTreeMap<String, String>);

/// The schools and codes `note_school` gives a dataset that has none yet: each school found by
/// its symbol while the notes are read in file order, then the map built at once from the rows
/// sorted by id, instead of two searches by text per note and inserts one by one.
fn schools_anew(texts: &[NoteTexts], notes: &[Note]) -> NewSchools {
    let mut codes = BTreeMap::new();
    let mut at: PlHashMap<Sym, usize> = PlHashMap::default();
    let mut rows: Vec<Box<SchoolRow>> = Vec::new();
    for note in notes {
        let (sid, login, name, mun) = note_of(texts, note);
        let e = match at.get(&sid) {
            Some(&i) => {
                let e = &mut rows[i];
                if noted(e, login, mun) {
                    continue;
                }
                e
            }
            None => {
                at.insert(sid, rows.len());
                rows.push(Box::new(SchoolRow {
                    school_id: sid.to_string(),
                    ..Default::default()
                }));
                rows.last_mut().unwrap()
            }
        };
        note_into(e, &mut codes, login, name, mun);
    }
    rows.sort_unstable_by(|a, b| a.school_id.cmp(&b.school_id));
    let schools = rows.into_iter().map(|r| (r.school_id.clone(), r)).collect();
    (schools, codes)
}

/// A CSV file for the fast path, as detection found it.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a Path,
    /// Its first lines, decoded (encoding and separator).
    pub head: &'a CsvText,
    /// Its header, on the first line.
    pub header: &'a Header,
    pub meta: &'a Meta,
    /// Raised when loading stopped on another file's error: the read ends between two slices.
    pub stop: &'a AtomicBool,
    /// Ranges of a large file read on as many threads (1: the whole file on the caller's).
    pub parts: usize,
    /// No input is applied before this one: its schools may be built while it is read.
    pub first: bool,
}

/// A `marks` or `risk` CSV read by the fast path; None when the file needs the row loader.
pub fn read(kind: &str, src: &Source) -> Option<Part> {
    match kind {
        "marks" => read_marks(src),
        "risk" => read_risk(src),
        _ => None,
    }
}

/// A marks table read by the fast path; None when the file needs the row loader. A
/// large file is read in `src.parts` ranges on as many threads, joined in file order.
fn read_marks(src: &Source) -> Option<Part> {
    let Source {
        path,
        head,
        header: h,
        meta,
        ..
    } = *src;
    let (cp, cm) = (h.find(header::PARTICIPANTS)?, mark_columns(h)?);
    let ranges = split(path, src.parts)?;
    let size = ranges.last()?.end.max(1);
    let estimated = estimated_rows(path, head) as u64;
    let source = Sym::new(&path.display().to_string());
    let halt = AtomicBool::new(false);
    // each range's room from its share of the bytes (the estimate holds a margin of 5 %)
    let room: Vec<usize> = ranges
        .iter()
        .map(|r| (estimated * (r.end - r.start) / size) as usize + 1024)
        .collect();
    let mut results: Vec<ResultRow> = Vec::with_capacity(room.iter().sum());
    let mut blocks: Vec<&mut [MaybeUninit<ResultRow>]> = Vec::with_capacity(room.len());
    let mut rest = results.spare_capacity_mut();
    for &n in &room {
        let (block, after) = std::mem::take(&mut rest).split_at_mut(n);
        blocks.push(block);
        rest = after;
    }
    let read_range = |r: Range, slots| -> (Option<Marks>, Sink) {
        let mut rows = Sink {
            slots,
            n: 0,
            spill: Vec::new(),
        };
        let mut st = Marks {
            k: keys(h),
            cp,
            cm,
            cmean: h.find(&["средний балл", "mean_score"]),
            meta,
            source,
            logins: Distinct::new(),
            names: Distinct::new(),
            muns: Distinct::new(),
            subjects: Distinct::new(),
            assessments: Distinct::new(),
            aggregate: PlHashMap::default(),
            meta_subject: (!meta.subject.is_empty()).then(|| Sym::new(&meta.subject)),
            meta_assessment: Sym::new(&meta.assessment),
            reconstructed: Vec::new(),
            years: BTreeSet::new(),
            last_year: None,
            notes: Vec::new(),
            noted: PlHashSet::default(),
        };
        if !read_records(src, r, SLICE_BYTES, &halt, |rec, line| {
            st.record(rec, line, &mut rows).is_some()
        }) {
            // the other ranges stop at their next slice
            halt.store(true, Ordering::Relaxed);
            return (None, rows);
        }
        (Some(st), rows)
    };
    let (parts, sinks): (Vec<Option<Marks>>, Vec<Sink>) = std::thread::scope(|sc| {
        let mut blocks = blocks.into_iter();
        let first_block = blocks.next().unwrap();
        let later: Vec<_> = ranges[1..]
            .iter()
            .zip(blocks)
            .map(|(&r, b)| sc.spawn(move || read_range(r, b)))
            .collect();
        let first = read_range(ranges[0], first_block);
        std::iter::once(first)
            .chain(
                later
                    .into_iter()
                    .map(|t| t.join().expect("a reader thread panicked")),
            )
            .unzip()
    });
    let blocks: Vec<(usize, usize, Vec<ResultRow>)> = room
        .iter()
        .zip(sinks)
        .map(|(&room, s)| (room, s.n, s.spill))
        .collect();
    let parts: Vec<Marks> = parts.into_iter().collect::<Option<_>>()?;
    // every record became a row: a later range's lines follow those of the ranges before it
    let counts: Vec<usize> = blocks.iter().map(|(_, n, s)| n + s.len()).collect();
    let bases: Vec<usize> = (0..counts.len())
        .map(|k| 2 + counts[..k].iter().sum::<usize>())
        .collect();
    let mut reconstructed = Vec::new();
    for (k, p) in parts.iter().enumerate() {
        let b = if k == 0 { 0 } else { bases[k] };
        reconstructed.extend(p.reconstructed.iter().map(|l| l + b));
    }
    let schools = parts
        .iter()
        .flat_map(|st| st.logins.values.iter().map(|(sid, _, _)| *sid))
        .collect::<PlHashSet<_>>()
        .len();
    // a school's notes in file order; one noted again by a later range changes nothing
    let notes: Vec<Note> = parts
        .iter()
        .enumerate()
        .flat_map(|(k, st)| {
            st.notes
                .iter()
                .map(move |&(li, ni, mi)| (k as u32, li, ni, mi))
        })
        .collect();
    let years: BTreeSet<i32> = parts.iter().flat_map(|p| p.years.iter().copied()).collect();
    let texts: Vec<NoteTexts> = parts
        .into_iter()
        .map(|st| NoteTexts {
            logins: st.logins.values,
            names: st.names.values,
            muns: st.muns.values,
        })
        .collect();
    // the first input to name schools: its schools are built beside the joining of the blocks
    let prebuilt = std::thread::scope(|sc| {
        let built = src.first.then(|| sc.spawn(|| schools_anew(&texts, &notes)));
        join_blocks(&mut results, blocks, |k| bases[k]);
        built.map(|t| t.join().expect("a school builder panicked"))
    });
    Some(Part {
        rows: results.len(),
        years: years.into_iter().collect(),
        schools,
        texts,
        notes,
        prebuilt,
        reconstructed,
        results,
        ..Default::default()
    })
}

/// A long risk-profile table (`login, year, factor, level`) read by the fast path; None
/// when the file needs the row loader (wide layout, unknown text, a repeated key…).
fn read_risk(src: &Source) -> Option<Part> {
    let Source {
        path,
        head,
        header: h,
        meta,
        ..
    } = *src;
    if !super::risk::is_long(h) {
        return None;
    }
    let (cl, cy) = (h.find(header::LOGIN).unwrap(), h.find(header::YEAR));
    let (cf, clev) = super::risk::long_columns(h);
    let mut ids: Distinct<Sym> = Distinct::new();
    let mut factors: Distinct<u8> = Distinct::new();
    let mut levels: Distinct<u8> = Distinct::new();
    let mut rows = Vec::with_capacity(estimated_rows(path, head));
    let mut record = |r: &Record| -> Option<()> {
        // an empty login is a skipped row in the row loader: leave such files to it
        let raw = r
            .text(Some(cl))
            .map(<[u8]>::trim_ascii)
            .filter(|l| !l.is_empty())?;
        let y = year_of(r.num(cy).ok()?, cy.is_some(), meta)?;
        let idx = ids.index(raw, |s| Some(Sym::new(&school_id(s))))?;
        let &f = factors.get(r.text(Some(cf))?, risk_factor)?;
        let &lv = levels.get(r.text(Some(clev))?, risk_level)?;
        rows.push(RiskRow {
            school_id: ids.values[idx as usize],
            year: y,
            factor: f,
            level: lv,
        });
        Some(())
    };
    // one range: a risk table's rows are cheap to build next to its parse
    let whole = split(path, 1)?[0];
    let halt = AtomicBool::new(false);
    if !read_records(src, whole, SLICE_BYTES, &halt, |rec, _| {
        record(rec).is_some()
    }) {
        return None;
    }
    // in the model's order here, beside the reading of other files, not after them all; then a
    // repeated (school, year, factor) sits next to its first: the row loader tells exact repeats
    // from conflicts
    crate::model::order::order_risk(&mut rows);
    if rows.windows(2).any(|w| {
        (w[0].school_id, w[0].year, w[0].factor) == (w[1].school_id, w[1].year, w[1].factor)
    }) {
        return None;
    }
    // sch/edu spellings of one login are one school: the row loader tells repeats apart
    let distinct: PlHashSet<&Sym> = ids.values.iter().collect();
    if distinct.len() != ids.values.len() {
        return None;
    }
    Some(Part {
        rows: rows.len(),
        schools: distinct.len(),
        risk: rows,
        ..Default::default()
    })
}

#[cfg(test)]
#[path = "columnar_tests.rs"]
mod tests;
