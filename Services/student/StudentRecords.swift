import AgreementDomain

/// What the student's actions read and write of the student service's own tables (``StudentStore`` on
/// PostgreSQL): the roster and registry as the consumers stored them, and the notices each student read.
protocol StudentRecords: Sendable {
    /// The student's roster record; nil when the student is not on the roster.
    func student(_ id: String) async throws -> StudentSnapshot?
    /// A few students to offer on the development sign-on page: some who may sign, one who may not.
    func sampleStudents(limit: Int) async throws -> [StudentSnapshot]
    /// An employer students may choose: registered, approved and not suspended.
    func selectableEmployer(_ id: String) async throws -> EmployerSnapshot?
    /// 模糊查询 of the employers students may choose.
    func searchEmployers(_ query: String, limit: Int) async throws -> [EmployerSnapshot]
    func notices(_ studentID: String) async throws -> StudentStore.Notices
    func acknowledge(_ studentID: String, signingNotice: Bool, breachExplanation: Bool) async throws
}
