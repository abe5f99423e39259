//! What a simple ОГЭ/ЕГЭ table loaded, for its load report.
use super::super::report::InputReport;
use crate::model::ResultRow;

/// What a simple ОГЭ/ЕГЭ table loaded, for its load report: schools, years, procedures and
/// participants.
#[derive(Default)]
pub(super) struct Tally {
    schools: std::collections::BTreeSet<String>,
    years: std::collections::BTreeSet<i32>,
    procs: std::collections::BTreeSet<(String, String, i32)>,
    participants: usize,
}

impl Tally {
    pub(super) fn add(&mut self, row: &ResultRow) {
        self.schools.insert(row.school_id.to_string());
        self.years.insert(row.year);
        self.procs.insert((
            row.assessment.to_string(),
            row.subject.to_string(),
            row.grade,
        ));
        self.participants += row.participants as usize;
    }

    /// The load report's schools, years, participants and — when the table holds one procedure —
    /// its assessment, subject and grade.
    pub(super) fn report(self, rep: &mut InputReport) {
        rep.schools = self.schools.len();
        rep.years = self.years.into_iter().collect();
        rep.participants = Some(self.participants);
        if let [(assessment, subject, grade)] = Vec::from_iter(self.procs).as_slice() {
            rep.assessment = Some(assessment.to_string());
            rep.subject = Some(subject.to_string());
            rep.grade = Some(*grade);
        }
    }
}
