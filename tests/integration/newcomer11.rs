//! Defects found on 2026-11-30 (late night) by the eleventh fresh-eyes run.
use crate::util::*;

/// Run 11, #1: a blank or a dash in a flat ОГЭ table's «Доля не преодолевших минимальный порог»
/// left the school's result out of the share below the minimum without a word, while its
/// participants still counted; it is a counted warning naming row, column and cell.
#[test]
fn a_dash_for_a_gia_share_is_named() {
    let head = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог";
    let text = format!("{head}\n1000;МБОУ \"СОШ №1\";108;25,50;3,70\n1001;МБОУ \"СОШ №2\";75;23,82;—\n1002;МБОУ \"СОШ №3\";31;24,58;\n1003;МБОУ \"СОШ №4\";0;;\n");
    let i = inspect_text("ОГЭ математика 2025.csv", &text);
    let w = warning(&i["warnings"], "не дана (пусто или прочерк)");
    assert_eq!(w["count"], 2, "{w}");
    let examples = w["examples"].to_string();
    assert!(
        examples.contains("строка 3, столбец «Доля не преодолевших минимальный порог»: «—»"),
        "{examples}"
    );
    assert!(
        examples.contains("строка 4") && examples.contains("«пусто»"),
        "{examples}"
    );
}
