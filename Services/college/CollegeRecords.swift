import AgreementDomain

/// The college service's own tables as its actions use them (``CollegeStore`` on PostgreSQL): the roster it
/// owns and publishes, and each counselor's last review.
protocol CollegeRecords: Sendable {
    /// One student's roster record; nil when the student is not on it.
    func rosterRecord(_ studentID: String) async throws -> StudentSnapshot?
    /// Stores the valid rows and publishes each on the roster topic, all in one transaction.
    func importRoster(_ students: [StudentSnapshot]) async throws
    /// The review the counselor gave last (审核's prefill).
    func lastReview(of counselorID: String) async throws -> CollegeReview?
}
