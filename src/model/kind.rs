//! School kinds (METHOD.md §0) and the words of a registry's kind column that name them.
use serde::Serialize;

/// School kinds (METHOD.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Regular,
    Advanced,
    SmallRural,
    Ovz,
    Evening,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Regular => "regular",
            Kind::Advanced => "advanced",
            Kind::SmallRural => "small_rural",
            Kind::Ovz => "ovz",
            Kind::Evening => "evening",
        }
    }
    /// The kind a registry cell names (as `norm_text` reads it: case, «ё» and spaces aside), one
    /// of [`Kind::WORDS`]; `None` for any other text.
    pub fn parse(s: &str) -> Option<Kind> {
        let t = crate::input::text::norm_text(s);
        Kind::WORDS
            .iter()
            .find(|(w, _)| *w == t)
            .map(|&(_, k)| k)
            .or_else(|| Kind::in_full_name(&t))
    }

    /// The kind a school type's full name tells by its key word («СОШ с углубленным изучением
    /// отдельных предметов», «Вечерняя (сменная) общеобразовательная школа», «Специальная
    /// (коррекционная) школа»), the evening, correctional and small words before the general
    /// «общеобразовательная»; `None` when it has none of them.
    fn in_full_name(t: &str) -> Option<Kind> {
        const STEMS: [(&str, Kind); 8] = [
            ("вечерн", Kind::Evening),
            ("сменн", Kind::Evening),
            ("коррекц", Kind::Ovz),
            ("малокомплект", Kind::SmallRural),
            ("углубл", Kind::Advanced),
            ("лицей", Kind::Advanced),
            ("гимнази", Kind::Advanced),
            ("общеобразовательн", Kind::Regular),
        ];
        STEMS.iter().find(|(w, _)| t.contains(w)).map(|&(_, k)| k)
    }

    /// The words of a registry's kind column, each with its kind (lower case, «е» for «ё»).
    pub const WORDS: [(&'static str, Kind); 19] = [
        ("regular", Kind::Regular),
        ("обычная", Kind::Regular),
        ("общеобразовательная", Kind::Regular),
        ("advanced", Kind::Advanced),
        ("углубленная", Kind::Advanced),
        ("с углубленным изучением", Kind::Advanced),
        ("лицей", Kind::Advanced),
        ("гимназия", Kind::Advanced),
        ("кадетская", Kind::Advanced),
        ("small_rural", Kind::SmallRural),
        ("малокомплектная", Kind::SmallRural),
        ("ovz", Kind::Ovz),
        ("овз", Kind::Ovz),
        ("коррекционная", Kind::Ovz),
        ("evening", Kind::Evening),
        ("вечерняя", Kind::Evening),
        ("вечерняя (сменная)", Kind::Evening),
        ("вечерняя (сменная) школа", Kind::Evening),
        ("сменная", Kind::Evening),
    ];
}
