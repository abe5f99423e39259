//! The canonical model: the frames the loaders return (`results`, `schools`, `risk_profiles` and
//! the `tables`), and the polars frames of METHOD.md §0 built from them (`frames`).
mod by_name;
mod kind;
pub use kind::Kind;
mod indicators;
pub use indicators::{IndicatorKey, IndicatorKeys, Indicators};
pub mod context_years;
pub mod domain;
pub mod frames;
pub mod identity;
pub mod order;
pub mod schema;
pub mod schools;
pub mod tables;
pub mod warning;

use serde::Serialize;
use std::collections::BTreeMap;

/// A text shared by the rows that carry it (a clone is a reference count, not a copy); compared,
/// hashed and ordered by its content.
pub type Sym = std::sync::Arc<str>;

/// A count of pupils in a result row (4 bytes: a national table holds 1.35 M rows of them).
pub type Count = i32;

/// A count that may be missing, in 4 bytes (`Option<Count>` takes 8): `i32::MIN` stands for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptCount(Count);

impl OptCount {
    pub const NONE: OptCount = OptCount(Count::MIN);
    pub fn get(self) -> Option<Count> {
        (self != Self::NONE).then_some(self.0)
    }
    pub fn is_some(self) -> bool {
        self != Self::NONE
    }
    pub fn is_none(self) -> bool {
        self == Self::NONE
    }
}

impl From<Option<Count>> for OptCount {
    fn from(v: Option<Count>) -> Self {
        match v {
            Some(c) => {
                debug_assert!(c != Count::MIN);
                OptCount(c)
            }
            None => Self::NONE,
        }
    }
}

impl From<Count> for OptCount {
    fn from(c: Count) -> Self {
        Some(c).into()
    }
}

/// A score that may be missing, in 8 bytes (`Option<f64>` takes 16): NaN stands for none, and
/// equality compares bits, so two missing scores are equal.
#[derive(Debug, Clone, Copy)]
pub struct OptScore(f64);

impl OptScore {
    pub const NONE: OptScore = OptScore(f64::NAN);
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

impl PartialEq for OptScore {
    fn eq(&self, o: &Self) -> bool {
        self.0.to_bits() == o.0.to_bits()
    }
}

impl From<Option<f64>> for OptScore {
    fn from(v: Option<f64>) -> Self {
        v.filter(|x| !x.is_nan()).map_or(Self::NONE, OptScore)
    }
}

/// A file's line number as a result row keeps it (4 bytes; beyond `u32::MAX` lines it saturates).
pub fn line_no(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// One (year, school, assessment, subject, grade) result row.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub year: i32,
    pub school_id: Sym,
    pub municipality: Sym,
    pub assessment: Sym,
    pub subject: Sym,
    pub grade: i32,
    pub participants: Count,
    /// Below the minimum: mark «2» (ВПР/ОГЭ) or below the subject's minimum score (ЕГЭ).
    pub n2: OptCount,
    pub n3: OptCount,
    pub n4: OptCount,
    pub n5: OptCount,
    /// Counts rebuilt from percentages (p × participants, rounded half away from zero).
    pub reconstructed: bool,
    pub mean_score: OptScore,
    /// High results: «5» / 80+ points / ≥ 220 on three exams (Moscow).
    pub high: OptCount,
    /// Second high-result count where the source has one (Moscow: ≥ 160).
    pub high2: OptCount,
    pub source: Sym,
    pub line: u32,
}

/// A whole, non-negative number of pupils that fits a `Count`.
pub fn count(v: f64) -> Option<Count> {
    (v >= 0.0 && v.fract() == 0.0 && v <= Count::MAX as f64).then_some(v as Count)
}

impl ResultRow {
    /// (year, school, assessment, subject, grade): one row per key.
    pub fn key(&self) -> (i32, &str, &str, &str, i32) {
        (
            self.year,
            &self.school_id,
            &self.assessment,
            &self.subject,
            self.grade,
        )
    }
    /// A grade-4 ВПР row with `n2` marks «2» and the rest «3» (unit tests).
    #[cfg(test)]
    pub fn for_test(
        year: i32,
        sid: &str,
        subject: &str,
        participants: Count,
        n2: Count,
    ) -> ResultRow {
        ResultRow {
            year,
            school_id: sid.into(),
            municipality: Sym::from("м"),
            assessment: Sym::from("ВПР"),
            subject: Sym::from(subject),
            grade: 4,
            participants,
            n2: n2.into(),
            n3: (participants - n2).into(),
            n4: 0.into(),
            n5: 0.into(),
            reconstructed: false,
            mean_score: OptScore::NONE,
            high: 0.into(),
            high2: OptCount::NONE,
            source: Sym::from("t"),
            line: 0,
        }
    }
    pub fn same_values(&self, o: &ResultRow) -> bool {
        self.participants == o.participants
            && self.n2 == o.n2
            && self.n3 == o.n3
            && self.n4 == o.n4
            && self.n5 == o.n5
            && self.high == o.high
    }
}

/// One school's registry/context record (merged across inputs).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SchoolRow {
    pub school_id: String,
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub municipality_code: String,
    /// «город» or «село».
    pub settlement: Option<&'static str>,
    /// Kind flags as read: explicit kind from a registry wins over derived flags.
    pub kind: Option<Kind>,
    pub ovz_flag: bool,
    pub advanced_flag: bool,
    pub enrollment: Option<f64>,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    pub gia_code: Option<String>,
    pub indicators: Indicators,
    /// The files that named the school.
    pub sources: Vec<Sym>,
    /// Which source gave each merged fact (`input::notes::merge`).
    #[serde(skip)]
    pub merged: Merged,
    /// `login` is a registry's or context form's spelling, which a result table's does not replace
    /// (`input::context`: the spelling the school list uses is the one shown).
    #[serde(skip)]
    pub login_listed: bool,
    /// A registry row of the school was stored (`input::registry`): a later registry row, of
    /// another file, fills only what it left empty.
    #[serde(skip)]
    pub from_registry: bool,
}

/// For each fact the school-merge policy merges (name, municipality, municipality code, kind,
/// settlement): the rank of the source that gave the kept value (0: none yet), the year of that
/// source (0: none — a registry, a directory), and whether a disagreement on it was counted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Merged {
    pub rank: [u8; 5],
    pub year: [i32; 5],
    pub reported: [bool; 5],
}

/// One (school, year, factor) level of a risk profile.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    pub school_id: Sym,
    pub year: i32,
    /// Position in `RISK_FACTORS`, the canonical order.
    pub factor: u8,
    /// 0 low, 1 medium, 2 high
    pub level: u8,
}

impl RiskRow {
    /// A row of school `school_id`'s profile in `year`: `factor` its position in `RISK_FACTORS`,
    /// `level` 0 low, 1 medium, 2 high.
    pub fn new(school_id: &str, year: i32, factor: u8, level: u8) -> RiskRow {
        RiskRow {
            school_id: school_id.into(),
            year,
            factor,
            level,
        }
    }
    pub fn factor_name(&self) -> &'static str {
        RISK_FACTORS[self.factor as usize]
    }
}

/// The ten risk-profile factors (FORMATS.md), canonical spelling and order.
pub static RISK_FACTORS: [&str; 10] = [
    "Низкий уровень оснащения школы",
    "Дефицит педагогических кадров",
    "Недостаточная предметная и методическая компетентность педагогических работников",
    "Высокая доля обучающихся с рисками учебной неуспешности",
    "Низкая учебная мотивация обучающихся",
    "Пониженный уровень школьного благополучия",
    "Низкий уровень вовлеченности родителей",
    "Низкий уровень дисциплины в классе",
    "Высокая доля обучающихся с ОВЗ",
    "Низкое качество преодоления языковых и культурных барьеров",
];

/// Match a factor name tolerantly (case, ё/е, «школы» present or not): its position in
/// `RISK_FACTORS`.
pub fn risk_factor(s: &str) -> Option<u8> {
    static KEYS: std::sync::OnceLock<Vec<(String, u8)>> = std::sync::OnceLock::new();
    // a caption numbered as ФИС ОКО numbers its questions («1. Высокая доля …»; fresh-eyes run 12)
    let key = |x: &str| {
        let t = crate::input::text::norm_text(x);
        let unnumbered = t
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['.', ')'])
            .trim_start();
        let t = match unnumbered.len() < t.len() && t.starts_with(|c: char| c.is_ascii_digit()) {
            true => unnumbered.to_string(),
            false => t,
        };
        t.replace(" школы", "").replace(['«', '»', '"'], "")
    };
    let keys = KEYS.get_or_init(|| {
        (0u8..)
            .zip(RISK_FACTORS.iter())
            .map(|(i, f)| (key(f), i))
            .collect()
    });
    let k = key(s);
    keys.iter().find(|(fk, _)| *fk == k).map(|(_, f)| *f)
}

/// The risk levels by their number in a profile (0 low, 1 medium, 2 high), as ФИС ОКО writes them.
pub const RISK_LEVELS: [&str; 3] = ["низкий", "средний", "высокий"];

pub fn risk_level(s: &str) -> Option<u8> {
    match crate::input::text::norm_text(s).as_str() {
        "низкий" | "low" | "0" => Some(0),
        "средний" | "medium" | "1" => Some(1),
        "высокий" | "high" | "2" => Some(2),
        _ => None,
    }
}

/// Everything the loaders produced: canonical frames (`schema`), and the loading side's parts
/// (`result_parts`, `pending`, `risk_parts`, `pending_tables`, `book`) that `identity::finalize`
/// turns into them.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The canonical `results` frame (`schema::results`, no derived columns): after
    /// `identity::finalize`, in the model's order (year, school, assessment, grade, subject, then
    /// source and line) with one row per (year, school, assessment, subject, grade).
    pub results: polars::prelude::DataFrame,
    /// Each loaded sheet's results (`schema::results`), until `identity::finalize` joins them.
    pub result_parts: Vec<polars::prelude::DataFrame>,
    /// Rows of the loader that runs now (a grid walker), until its sheet's end turns them into a
    /// frame (`push_result`, `flush_rows`).
    pub(crate) pending: Vec<ResultRow>,
    /// `results` as rows, built on first use (`result_rows`: the test oracles only; the method and
    /// the outputs read the frame).
    #[cfg(test)]
    pub(crate) rows: std::sync::OnceLock<Vec<ResultRow>>,
    /// The canonical `schools` frame (`schema::schools`): after `identity::finalize`, one row per
    /// school id in ascending id order (`schools::View` finds one); the context tables' values of
    /// the selection year laid over it by `context_years::use_year`.
    pub schools: polars::prelude::DataFrame,
    /// The loaders' schools by id, merged under the one school-merge policy (docs/INPUTS.md),
    /// until `identity::finalize` turns them into `schools`.
    pub(crate) book: schools::Book,
    /// The canonical `risk_profiles` frame (`schema::risk_profiles`): after
    /// `identity::finalize`, by school, year and factor (file order among equals).
    pub risk: polars::prelude::DataFrame,
    /// Each loaded sheet's risk profiles, until `identity::finalize` joins them.
    pub risk_parts: Vec<order::RiskPart>,
    /// The canonical `journal`, `markers`, `histograms`, `mark_scores`, `reference`, `boundaries`
    /// and `maxima` frames (`tables::Tables`).
    pub tables: tables::Tables,
    /// The rows of those frames the loader that runs now pushed, until its sheet's end appends
    /// them to `tables` (`flush_rows`).
    pub(crate) pending_tables: tables::Pending,
    /// Municipality name key → ФИС ОКО code, from inputs that carry both.
    pub municipality_codes: BTreeMap<String, String>,
    /// Context tables keyed by code and year, laid over `schools` for one year
    /// (`context_years::use_year`).
    pub context_years: context_years::ContextYears,
    /// Schools known only by name: the crosswalk files' name → login pairs and, after
    /// `identity::finalize`, how each name was matched.
    pub names: identity::Names,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            results: schema::empty(&schema::results()),
            result_parts: Vec::new(),
            pending: Vec::new(),
            #[cfg(test)]
            rows: Default::default(),
            schools: schema::empty(&schema::schools()),
            book: Default::default(),
            risk: schema::empty(&schema::risk_profiles()),
            risk_parts: Vec::new(),
            tables: Default::default(),
            pending_tables: Default::default(),
            municipality_codes: Default::default(),
            context_years: Default::default(),
            names: Default::default(),
        }
    }
}

impl Dataset {
    /// A row loader's result row; `flush_rows` turns the rows into a frame at its sheet's end.
    pub fn push_result(&mut self, row: ResultRow) {
        self.pending.push(row);
    }
    /// The rows pushed since the last flush: the results as one frame in `result_parts`, the
    /// other tables' appended to `tables`.
    ///
    /// Errors: none on rows of the declared types (a failure is a bug).
    pub fn flush_rows(&mut self) -> anyhow::Result<()> {
        self.pending_tables.flush(&mut self.tables)?;
        if !self.pending.is_empty() {
            let rows = std::mem::take(&mut self.pending);
            self.result_parts.push(frames::results_frame(&rows)?);
        }
        Ok(())
    }
    /// Replace the results by `rows` (tests and synthetic data; no ordering or de-duplication).
    pub fn set_results(&mut self, rows: &[ResultRow]) {
        self.results = frames::results_frame(rows).expect("rows of the declared types");
        #[cfg(test)]
        {
            self.rows = Default::default();
        }
    }
    /// Replace the results frame (its rows view follows).
    pub fn set_frame(&mut self, df: polars::prelude::DataFrame) {
        self.results = df;
        #[cfg(test)]
        {
            self.rows = Default::default();
        }
    }
    /// `results` as rows (built once; see the field `rows`).
    #[cfg(test)]
    pub fn result_rows(&self) -> &[ResultRow] {
        self.rows
            .get_or_init(|| frames::rows_of(&self.results).expect("the results schema"))
    }
    /// The `schools` frame's lookup by school id.
    pub fn school_view(&self) -> schools::View<'_> {
        schools::View::new(&self.schools)
    }
    /// Replace the schools by `rows` (tests: a dataset built by hand, without `finalize`).
    #[cfg(test)]
    pub fn set_schools(&mut self, rows: impl IntoIterator<Item = SchoolRow>) {
        let book: schools::Book = rows
            .into_iter()
            .map(|r| (r.school_id.clone(), Box::new(r)))
            .collect();
        self.schools = schools::frame(&book).expect("rows of the declared types");
    }
    /// The distinct years of `results`, ascending.
    pub fn result_years(&self) -> std::collections::BTreeSet<i32> {
        self.results
            .column(schema::col::YEAR)
            .and_then(|c| c.unique())
            .ok()
            .and_then(|c| c.i32().ok().map(|y| y.iter().flatten().collect()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::{line_no, IndicatorKey, Indicators, OptCount, OptScore};

    #[test]
    fn compact_fields_keep_their_values() {
        assert_eq!(OptCount::from(Some(0)).get(), Some(0));
        assert_eq!(OptCount::from(7).get(), Some(7));
        assert_eq!(OptCount::from(None).get(), None);
        assert!(OptCount::NONE.is_none() && OptCount::from(-3).is_some());
        assert_eq!(OptScore::from(Some(14.25)).get(), Some(14.25));
        assert_eq!(OptScore::from(None), OptScore::NONE);
        assert_eq!(OptScore::from(Some(f64::NAN)), OptScore::NONE);
        assert_ne!(OptScore::from(Some(0.0)), OptScore::NONE);
        assert_eq!(line_no(60_002), 60_002);
        assert_eq!(line_no(usize::MAX), u32::MAX);
    }

    #[test]
    fn indicators_keep_name_order_and_replace_values() {
        let mut ind = Indicators::default();
        assert_eq!(ind.insert("low_income", 0.3), None);
        assert_eq!(ind.insert("at_risk_register", 0.01), None);
        assert_eq!(ind.insert("vacancy_share", 0.1), None);
        assert_eq!(ind.insert("low_income", 0.25), Some(0.3));
        assert_eq!(ind.get("low_income"), Some(&0.25));
        assert!(ind.contains_key("at_risk_register") && !ind.contains_key("teachers"));
        assert_eq!(
            serde_json::to_string(&ind).unwrap(),
            r#"{"at_risk_register":0.01,"low_income":0.25,"vacancy_share":0.1}"#
        );
        // a second source's values merge into the first's; unsorted values are inserted one by one
        ind.set_all(&[("internet_mbps", 50.0), ("low_income", 0.2)]);
        let mut fresh = Indicators::default();
        fresh.set_all(&[("vacancy_share", 0.1), ("at_risk_register", 0.01)]);
        fresh.set_all(&[("internet_mbps", 50.0), ("low_income", 0.2)]);
        assert_eq!(
            serde_json::to_string(&ind).unwrap(),
            serde_json::to_string(&fresh).unwrap()
        );
        assert_eq!(ind.get("low_income"), Some(&0.2));
        let keys = [
            "absent",
            "at_risk_register",
            "internet_mbps",
            "vacancy_share",
            "zzz",
        ];
        let vals: Vec<Option<f64>> = ind.values_of(&keys).collect();
        assert_eq!(vals, [None, Some(0.01), Some(50.0), Some(0.1), None]);
        // names stored as other allocations of the same texts match by text
        let owned: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let keys2: Vec<&str> = owned.iter().map(String::as_str).collect();
        assert!(ind.values_of(&keys2).eq(vals.iter().copied()));
        assert_eq!(Indicators::default().values_of(&keys).flatten().count(), 0);
        // names resolved once store as the names do; a name no loader stores has no key
        let key = |n| IndicatorKey::of(n).unwrap();
        let mut keyed = Indicators::default();
        keyed.set_keyed(&[(key("at_risk_register"), 0.01), (key("vacancy_share"), 0.1)]);
        keyed.set_keyed(&[(key("low_income"), 0.2), (key("internet_mbps"), 50.0)]);
        assert_eq!(keyed, fresh);
        assert_eq!(format!("{keyed:?}"), format!("{:?}", fresh));
        assert!(format!("{keyed:?}").contains("\"low_income\": 0.2"));
        assert_eq!(IndicatorKey::of("absent"), None);
        assert!(key("teachers") > key("internet_mbps"));
    }
}
