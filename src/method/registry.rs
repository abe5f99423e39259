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

impl Registry {
    /// The registry of `ids` (ascending, distinct) from the `schools` frame, with the deficit
    /// scores of the z-scores `z` (over all the frame's schools).
    ///
    /// Errors: `schools` lacks a column of `schema::schools` (a bug).
    pub fn new(schools: &DataFrame, ids: &[String], z: &RegistryZ) -> Result<Self> {
        let wanted = DataFrame::new_infer_height(vec![Column::new(k::SCHOOL_ID.into(), ids)])?;
        let mut df =
            super::frame::left_join(wanted.lazy(), schools.clone().lazy(), &[k::SCHOOL_ID])
                .collect()?;
        df.rechunk_mut();
        KindColumns::new(&df)?;
        let deficits = z.scores(&df)?;
        Ok(Registry { df, deficits })
    }
    /// How many schools.
    pub fn len(&self) -> usize {
        self.df.height()
    }
    pub fn is_empty(&self) -> bool {
        self.df.height() == 0
    }
    /// Row `i`'s facts (the school `ids[i]`), its stratum under `cfg`.
    pub fn get(&self, i: usize, cfg: &Config) -> Registered<'_> {
        let text = |n: &str| self.df.column(n).ok()?.str().ok()?.get(i);
        let kinds = KindColumns::new(&self.df).expect("checked in Registry::new");
        let (stratum, kind_known) = stratum(kinds.at(i).as_ref(), cfg);
        Registered {
            login: text(k::LOGIN).unwrap_or(""),
            name: text(k::NAME).unwrap_or(""),
            municipality: text(k::MUNICIPALITY).unwrap_or(""),
            municipality_code: text(k::MUNICIPALITY_CODE).unwrap_or(""),
            settlement: text(k::SETTLEMENT),
            stratum,
            kind_known,
            deficit: self.deficits[i].as_ref(),
        }
    }
    /// The stratum of each row under `cfg`.
    pub fn strata(&self, cfg: &Config) -> Result<Vec<Stratum>> {
        Ok(super::strata::strata_of(&self.df, cfg)?
            .into_iter()
            .map(|s| s.0)
            .collect())
    }
}
