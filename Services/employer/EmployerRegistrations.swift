import AgreementDomain
import WangqianPostgres

/// The employer registry as the actions use it (``EmployerAccounts`` on PostgreSQL): registrations, their
/// approval by the employment office, each change published on the registry topic.
protocol EmployerRegistrations: Sendable {
    func account(_ id: String) async throws -> EmployerAccounts.Account?
    /// Every registration, or only those in `status` (`pending`, `approved`), oldest first.
    func accounts(status: EmployerAccounts.Status?) async throws -> [EmployerAccounts.Account]
    /// Registers, or updates the registration of, an employer; `alsoWrite` is written in the same transaction.
    func register(_ employer: EmployerSnapshot, alsoWrite: (@Sendable (PostgresConnection) async throws -> Void)?) async throws -> EmployerAccounts.Account
    /// Approves a registration (idempotent); nil when there is none.
    func approve(_ id: String, by staffID: String) async throws -> EmployerAccounts.Account?
}
