//! `shnor explain`: one school's story in Russian.
use crate::util::*;

#[test]
fn explain_tells_the_story_in_russian() {
    let (_d, region) = region(42, 120);
    let truth = planted(&region);
    let strong = truth.iter().find(|(_, t)| t["role"] == "strong").unwrap().0;
    let sch = strong.replace("edu", "sch");
    let out = stdout_of(shnor().args(["explain", &sch]).arg(&region));
    assert!(out.contains("Этап 1, правило A"), "{out}");
    assert!(out.contains("Этап 2: общая доля «2»"), "{out}");
    assert!(out.contains("сильно неуспевающие"), "{out}");
    assert!(out.contains("Итог:"), "{out}");
}
