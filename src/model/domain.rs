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
                $name::from_label(&s)
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
        assert_eq!(Deficit::group_label(None), "не определён");
        assert_eq!(Deficit::group_label(Some(Deficit::Staffing)), "кадровые");
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
