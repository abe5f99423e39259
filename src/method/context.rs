//! The context side of a selection (index, resilience, objectivity screen, risk profiles, registry
//! z-scores): computed once per inputs and year, shared by every run that changes only selection keys.
use super::strata::RegistryZ;
use crate::config::Config;
use crate::model::Dataset;

/// The context side that selection reads (index, resilience, objectivity screen): computed once and
/// reused when only selection keys change (sweep).
pub struct Context {
    pub index: super::index::IndexResult,
    pub resilience: Option<super::resilience::Resilience>,
    pub screen: super::objectivity::Screen,
    pub profiles: super::risk::Profiles,
    /// Population z-scores of the registry's staffing and equipment indicators (deficit).
    pub registry_z: RegistryZ,
    /// Whether schools carry their ledgers (a sweep needs only who is selected).
    pub ledgers: bool,
}

impl Context {
    pub fn new(ds: &Dataset, cfg: &Config, year: i32) -> Context {
        // index → resilience on one thread; the parts that do not need them on another
        let ((index, resilience), (screen, profiles, registry_z)) = std::thread::scope(|sc| {
            let rest = sc.spawn(|| {
                (
                    super::objectivity::screen(ds, cfg),
                    super::risk::profiles(ds, year),
                    RegistryZ::new(ds),
                )
            });
            let index = super::index::compute(ds, cfg);
            let resilience = super::resilience::compute(ds, cfg, &index, year).ok();
            (
                (index, resilience),
                rest.join().expect("context thread panicked"),
            )
        });
        Context {
            index,
            resilience,
            screen,
            profiles,
            registry_z,
            ledgers: true,
        }
    }
    /// The same context for runs that need only the outcomes, not the ledgers.
    pub fn without_ledgers(self) -> Context {
        Context {
            ledgers: false,
            ..self
        }
    }
}
