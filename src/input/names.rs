//! School names normalised for matching (docs/INPUTS.md «Schools known only by name»): the key
//! under which a school named in a table without a login is looked up among the schools of its
//! municipality that the other inputs know, and under which a crosswalk file maps names to logins.
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{school_id, split_code_name};
use crate::error::data_err;
use crate::model::identity::NameLogin;
use crate::model::warning::WarningCode;
use crate::model::{Dataset, SchoolRow};
use anyhow::Result;

/// The matching key of a school's `name` within `municipality` (both as the inputs spell them):
/// lower-case words and numbers joined by single spaces, with
/// - case, `ё`/`е`, quotes of every kind («» "" „“ '' `), punctuation and spaces ignored;
/// - `№`, `N`, `No`, `номер` before a number dropped, and a number's leading zeros (`№ 05` = `5`);
/// - legal forms dropped: abbreviations (МБОУ, МКОУ, МАОУ, МОБУ, ГБОУ, КГБОУ, ЧОУ, НОУ, АНО, ФГБОУ ВО…,
///   any capitalised `…ОУ`) and spelled-out ones («муниципальное бюджетное общеобразовательное
///   учреждение», «автономная некоммерческая организация»…);
/// - «средняя / основная / начальная общеобразовательная школа» = `сош` / `оош` / `нош`,
///   «с углублённым изучением отдельных предметов» = `с уиоп`, «имени» = `им`;
/// - a place named after its abbreviation (`г.`, `город`, `с.`, `п.`, `пгт`, `д.`, `ст.`…) dropped
///   when it is the municipality's own place (`г. Биробиджана` in municipality «г. Биробиджан»:
///   same stem, up to two letters of ending apart); other places are kept, as are all numbers.
///
/// So «МБОУ "СОШ № 5" г. Биробиджана» and «Средняя общеобразовательная школа №5» in «г. Биробиджан»
/// have one key, and «СОШ № 5» and «СОШ № 15» two.
pub fn school_name_key(municipality: &str, name: &str) -> String {
    let mut tokens = tokens(name);
    tokens.retain(|t| !is_legal_abbreviation(t));
    let tokens = drop_number_signs(tokens);
    let tokens = phrases(tokens);
    let tokens = drop_legal_forms(tokens);
    let tokens = places(tokens, &place_words(municipality));
    tokens
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word or number of a name, lower-cased; `caps` when the source wrote it in capitals (an
/// abbreviation such as `МБОУ`).
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    caps: bool,
}

/// Letter runs, digit runs and `№`; everything else (spaces, quotes, punctuation) separates.
fn tokens(name: &str) -> Vec<Token> {
    #[derive(PartialEq, Clone, Copy)]
    enum Run {
        Letters,
        Digits,
        None,
    }
    let mut out: Vec<Token> = Vec::new();
    let mut cur = String::new();
    let mut upper = true;
    let mut run = Run::None;
    let flush = |cur: &mut String, upper: &mut bool, out: &mut Vec<Token>| {
        if !cur.is_empty() {
            let caps = *upper && cur.chars().count() > 1 && cur.chars().any(char::is_alphabetic);
            out.push(Token {
                text: std::mem::take(cur),
                caps,
            });
        }
        *upper = true;
    };
    for ch in name.chars() {
        let ch = match ch {
            'ё' => 'е',
            'Ё' => 'Е',
            c => c,
        };
        let kind = if ch.is_alphabetic() {
            Run::Letters
        } else if ch.is_ascii_digit() {
            Run::Digits
        } else {
            Run::None
        };
        if kind != run || kind == Run::None {
            flush(&mut cur, &mut upper, &mut out);
        }
        run = kind;
        match kind {
            Run::Letters => {
                upper &= !ch.is_lowercase();
                cur.extend(ch.to_lowercase());
            }
            Run::Digits => cur.push(ch),
            Run::None if ch == '№' => out.push(Token {
                text: "№".into(),
                caps: false,
            }),
            Run::None => {}
        }
    }
    flush(&mut cur, &mut upper, &mut out);
    out
}

fn is_number(t: &Token) -> bool {
    t.text.bytes().all(|b| b.is_ascii_digit())
}

/// `№ 5`, `N5`, `No 5`, `номер 5` → `5`; leading zeros of numbers dropped.
fn drop_number_signs(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for (i, mut t) in tokens.iter().cloned().enumerate() {
        let next_is_number = tokens.get(i + 1).is_some_and(is_number);
        if matches!(t.text.as_str(), "№" | "n" | "no" | "номер") && next_is_number {
            continue;
        }
        if t.text == "№" {
            continue;
        }
        if is_number(&t) {
            let kept = t.text.trim_start_matches('0');
            t.text = if kept.is_empty() { "0" } else { kept }.to_string();
        }
        out.push(t);
    }
    out
}

/// Spelled-out school types and their abbreviations.
const PHRASES: &[(&[&str], &[&str])] = &[
    (&["средняя", "общеобразовательная", "школа"], &["сош"]),
    (&["основная", "общеобразовательная", "школа"], &["оош"]),
    (&["начальная", "общеобразовательная", "школа"], &["нош"]),
    (
        &["с", "углубленным", "изучением", "отдельных", "предметов"],
        &["с", "уиоп"],
    ),
    (&["имени"], &["им"]),
];

fn phrases(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'next: while i < tokens.len() {
        for (long, short) in PHRASES {
            let fits = long.len() <= tokens.len() - i
                && long.iter().zip(&tokens[i..]).all(|(w, t)| t.text == *w);
            if fits {
                out.extend(short.iter().map(|s| Token {
                    text: s.to_string(),
                    caps: false,
                }));
                i += long.len();
                continue 'next;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// Abbreviated legal forms recognised in any case; other capitalised `…ОУ` words are too.
const LEGAL_ABBREVIATIONS: &[&str] = &[
    "мбоу",
    "мкоу",
    "маоу",
    "мобу",
    "моу",
    "мооу",
    "гбоу",
    "гкоу",
    "гаоу",
    "гоу",
    "кгбоу",
    "кгкоу",
    "кгаоу",
    "огбоу",
    "огкоу",
    "огаоу",
    "фгбоу",
    "фгкоу",
    "фгаоу",
    "фкоу",
    "чоу",
    "ноу",
    "ано",
    "аноо",
    "чу",
    "чау",
    "мбу",
    "мау",
    "мку",
    "гбу",
    "гау",
    "гку",
    "мбнои",
    "фгбоувпо",
    "фгбоуво",
];

/// Words of a spelled-out legal form, dropped as a run that ends in `учреждение`/`организация`.
const LEGAL_WORDS: &[&str] = &[
    "муниципальное",
    "муниципальная",
    "государственное",
    "государственная",
    "областное",
    "областная",
    "краевое",
    "краевая",
    "федеральное",
    "федеральная",
    "частное",
    "частная",
    "негосударственное",
    "негосударственная",
    "автономное",
    "автономная",
    "бюджетное",
    "бюджетная",
    "казенное",
    "казенная",
    "некоммерческое",
    "некоммерческая",
    "общеобразовательное",
    "общеобразовательная",
    "образовательное",
    "образовательная",
];

fn is_legal_abbreviation(t: &Token) -> bool {
    let s = t.text.as_str();
    if LEGAL_ABBREVIATIONS.contains(&s) {
        return true;
    }
    // МБОУ, КГБОУ, ФГБОУВО…: capitals that end in «ОУ» (учреждение), at most 7 letters
    let s = s.strip_suffix("во").unwrap_or(s);
    t.caps && s.ends_with("оу") && s.chars().count() <= 7
}

/// Spelled-out legal forms: a run of `LEGAL_WORDS` closed by `учреждение` / `организация`.
fn drop_legal_forms(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let run = tokens[i..]
            .iter()
            .take_while(|t| LEGAL_WORDS.contains(&t.text.as_str()))
            .count();
        let noun = tokens
            .get(i + run)
            .is_some_and(|t| matches!(t.text.as_str(), "учреждение" | "организация"));
        if run > 0 && noun {
            i += run + 1;
            continue;
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// Abbreviations (and words) that name a kind of place before its name, with the one each stands
/// for (`поселок` = `пос.` = `п.`).
const PLACE_MARKS: &[(&[&str], &str)] = &[
    (&["г", "гор", "город", "города"], "г"),
    (&["с", "село", "села"], "с"),
    (&["п", "пос", "поселок", "поселка"], "п"),
    (&["пгт"], "пгт"),
    (&["рп"], "рп"),
    (&["д", "дер", "деревня", "деревни"], "д"),
    (&["ст", "станица", "станицы"], "ст"),
    (&["х", "хутор", "хутора"], "х"),
    (&["аул", "аула"], "аул"),
    (&["мкр"], "мкр"),
];

/// The place mark a word stands for (`поселок` → `п`), if it is one.
fn place_mark(word: &str) -> Option<&'static str> {
    PLACE_MARKS
        .iter()
        .find(|(words, _)| words.contains(&word))
        .map(|(_, mark)| *mark)
}

/// Words of the municipality's name that can name its place (not `город`, `район`, `округ`…).
fn place_words(municipality: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "город",
        "г",
        "муниципальный",
        "муниципальное",
        "район",
        "округ",
        "городской",
        "сельское",
        "поселение",
        "образование",
        "область",
        "край",
        "автономный",
        "республика",
        "мо",
        "го",
        "мр",
    ];
    tokens(municipality)
        .into_iter()
        .map(|t| t.text)
        .filter(|w| w.chars().count() >= 4 && !GENERIC.contains(&w.as_str()))
        .collect()
}

/// Same stem: a common beginning of at least 4 letters that leaves at most two letters of either
/// word (`биробиджана` / `биробиджан`, `заречного` / `заречный`).
fn same_stem(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shorter = a.chars().count().min(b.chars().count());
    common >= 4 && common + 2 >= shorter
}

/// Place marks in one spelling (`поселок` → `п`); `г. Биробиджана` dropped (a place mark and the
/// words after it that name the municipality's own place).
fn places(tokens: Vec<Token>, own: &[String]) -> Vec<Token> {
    let names_own = |t: &Token| own.iter().any(|w| same_stem(&t.text, w));
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut t = tokens[i].clone();
        if let Some(mark) = place_mark(&t.text) {
            let run = tokens[i + 1..].iter().take_while(|t| names_own(t)).count();
            if run > 0 {
                i += run + 1;
                continue;
            }
            t.text = mark.to_string();
        }
        out.push(t);
        i += 1;
    }
    out
}

/// Header cells a crosswalk may hold besides its three columns: a row number.
const ROW_NUMBER: &[&str] = &["№", "№ п/п", "п/п", "n", "no"];

/// A crosswalk file: a login, a school name and a municipality column, and nothing else but a row
/// number («Наименование ОО; Муниципалитет; Логин»). A directory with other columns, or without a
/// municipality, is a `directory`.
pub fn is_crosswalk(h: &Header) -> bool {
    h.has(header::LOGIN)
        && h.has(header::NAME)
        && h.has(header::MUNICIPALITY)
        && h.names.iter().filter(|n| !n.is_empty()).all(|n| {
            let n = n.as_str();
            [
                header::LOGIN,
                header::NAME,
                header::MUNICIPALITY,
                ROW_NUMBER,
            ]
            .iter()
            .any(|syn| syn.contains(&n))
        })
}

/// Load a crosswalk file: each row's name key within its municipality (`gia::name_key`) maps to its
/// login in `ds.names.logins`, used before the name index in `identity::finalize`; the school gets
/// the row's name and municipality by the school-merge policy (rank of a `directory`). A login
/// cell that is no ФИС ОКО login (`school1`) is kept with the counted warning
/// [`super::cells::NOT_A_LOGIN`] naming the cell and its row.
///
/// Errors (data): one name key given two different logins, in this file or in two files — naming
/// both rows.
pub fn load_crosswalk(g: &Grid, h: &Header, ds: &mut Dataset, rep: &mut InputReport) -> Result<()> {
    let cl = h.find(header::LOGIN).unwrap();
    let cn = h.find(header::NAME).unwrap();
    let cm = h.find(header::MUNICIPALITY).unwrap();
    let at = |r: usize| {
        let mut f = g.file.clone();
        if let Some(s) = &g.sheet {
            f.push_str(&format!(" [лист «{s}»]"));
        }
        (f, g.line_of(r))
    };
    for r in h.row + 1..g.rows.len() {
        let (login, name) = (g.cell(r, cl).trim(), g.cell(r, cn).trim());
        let mun = split_code_name(g.cell(r, cm)).1;
        if login.is_empty() && name.is_empty() && mun.is_empty() {
            continue;
        }
        if login.is_empty() || name.is_empty() {
            rep.warnings.add(
                WarningCode::CrosswalkIncomplete,
                format!("строка {}", g.line_of(r)),
            );
            continue;
        }
        rep.rows += 1;
        super::cells::check_login(g, r, login, rep);
        let sid = school_id(login);
        let key = super::gia::name_key(&mun, name)[5..].to_string();
        let (file, line) = at(r);
        if let Some(prev) = ds.names.logins.get(&key) {
            if prev.school_id != sid {
                return Err(data_err(
                    &g.loc(r),
                    h.raw_name(cl),
                    format!(
                        "the crosswalk gives «{name}» ({mun}) the login {login}, but {}, row {} gives the same name the login {}: one name in a municipality must have one login",
                        prev.file, prev.line, prev.school_id
                    ),
                ));
            }
            continue;
        }
        ds.names.logins.insert(
            key,
            NameLogin {
                school_id: sid.clone(),
                file,
                line,
            },
        );
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid.clone(),
                ..Default::default()
            })
        });
        if e.login.is_empty()
            || login
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("edu"))
        {
            e.login = login.to_lowercase();
        }
        let facts = SchoolFacts {
            name,
            municipality: &mun,
            ..Default::default()
        };
        merge(e, SchoolSource::Directory, &facts, &mut rep.warnings);
    }
    rep.schools = rep.rows;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::school_name_key as key;
    use proptest::prelude::*;

    #[test]
    fn one_school_spelled_many_ways() {
        let m = "г. Биробиджан";
        let want = key(m, "СОШ № 5");
        assert_eq!(want, "сош 5");
        for s in [
            "МБОУ \"СОШ № 5\" г. Биробиджана",
            "Средняя общеобразовательная школа №5",
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 5»",
            "МБОУ «СОШ №5»",
            "мбоу сош n5",
            "МАОУ „СОШ No 05“",
            "МБОУ 'СОШ № 5' города Биробиджана",
            "  МКОУ   `СОШ  №\u{a0}5`  ",
        ] {
            assert_eq!(key(m, s), want, "{s}");
        }
    }

    #[test]
    fn numbers_and_places_are_kept() {
        let m = "Облученский муниципальный район";
        assert_ne!(key(m, "СОШ № 5"), key(m, "СОШ № 15"));
        assert_ne!(key(m, "СОШ № 5"), key(m, "ООШ № 5"));
        assert_eq!(
            key(m, "МБОУ \"СОШ № 2 г.Облучье\""),
            key(m, "СОШ №2"),
            "the district's own centre"
        );
        assert_ne!(
            key(m, "МКОУ \"СОШ № 4 п.Хинганск\""),
            key(m, "МКОУ \"СОШ № 4 п.Теплозерск\"")
        );
        assert_eq!(
            key(m, "МКОУ \"СОШ № 4 п.Хинганск\""),
            key(m, "средняя общеобразовательная школа № 4 поселок Хинганск")
        );
        assert_eq!(key(m, "Лицей № 1"), "лицей 1");
    }

    #[test]
    fn legal_forms_and_names() {
        let m = "Ленинский район";
        assert_eq!(
            key(m, "МКОУ \"СОШ им.И.А. Пришкольника с.Валдгейм\""),
            key(
                m,
                "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа имени И.А. Пришкольника села Валдгейм»"
            )
        );
        assert_eq!(
            key(m, "ЧАУ Школа-интернат № 27 ОАО РДЖ\"\""),
            "школа интернат 27 оао рдж"
        );
        assert_eq!(
            key(
                m,
                "Лицей ФГБОУВО \"Приамурский государственный университет\""
            ),
            "лицей приамурский государственный университет"
        );
        assert_eq!(
            key(m, "АНО «Школа Ёлочка»"),
            key(m, "автономная некоммерческая организация \"школа елочка\"")
        );
        assert_eq!(
            key(
                m,
                "МБОУ СОШ с углублённым изучением отдельных предметов № 3"
            ),
            key(m, "МБОУ СОШ с УИОП №3")
        );
        // a word that merely ends in «оу» in lower case is no legal form
        assert_eq!(key(m, "Школа шоу"), "школа шоу");
    }

    #[test]
    fn a_crosswalk_header_has_name_municipality_login_and_nothing_else() {
        use super::{is_crosswalk, Header};
        let h = |cells: &[&str]| {
            Header::new(0, &cells.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        };
        assert!(is_crosswalk(&h(&[
            "Наименование ОО",
            "Муниципалитет",
            "Логин"
        ])));
        assert!(is_crosswalk(&h(&["№ п/п", "Логин", "Школа", "Район", ""])));
        assert!(
            !is_crosswalk(&h(&["логин", "имя", "регион"])),
            "a directory"
        );
        assert!(!is_crosswalk(&h(&[
            "Логин",
            "ОО",
            "Муниципалитет",
            "Телефон"
        ])));
        assert!(!is_crosswalk(&h(&["Наименование ОО", "Муниципалитет"])));
    }

    proptest! {
        #[test]
        fn quotes_case_and_spaces_do_not_matter(
            num in 1u32..200,
            q in prop::sample::select(vec![("«", "»"), ("\"", "\""), ("„", "“"), ("'", "'"), ("`", "`"), ("“", "”")]),
            sign in prop::sample::select(vec!["№", "№ ", "N", "No ", "N "]),
            form in prop::sample::select(vec!["МБОУ", "МКОУ", "МАОУ", "МОБУ", "ГБОУ", "КГБОУ", "ЧОУ", "НОУ", ""]),
            upper in any::<bool>(),
        ) {
            let plain = key("Каменский район", &format!("СОШ {num}"));
            let mut s = format!("{form} {}Средняя  общеобразовательная школа {sign}{num}{}", q.0, q.1);
            if upper {
                s = s.to_uppercase();
            }
            prop_assert_eq!(key("Каменский район", &s), plain);
        }

        #[test]
        fn different_numbers_never_match(a in 0u32..1000, b in 0u32..1000) {
            prop_assume!(a != b);
            prop_assert_ne!(key("м", &format!("СОШ № {a}")), key("м", &format!("СОШ № {b}")));
        }

        #[test]
        fn the_key_is_its_own_key(s in "[А-Яа-яЁё0-9 №«»\".,-]{0,40}") {
            let k = key("г. Биробиджан", &s);
            prop_assert_eq!(key("г. Биробиджан", &k), k.clone());
        }
    }
}
