//! Exit codes: 1 for the input data, 2 for the command line or config, 3 for anything else.
use crate::util::*;

#[cfg(target_os = "linux")]
#[test]
fn unwritable_output_is_an_internal_error_exiting_3() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // --out in a folder where no file can be created, even by root (an existing folder as --out
    // is a usage error since fresh-eyes h16 #2, open_defects): the write fails (I/O)
    let o = shnor()
        .current_dir(root)
        .args([
            "index",
            "data-samples/region",
            "--out",
            "/proc/shnor-out.json",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert!(err.contains("not a problem with the input data"), "{err}");
}

#[test]
fn a_bad_cell_is_a_data_error_exiting_1_naming_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("vpr_bad.csv");
    std::fs::write(&bad, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;abc;5;5;5\n").unwrap();
    let o = shnor().arg("inspect").arg(&bad).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("shnor: error: "), "{err}");
    assert!(err.contains("bad.csv, row 2: column «2»"), "{err}");
    assert!(!err.contains("not a problem with the input data"), "{err}");
}

#[test]
fn a_bad_argument_value_is_a_usage_error_exiting_2() {
    let o = shnor()
        .args(["synth", "--years", "2025-2023", "--out", "unused"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        "shnor: error: --years 2025-2023: the range starts after it ends; write it from the earlier year (2023-2025)\n"
    );
}
