//! Domain values as enums, each with its label (the text a user sees in tables, JSON and config
//! files) in one place. Labels are Russian where the field's own term is Russian (clusters,
//! deficits, settlements) and the config's own words otherwise (strata). Each enum serialises
//! as its label and parses only its labels: an unknown text is an error listing the labels.

/// An enum whose every value has one fixed label: `label()`, `from_label()`, `ALL`, `LABELS`,
/// `Display` and serde as the label.
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vm])* $var),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Every label, in declaration order.
            pub const LABELS: &'static [&'static str] = &[$($label),+];

            /// The text a user sees.
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$var => $label),+
                }
            }

            /// The value with this exact label.
            pub fn from_label(s: &str) -> Option<$name> {
                match s {
                    $($label => Some($name::$var),)+
                    _ => None,
                }
            }

            /// The value whose label `s` spells in any case, around spaces (`огэ`, ` Regular `):
            /// what a user types in a config file or a flag.
            pub fn from_typed(s: &str) -> Option<$name> {
                let t = s.trim();
                $name::from_label(t).or_else(|| {
                    let t = t.to_lowercase();
                    $name::ALL.iter().copied().find(|v| v.label().to_lowercase() == t)
                })
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            /// One of the labels in any case (command-line values such as `--assessment ОГЭ`).
            fn from_str(s: &str) -> Result<$name, String> {
                $name::from_typed(s).ok_or_else(|| {
                    format!("«{s}»: expected one of {}", $name::LABELS.join(", "))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.label())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::from_typed(&s)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&s, $name::LABELS))
            }
        }
    };
}
pub(crate) use labelled;

labelled! {
    /// A school's comparison stratum (KhMAO model, METHOD.md §1): the first of `stage1.strata`
    /// the school qualifies for; evening schools are their own stratum (left out by default,
    /// `stage1.exclude_kinds`).
    Stratum {
        Ovz = "ovz",
        Advanced = "advanced",
        SmallRural = "small_rural",
        Regular = "regular",
        Evening = "evening",
    }
}

labelled! {
    /// The assessment a result comes from.
    Assessment {
        Vpr = "ВПР",
        Oge = "ОГЭ",
        Ege = "ЕГЭ",
    }
}

labelled! {
    /// The prevailing deficit of a confirmed school (METHOD.md §2): staffing or infrastructure.
    /// A school whose deficit cannot be told has none (`Option::None`), shown as
    /// [`DEFICIT_UNKNOWN`] in its group.
    Deficit {
        Staffing = "кадровые",
        Infrastructure = "инфраструктурные",
    }
}

/// The group part of a school whose prevailing deficit is not known.
pub const DEFICIT_UNKNOWN: &str = "не определён";

impl Deficit {
    /// The deficit part of a group name: the label, or «не определён».
    pub fn group_label(d: Option<Deficit>) -> &'static str {
        d.map_or(DEFICIT_UNKNOWN, Deficit::label)
    }
}

labelled! {
    /// The cluster of a confirmed school (METHOD.md §2), by its pooled share of «2».
    Cluster {
        Strong = "сильно неуспевающие",
        Moderate = "умеренно неуспевающие",
        Basic = "базово неуспевающие",
    }
}

labelled! {
    /// A school's settlement type; `Unknown` when no registry or context form tells it.
    Settlement {
        City = "город",
        Village = "село",
        Unknown = "unknown",
    }
}

impl Settlement {
    /// The settlement part of a group name: the label, or «не определён» for `Unknown` (the
    /// spelling of an unknown deficit, [`DEFICIT_UNKNOWN`]: one word for «not known» in a group;
    /// the `settlement` field keeps the code `unknown`).
    pub fn group_label(self) -> &'static str {
        match self {
            Settlement::Unknown => DEFICIT_UNKNOWN,
            s => s.label(),
        }
    }

    /// From the registry's settlement text (`None` or any other text: unknown).
    pub fn of(s: Option<&str>) -> Settlement {
        s.and_then(Settlement::from_label)
            .filter(|s| *s != Settlement::Unknown)
            .unwrap_or(Settlement::Unknown)
    }
}

labelled! {
    /// An objectivity marker of a school's ВПР results (METHOD.md §6); the label is its code in
    /// JSON, [`Marker::words`] its Russian description.
    Marker {
        /// ВПР marks above the journal marks much more often than in the region.
        JournalRaised = "journal_raised",
        /// ВПР marks below the journal marks much more often than in the region (reported only).
        JournalLowered = "journal_lowered",
        /// A peak of primary scores at the first score of «3».
        BoundaryPeak = "boundary_peak",
        /// An official marker from ФИС ОКО («Количество маркеров»).
        Official = "official_marker",
        /// Too few «2» with too many «5» (`objectivity.distribution`).
        Distribution = "distribution",
        /// ФИОКО: the school's interval of the mean primary score lies above the region's.
        InflatedMean = "inflated_mean",
        /// ФИОКО: Spearman's r_s between school marks and primary scores is negative.
        MarksMismatch = "marks_mismatch",
        /// ФИОКО: K = S(4, Y−1) / S(5, Y) above Q3 + 3·IQR.
        CohortDrop = "cohort_drop",
        /// ФИОКО: K below Q1 − 3·IQR.
        CohortRise = "cohort_rise",
    }
}

impl Marker {
    /// The marker in Russian words, for ledgers.
    pub fn words(self) -> &'static str {
        match self {
            Marker::JournalRaised => "отметки ВПР выше журнальных заметно чаще, чем в регионе",
            Marker::JournalLowered => "отметки ВПР ниже журнальных заметно чаще, чем в регионе",
            Marker::BoundaryPeak => "пик баллов на границе «3»",
            Marker::Official => "официальный маркер",
            Marker::Distribution => "мало «2» при многих «5» (правило распределения)",
            Marker::InflatedMean => "средний балл школы выше регионального (ФИОКО)",
            Marker::MarksMismatch => "результаты противоречат школьным отметкам (ФИОКО)",
            Marker::CohortDrop => "резкое падение результатов параллели от 4 к 5 классу (ФИОКО)",
            Marker::CohortRise => "резкий рост результатов параллели от 4 к 5 классу (ФИОКО)",
        }
    }
}

/// Why a school stopped before stage 3 without being judged further (`excluded_reason` in JSON:
/// the label, Russian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExclusionReason {
    /// Stage 1: every year-Y procedure has fewer than `stage1.min_participants`.
    TooSmall,
    /// Stage 1: no year-Y procedure with a share below the minimum.
    NoMarks,
    /// Stage 1: a rule fired, but the school's stratum is in `stage1.exclude_kinds`.
    ExcludedKind(Stratum),
    /// Stage 2: fewer than `stage2.min_total_participants` over the window.
    TooFewResults,
    /// Stage 2: doubtful objectivity under `objectivity.policy = "exclude"`.
    Objectivity,
}

impl std::fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExclusionReason::TooSmall => f.write_str("все процедуры < min_participants"),
            ExclusionReason::NoMarks => f.write_str("нет результатов с долей «2» в году отбора"),
            ExclusionReason::ExcludedKind(s) => write!(f, "исключённый вид: {s}"),
            ExclusionReason::TooFewResults => f.write_str("слишком мало результатов"),
            ExclusionReason::Objectivity => f.write_str("признаки необъективности"),
        }
    }
}

impl serde::Serialize for ExclusionReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_serialise_as_labels() {
        for s in Stratum::ALL {
            assert_eq!(Stratum::from_label(s.label()), Some(*s));
            assert_eq!(
                serde_json::to_string(s).unwrap(),
                format!("\"{}\"", s.label())
            );
        }
        assert_eq!(Assessment::from_label("ЕГЭ"), Some(Assessment::Ege));
        assert_eq!(Assessment::from_label("EGE"), None);
        // fresh-eyes run 7: `stage1.assessments = ["огэ"]` was refused
        assert_eq!(Assessment::from_typed(" огэ "), Some(Assessment::Oge));
        assert_eq!(Assessment::from_typed("oge"), None);
        assert_eq!(Stratum::from_typed("Regular"), Some(Stratum::Regular));
        assert_eq!(Deficit::group_label(None), "не определён");
        assert_eq!(Deficit::group_label(Some(Deficit::Staffing)), "кадровые");
        assert_eq!(Settlement::of(Some("село")), Settlement::Village);
        assert_eq!(Settlement::of(Some("unknown")), Settlement::Unknown);
        assert_eq!(Settlement::of(None), Settlement::Unknown);
        assert_eq!(
            serde_json::to_value(Cluster::Moderate).unwrap(),
            "умеренно неуспевающие"
        );
        assert_eq!(
            serde_json::to_value(ExclusionReason::ExcludedKind(Stratum::Evening)).unwrap(),
            "исключённый вид: evening"
        );
        assert_eq!(
            Marker::from_label("boundary_peak"),
            Some(Marker::BoundaryPeak)
        );
    }

    #[test]
    fn an_unknown_label_is_an_error_listing_the_labels() {
        let e = serde_json::from_str::<Stratum>("\"rural\"").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("rural") && m.contains("small_rural") && m.contains("evening"),
            "{m}"
        );
    }
}
