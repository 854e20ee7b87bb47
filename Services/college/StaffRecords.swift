import AgreementDomain

/// The staff directory as the actions and the portal's sign-on use it (``StaffDirectory`` on PostgreSQL).
protocol StaffRecords: Sendable {
    /// Stores the valid rows (a repeated staff ID is updated), in one transaction.
    func store(_ members: [StaffMember]) async throws
    /// The directory: the office first, then each college's counselors.
    func members(limit: Int) async throws -> [StaffMember]
    func member(_ staffID: String) async throws -> StaffMember?
}

extension StaffRecords {
    func members() async throws -> [StaffMember] { try await members(limit: 200) }
}
