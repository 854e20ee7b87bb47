/// The password accounts of the employer portal (``EmployerLogins`` on PostgreSQL).
protocol EmployerLoginStore: Sendable {
    /// A new employer ID, e.g. `E100001`.
    func nextEmployerID() async throws -> String
    /// The employer whose login and password these are; nil otherwise (one answer for both mistakes).
    func verify(login: String, password: String) async throws -> String?
    func changePassword(of employerID: String, current: String, new: String, confirmation: String) async throws
    func logins(of employerID: String) async throws -> [String]
}
