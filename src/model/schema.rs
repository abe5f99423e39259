//! The canonical frames of METHOD.md §0: column names and dtypes in one place.
//!
//! Every loader returns frames in these shapes and the method reads only these columns. A frame may
//! carry extra columns (a loader's provenance, say) after the declared ones; `check` verifies that
//! each declared column is present with its dtype.
//!
//! Units: counts are whole pupils (`Int32`), shares are fractions in [0, 1] (`Float64`), never percents.
use polars::prelude::*;

/// Column names, so that no module spells a column twice.
pub mod col {
    pub const YEAR: &str = "year";
    pub const SCHOOL_ID: &str = "school_id";
    pub const MUNICIPALITY: &str = "municipality";
    pub const ASSESSMENT: &str = "assessment";
    pub const SUBJECT: &str = "subject";
    pub const GRADE: &str = "grade";
    pub const PARTICIPANTS: &str = "participants";
    pub const N2: &str = "n2";
    pub const N3: &str = "n3";
    pub const N4: &str = "n4";
    pub const N5: &str = "n5";
    pub const RECONSTRUCTED: &str = "reconstructed";
    pub const MEAN_SCORE: &str = "mean_score";
    pub const HIGH: &str = "high";
    pub const HIGH2: &str = "high2";
    pub const SOURCE: &str = "source";
    pub const LINE: &str = "line";
    pub const LOGIN: &str = "login";
    pub const NAME: &str = "name";
    pub const MUNICIPALITY_CODE: &str = "municipality_code";
    pub const SETTLEMENT: &str = "settlement";
    pub const KIND: &str = "kind";
    pub const OVZ_FLAG: &str = "ovz_flag";
    pub const ADVANCED_FLAG: &str = "advanced_flag";
    pub const ENROLLMENT: &str = "enrollment";
    pub const INN: &str = "inn";
    pub const OGRN: &str = "ogrn";
    pub const GIA_CODE: &str = "gia_code";
    pub const SOURCES: &str = "sources";
    pub const LOWERED: &str = "lowered";
    pub const CONFIRMED: &str = "confirmed";
    pub const RAISED: &str = "raised";
    pub const FACTOR: &str = "factor";
    pub const LEVEL: &str = "level";
    pub const PROCEDURES: &str = "procedures";
    pub const COUNT: &str = "count";
    pub const SCORE: &str = "score";
    pub const P2: &str = "p2";
    pub const P3: &str = "p3";
    pub const P4: &str = "p4";
    pub const P5: &str = "p5";
    pub const MIN3: &str = "min3";
    pub const KEY: &str = "key";
    pub const CODE: &str = "code";
    pub const SCHOOL_MARK: &str = "school_mark";
    pub const MAX_SCORE: &str = "max_score";
}

fn schema(fields: &[(&str, DataType)]) -> Schema {
    fields
        .iter()
        .map(|(n, t)| Field::new((*n).into(), t.clone()))
        .collect()
}

/// `results`: one row per (year, school_id, assessment, subject, grade).
///
/// `n2` = pupils below the minimum (mark «2» for ВПР/ОГЭ, below the subject's minimum score for
/// ЕГЭ); `n2`..`n5`, `mean_score`, `high`, `high2` are null where the source does not give them
/// (ЕГЭ has no n3..n5). `reconstructed` marks counts rebuilt from percents. `grade` is 0 for ЕГЭ
/// tables that name no grade. `source` is the file, `line` its line number (1-based) or 0.
pub fn results() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SCHOOL_ID, String),
        (col::MUNICIPALITY, String),
        (col::ASSESSMENT, String),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::PARTICIPANTS, Int32),
        (col::N2, Int32),
        (col::N3, Int32),
        (col::N4, Int32),
        (col::N5, Int32),
        (col::RECONSTRUCTED, Boolean),
        (col::MEAN_SCORE, Float64),
        (col::HIGH, Int32),
        (col::HIGH2, Int32),
        (col::SOURCE, String),
        (col::LINE, UInt32),
    ])
}

/// `schools`: one row per school_id, merged across inputs (docs/INPUTS.md, «one school-merge
/// policy»). `settlement` is «город» / «село» or null; `kind` is a `Kind` name (`regular`,
/// `advanced`, `small_rural`, `ovz`, `evening`) or null; `enrollment` in pupils. Then one
/// nullable `Float64` column per context indicator of `input::context::INDICATORS`, in that order
/// (shares as fractions).
pub fn schools() -> Schema {
    use DataType::*;
    let mut s = schema(&[
        (col::SCHOOL_ID, String),
        (col::LOGIN, String),
        (col::NAME, String),
        (col::MUNICIPALITY, String),
        (col::MUNICIPALITY_CODE, String),
        (col::SETTLEMENT, String),
        (col::KIND, String),
        (col::OVZ_FLAG, Boolean),
        (col::ADVANCED_FLAG, Boolean),
        (col::ENROLLMENT, Float64),
        (col::INN, String),
        (col::OGRN, String),
        (col::GIA_CODE, String),
        (col::SOURCES, List(Box::new(String))),
    ]);
    for (name, _) in crate::input::context::INDICATORS {
        s.with_column((*name).into(), Float64);
    }
    s
}

/// `journal`: «Сравнение отметок с отметками по журналу», pupils per (year, school, subject, grade).
pub fn journal() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SCHOOL_ID, String),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::LOWERED, Int64),
        (col::CONFIRMED, Int64),
        (col::RAISED, Int64),
    ])
}

/// `risk_profiles`: (school_id, year, factor, level); `factor` is the position in
/// `model::RISK_FACTORS` (0..10, `Int32`), `level` 0 low, 1 medium, 2 high (`Int32`).
pub fn risk_profiles() -> Schema {
    use DataType::*;
    schema(&[
        (col::SCHOOL_ID, String),
        (col::YEAR, Int32),
        (col::FACTOR, Int32),
        (col::LEVEL, Int32),
    ])
}

/// `markers`: official objectivity markers («Количество маркеров») per (year, school).
pub fn markers() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SCHOOL_ID, String),
        (col::PROCEDURES, List(Box::new(String))),
        (col::COUNT, Int64),
    ])
}

/// `histograms`: pupils per primary score, (year, school, subject, grade, score).
pub fn histograms() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SCHOOL_ID, String),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::SCORE, Int32),
        (col::COUNT, Int64),
    ])
}

/// `mark_scores`: pupils per (year, school, subject, grade, school mark, primary score), over the
/// participants of a per-pupil protocol who have a school mark 1–5 («отметка за предыдущую
/// четверть/триместр», `school_mark`, `Int32`); `score` is the primary score (`Int32`), `count`
/// whole pupils (`Int64`). The joint counts the ФИОКО marker `marks_mismatch` ranks.
pub fn mark_scores() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SCHOOL_ID, String),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::SCHOOL_MARK, Int32),
        (col::SCORE, Int32),
        (col::COUNT, Int64),
    ])
}

/// `maxima`: the maximum primary score of each per-pupil procedure (year, subject, grade), from
/// its scale, else from the items' maxima in the header (`max_score`, `Int32`).
pub fn maxima() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::MAX_SCORE, Int32),
    ])
}

/// `reference`: aggregate rows (вся выборка / регион / муниципалитет), never mixed with schools;
/// `p2`..`p5` are shares (fractions); `n2`, `high` (pupils) and `mean_score` (points) only from the
/// ОГЭ/ЕГЭ per-school form (`input::gia_form`), null elsewhere.
pub fn reference() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::LEVEL, String),
        (col::NAME, String),
        (col::ASSESSMENT, String),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::PARTICIPANTS, Int64),
        (col::P2, Float64),
        (col::P3, Float64),
        (col::P4, Float64),
        (col::P5, Float64),
        (col::N2, Int64),
        (col::HIGH, Int64),
        (col::MEAN_SCORE, Float64),
    ])
}

/// `boundaries`: the first primary score of «3» of each per-pupil procedure loaded with a scale.
pub fn boundaries() -> Schema {
    use DataType::*;
    schema(&[
        (col::YEAR, Int32),
        (col::SUBJECT, String),
        (col::GRADE, Int32),
        (col::MIN3, Int32),
    ])
}

/// `municipalities`: municipality name key → ФИС ОКО code, from inputs that carry both.
pub fn municipalities() -> Schema {
    use DataType::*;
    schema(&[(col::KEY, String), (col::CODE, String)])
}

/// An empty frame of a schema.
pub fn empty(s: &Schema) -> DataFrame {
    DataFrame::empty_with_schema(s)
}

/// Whether `df` holds every column of `s` with its dtype; the first difference otherwise.
pub fn check(name: &str, df: &DataFrame, s: &Schema) -> Result<(), String> {
    for (col, dtype) in s.iter() {
        match df.schema().get(col) {
            None => return Err(format!("frame `{name}` lacks column `{col}`")),
            Some(t) if t != dtype => {
                return Err(format!(
                    "frame `{name}` column `{col}` is {t}, the schema says {dtype}"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
