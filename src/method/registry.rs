//! The registry side of the schools a selection judges, read from the `schools` frame: each
//! school's identity, its stratum (`strata::stratum` under the run's config) and its registry
//! deficit scores (`strata::RegistryZ::scores`), row by row in the order of the school ids.
use super::strata::{stratum, DeficitScore, KindColumns, RegistryZ};
use crate::config::Config;
use crate::model::domain::Stratum;
use crate::model::schema::col as k;
use anyhow::Result;
use polars::prelude::*;

/// The `schools` rows of a list of school ids (`schema::schools`, left-joined: a school without a
/// registry row has nulls), with what the stages read of them.
pub struct Registry {
    /// The rows, in the order of the ids.
    df: DataFrame,
    login: StringChunked,
    name: StringChunked,
    municipality: StringChunked,
    municipality_code: StringChunked,
    settlement: StringChunked,
    /// The registry's deficit scores of each row (`deficit.source` `registry` or `auto`).
    deficits: Vec<Option<DeficitScore>>,
}

/// One school's registry facts as the stages read them (empty texts and no settlement for a
/// school without a registry row; its stratum is then regular and its kind unknown).
#[derive(Clone, Copy, Debug)]
pub struct Registered<'s> {
    pub login: &'s str,
    pub name: &'s str,
    pub municipality: &'s str,
    pub municipality_code: &'s str,
    /// «город» or «село», as `schema::schools` holds it.
    pub settlement: Option<&'s str>,
    pub stratum: Stratum,
    /// Whether anything about the school's kind is known (`strata::stratum`).
    pub kind_known: bool,
    pub deficit: Option<&'s DeficitScore>,
}

impl<'s> Registered<'s> {
    /// The login a selection gives school `sid` with these facts: the registry's, else the id.
    pub fn login_of(sid: &'s str, facts: &Registered<'s>) -> &'s str {
        Some(facts.login).filter(|l| !l.is_empty()).unwrap_or(sid)
    }
}

impl Registry {
    /// The registry of `ids` (ascending, distinct) from the `schools` frame, with the deficit
    /// scores of the z-scores `z` (over all the frame's schools).
    ///
    /// Errors: `schools` lacks a column of `schema::schools` (a bug).
    pub fn new(schools: &DataFrame, ids: &[String], z: &RegistryZ) -> Result<Self> {
        let wanted = DataFrame::new_infer_height(vec![Column::new(k::SCHOOL_ID.into(), ids)])?;
        // only the columns read here and by `strata_of` (the kind, the texts, the indicators
        // of `z`): not the ≈ 100 columns of every school gathered for the ids
        let read = [
            k::SCHOOL_ID,
            k::LOGIN,
            k::NAME,
            k::MUNICIPALITY,
            k::MUNICIPALITY_CODE,
            k::SETTLEMENT,
            k::KIND,
            k::OVZ_FLAG,
            k::ADVANCED_FLAG,
            k::ENROLLMENT,
        ];
        let read: Vec<Expr> = read.into_iter().chain(z.columns()).map(col).collect();
        let right = schools.clone().lazy().select(read);
        let mut df = super::frame::left_join(wanted.lazy(), right, &[k::SCHOOL_ID]).collect()?;
        df.rechunk_mut();
        KindColumns::new(&df)?;
        let deficits = z.scores(&df)?;
        let text = |n: &str| -> Result<StringChunked> { Ok(df.column(n)?.str()?.clone()) };
        Ok(Registry {
            login: text(k::LOGIN)?,
            name: text(k::NAME)?,
            municipality: text(k::MUNICIPALITY)?,
            municipality_code: text(k::MUNICIPALITY_CODE)?,
            settlement: text(k::SETTLEMENT)?,
            df,
            deficits,
        })
    }
    /// How many schools.
    pub fn len(&self) -> usize {
        self.df.height()
    }
    pub fn is_empty(&self) -> bool {
        self.df.height() == 0
    }
    /// Every row's facts (row `i`: the school `ids[i]`), the strata under `cfg`.
    pub fn all<'s>(&'s self, cfg: &Config) -> Vec<Registered<'s>> {
        let kinds = KindColumns::new(&self.df).expect("checked in Registry::new");
        (0..self.len())
            .map(|i| {
                let (stratum, kind_known) = stratum(kinds.at(i).as_ref(), cfg);
                let text = |c: &'s StringChunked| c.get(i).unwrap_or("");
                Registered {
                    login: text(&self.login),
                    name: text(&self.name),
                    municipality: text(&self.municipality),
                    municipality_code: text(&self.municipality_code),
                    settlement: self.settlement.get(i),
                    stratum,
                    kind_known,
                    deficit: self.deficits[i].as_ref(),
                }
            })
            .collect()
    }
    /// The stratum of each row under `cfg`.
    pub fn strata(&self, cfg: &Config) -> Result<Vec<Stratum>> {
        Ok(super::strata::strata_of(&self.df, cfg)?
            .into_iter()
            .map(|s| s.0)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, SchoolRow};

    #[test]
    fn each_id_gets_its_row_and_the_stratum_of_the_run_config() {
        let mut ds = Dataset::default();
        ds.set_schools([SchoolRow {
            school_id: "edu220001".into(),
            login: "edu220001".into(),
            name: "СОШ № 1".into(),
            settlement: Some("село"),
            enrollment: Some(80.0),
            indicators: [("vacancy_share", 0.1), ("internet_mbps", 10.0)]
                .into_iter()
                .collect(),
            ..Default::default()
        }]);
        let ids = ["edu220001".to_string(), "edu220002".to_string()];
        let z = RegistryZ::new(&ds.schools);
        let r = Registry::new(&ds.schools, &ids, &z).unwrap();
        let mut cfg = Config::default();
        let all = r.all(&cfg);
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].name, all[0].settlement), ("СОШ № 1", Some("село")));
        assert_eq!(
            (all[0].stratum, all[0].kind_known),
            (Stratum::SmallRural, true)
        );
        // a school without a registry row: regular, its kind unknown
        assert_eq!((all[1].login, all[1].settlement), ("", None));
        assert_eq!(
            (all[1].stratum, all[1].kind_known),
            (Stratum::Regular, false)
        );
        // one school has no spread of values: no z-scores, no registry deficit
        assert!(all.iter().all(|x| x.deficit.is_none()));
        // the strata follow the config of the run, not the one the registry was built under
        cfg.kinds.small_rural_max_enrollment = 50.0;
        assert_eq!(r.all(&cfg)[0].stratum, Stratum::Regular);
        assert_eq!(
            r.strata(&cfg).unwrap(),
            [Stratum::Regular, Stratum::Regular]
        );
    }
}
