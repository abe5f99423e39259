use super::*;

#[test]
fn metric_captions_as_the_real_form_spells_them() {
    use Metric::*;
    let cases = [
        ("приняло участие", Some(Participants)),
        ("приняли участие", Some(Participants)),
        ("количество участников", Some(Participants)),
        ("Число участников, чел.", Some(Participants)),
        ("доля участников, %", None),
        ("участвовали", Some(Participants)),
        ("число сдававших", Some(Participants)),
        ("не преодолен min порог", Some(Below)),
        ("не преодолели минимальный порог", Some(Below)),
        ("высокобалльники \n(80-99 баллов)", Some(High80)),
        ("80\u{a0}–\u{a0}99", Some(High80)),
        ("получили 100 баллов", Some(High100)),
        ("100 баллов", Some(High100)),
        ("Средний балл", Some(Mean)),
        ("доля «2»", None),
        ("из них", None),
    ];
    for (caption, want) in cases {
        assert_eq!(metric(caption), want, "{caption}");
    }
}

#[test]
fn subject_captions_keep_the_two_mathematics_apart() {
    let cases = [
        ("Русский язык, чел.", Some("русский язык")),
        ("Математика (профиль), чел.", Some("математика профильная")),
        ("Математика (базовая), чел.", Some("математика базовая")),
        (
            "Математика профильного уровня, чел.",
            Some("математика профильная"),
        ),
        (
            "Математика базового уровня, чел.",
            Some("математика базовая"),
        ),
        ("Биология\u{a0}, чел.", Some("биология")),
        ("ИКТ, чел.", Some("информатика")),
        ("Иностранные языки, чел.", Some("иностранный язык")),
        (
            "География, чел. \n(в т.ч. участвовашие в 2022 году)",
            Some("география"),
        ),
        ("Физкультура, чел.", None),
    ];
    for (caption, want) in cases {
        assert_eq!(form_subject(caption).as_deref(), want, "{caption}");
    }
}

#[test]
fn region_totals_and_municipal_totals() {
    assert!(is_municipal_total("Итого по МО"));
    assert!(is_municipal_total("Всего по району"));
    assert!(!is_municipal_total("ВСЕГО по региону"));
    assert!(!is_municipal_total("Итого"));
    assert!(!is_municipal_total("Всего по Еврейской автономной области"));
}

#[test]
fn column_letters() {
    assert_eq!(col_letter(0), "A");
    assert_eq!(col_letter(25), "Z");
    assert_eq!(col_letter(26), "AA");
    assert_eq!(col_letter(58), "BG");
}

/// SOURCES.md `ege_eao`: the 2023 region total (867 / 8 / 119 + 1, mean 61,56) and the six
/// municipality subtotals are reference rows, never schools.
#[test]
#[ignore = "needs SHNOR_REAL_DATA"]
fn ege_eao_total_and_subtotals_are_reference_rows() {
    let root = std::env::var_os("SHNOR_REAL_DATA").expect("SHNOR_REAL_DATA");
    let f = std::path::Path::new(&root).join("ege_eao/Еврейская автономная область.xlsx");
    let l = crate::input::load_paths(&[f], &Opts::default()).unwrap();
    use crate::model::tables::{ints, texts};
    let refs = &l.data.tables.reference;
    let (year, level) = (ints(refs, "year"), texts(refs, "level"));
    let (subject, name) = (texts(refs, "subject"), texts(refs, "name"));
    let total = (0..refs.height())
        .find(|&i| year[i] == 2023 && level[i] == "регион" && subject[i] == "русский язык")
        .unwrap();
    assert_eq!(name[total], "ВСЕГО по региону");
    assert_eq!(
        ["participants", "n2", "high"].map(|c| ints(refs, c)[total]),
        [867, 8, 120]
    );
    let mean = refs.column("mean_score").unwrap().f64().unwrap().get(total);
    assert!((mean.unwrap() - 61.56).abs() < 1e-9);
    let muns: std::collections::BTreeSet<&str> = (0..refs.height())
        .filter(|&i| year[i] == 2023 && level[i] == "муниципалитет")
        .map(|i| name[i].as_str())
        .collect();
    assert_eq!(muns.len(), 6, "{muns:?}");
    assert!(!l.data.school_view().ids().any(|k| k.contains("всего")));
}
