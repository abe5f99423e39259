//! The canonical polars frames (METHOD.md §0) built from a `Dataset`.
use super::Dataset;
use anyhow::Result;
use polars::prelude::*;

pub struct Frames {
    pub results: DataFrame,
    pub schools: DataFrame,
    pub journal: DataFrame,
    pub risk_profiles: DataFrame,
    pub markers: DataFrame,
    pub reference: DataFrame,
}

pub fn build(ds: &Dataset) -> Result<Frames> {
    let r = &ds.results;
    let results = DataFrame::new_infer_height(vec![
        Column::new("year".into(), r.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(
            "school_id".into(),
            r.iter().map(|x| &*x.school_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "region".into(),
            r.iter()
                .map(|x| crate::input::text::region_of(&x.school_id))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "municipality".into(),
            r.iter().map(|x| &*x.municipality).collect::<Vec<_>>(),
        ),
        // the municipality key of the school (ФИС ОКО code, else the normalised name)
        Column::new(
            "municipality_key".into(),
            r.iter()
                .map(|x| super::identity::municipality_id(ds, &x.school_id))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "assessment".into(),
            r.iter().map(|x| &*x.assessment).collect::<Vec<_>>(),
        ),
        Column::new(
            "subject".into(),
            r.iter().map(|x| &*x.subject).collect::<Vec<_>>(),
        ),
        Column::new(
            "grade".into(),
            r.iter().map(|x| x.grade).collect::<Vec<_>>(),
        ),
        Column::new(
            "participants".into(),
            r.iter().map(|x| x.participants).collect::<Vec<_>>(),
        ),
        Column::new(
            "n2".into(),
            r.iter().map(|x| x.n2.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n3".into(),
            r.iter().map(|x| x.n3.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n4".into(),
            r.iter().map(|x| x.n4.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n5".into(),
            r.iter().map(|x| x.n5.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "reconstructed".into(),
            r.iter().map(|x| x.reconstructed).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean_score".into(),
            r.iter().map(|x| x.mean_score.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "high".into(),
            r.iter().map(|x| x.high.get()).collect::<Vec<_>>(),
        ),
        Column::new(
            "high2".into(),
            r.iter().map(|x| x.high2.get()).collect::<Vec<_>>(),
        ),
    ])?;
    let s: Vec<_> = ds.schools.values().collect();
    let schools = DataFrame::new_infer_height(vec![
        Column::new(
            "school_id".into(),
            s.iter().map(|x| x.school_id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "login".into(),
            s.iter().map(|x| x.login.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            s.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "municipality".into(),
            s.iter()
                .map(|x| x.municipality.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "municipality_code".into(),
            s.iter()
                .map(|x| x.municipality_code.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "settlement".into(),
            s.iter().map(|x| x.settlement).collect::<Vec<_>>(),
        ),
        Column::new(
            "kind".into(),
            s.iter()
                .map(|x| x.kind.map(|k| k.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "enrollment".into(),
            s.iter().map(|x| x.enrollment).collect::<Vec<_>>(),
        ),
        Column::new(
            "inn".into(),
            s.iter().map(|x| x.inn.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "ogrn".into(),
            s.iter().map(|x| x.ogrn.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "gia_code".into(),
            s.iter().map(|x| x.gia_code.as_deref()).collect::<Vec<_>>(),
        ),
    ])?;
    let j = &ds.journal;
    let journal = DataFrame::new_infer_height(vec![
        Column::new("year".into(), j.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(
            "school_id".into(),
            j.iter().map(|x| x.school_id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "subject".into(),
            j.iter().map(|x| x.subject.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "grade".into(),
            j.iter().map(|x| x.grade).collect::<Vec<_>>(),
        ),
        Column::new(
            "lowered".into(),
            j.iter().map(|x| x.lowered).collect::<Vec<_>>(),
        ),
        Column::new(
            "confirmed".into(),
            j.iter().map(|x| x.confirmed).collect::<Vec<_>>(),
        ),
        Column::new(
            "raised".into(),
            j.iter().map(|x| x.raised).collect::<Vec<_>>(),
        ),
    ])?;
    let k = &ds.risk;
    let risk_profiles = DataFrame::new_infer_height(vec![
        Column::new(
            "school_id".into(),
            k.iter().map(|x| &*x.school_id).collect::<Vec<_>>(),
        ),
        Column::new("year".into(), k.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(
            "factor".into(),
            k.iter().map(|x| x.factor_name()).collect::<Vec<_>>(),
        ),
        Column::new(
            "level".into(),
            k.iter()
                .map(|x| ["low", "medium", "high"][x.level as usize])
                .collect::<Vec<_>>(),
        ),
    ])?;
    let m = &ds.markers;
    let markers = DataFrame::new_infer_height(vec![
        Column::new("year".into(), m.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(
            "school_id".into(),
            m.iter().map(|x| x.school_id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "count".into(),
            m.iter().map(|x| x.count).collect::<Vec<_>>(),
        ),
    ])?;
    let f = &ds.reference;
    let reference = DataFrame::new_infer_height(vec![
        Column::new("year".into(), f.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(
            "level".into(),
            f.iter().map(|x| x.level.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            f.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "assessment".into(),
            f.iter().map(|x| x.assessment.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "subject".into(),
            f.iter().map(|x| x.subject.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "grade".into(),
            f.iter().map(|x| x.grade).collect::<Vec<_>>(),
        ),
        Column::new(
            "participants".into(),
            f.iter().map(|x| x.participants).collect::<Vec<_>>(),
        ),
        Column::new("p2".into(), f.iter().map(|x| x.p2).collect::<Vec<_>>()),
    ])?;
    Ok(Frames {
        results,
        schools,
        journal,
        risk_profiles,
        markers,
        reference,
    })
}
