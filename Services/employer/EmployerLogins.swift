import AgreementDomain
import Crypto
import CryptoExtras
import Foundation
import ServiceKit
import Synchronization
import WangqianPostgres

/// Employers' password accounts: a login name (the unified social credit code, and an e-mail address if given)
/// and a PBKDF2-SHA256 password hash. The employer ID is the system's: assigned at registration.
struct EmployerLogins: EmployerLoginStore {
    let pool: PostgresPool

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 101, name: "employer password logins", sql: """
            create sequence employer_numbers start 100001;
            create table employer_logins (
                login text primary key,
                employer_id text not null,
                password_hash text not null,
                created_at timestamptz not null default now()
            );
            create index employer_logins_employer on employer_logins (employer_id);
            """),
    ]

    static let minPasswordLength = 8
    static let maxPasswordLength = 128

    /// A login name as stored: credit codes upper-cased, e-mail addresses lower-cased, trimmed.
    static func normalized(_ login: String) -> String {
        let t = login.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.contains("@") ? t.lowercased() : t.uppercased()
    }

    static func checkPassword(_ password: String, confirmation: String) throws(APIError) {
        guard (minPasswordLength...maxPasswordLength).contains(password.count) else {
            throw APIError.validation("密码长度须为 \(minPasswordLength)–\(maxPasswordLength) 个字符", field: "password")
        }
        guard password == confirmation else { throw APIError.validation("两次输入的密码不一致", field: "passwordConfirmation") }
    }

    /// A new employer ID, e.g. `E100001`.
    func nextEmployerID() async throws -> String {
        let n = try await pool.query("select nextval('employer_numbers')::bigint as n")[0].decode("n", as: Int64.self)
        return "E\(n)"
    }

    /// Adds the logins of `employerID` (inside the registration's transaction); a taken name is refused.
    static func create(logins: [String], password: String, employerID: String, on connection: PostgresConnection) async throws {
        let hash = try PasswordHash.make(password)
        for login in Set(logins.map(normalized)) {
            let taken = try await connection.query("select 1 from employer_logins where login = \(login)").first != nil
            if taken { throw APIError(.conflict, code: "login_taken", message: "登录名 \(login) 已被注册", field: "login") }
            try await connection.execute("insert into employer_logins (login, employer_id, password_hash) values (\(login), \(employerID), \(hash))")
        }
    }

    /// The employer whose login and password these are; nil otherwise (one answer for both mistakes).
    func verify(login: String, password: String) async throws -> String? {
        let row = try await pool.query("select employer_id, password_hash from employer_logins where login = \(Self.normalized(login))").first
        guard let row else {
            _ = PasswordHash.verify(password, against: PasswordHash.decoy)  // the same time whether or not the name exists
            return nil
        }
        guard PasswordHash.verify(password, against: try row.decode("password_hash")) else { return nil }
        return try row.decode("employer_id")
    }

    func changePassword(of employerID: String, current: String, new: String, confirmation: String) async throws {
        let row = try await pool.query("select password_hash from employer_logins where employer_id = \(employerID) limit 1").first
        guard let row, PasswordHash.verify(current, against: try row.decode("password_hash")) else {
            throw APIError.validation("当前密码不正确", field: "currentPassword")
        }
        try Self.checkPassword(new, confirmation: confirmation)
        try await pool.execute("update employer_logins set password_hash = \(try PasswordHash.make(new)) where employer_id = \(employerID)")
    }

    func logins(of employerID: String) async throws -> [String] {
        try await pool.query("select login from employer_logins where employer_id = \(employerID) order by login").map { try $0.decode("login") }
    }
}

/// `pbkdf2-sha256$<rounds>$<salt>$<hash>` (base64), from swift-crypto's PBKDF2.
enum PasswordHash {
    static let rounds = 210_000

    static func make(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(try derive(password, salt: salt, rounds: rounds).base64EncodedString())"
    }

    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= self.rounds,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let actual = try? derive(password, salt: salt, rounds: rounds) else { return false }
        return actual.count == expected.count && zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ password: String, salt: Data, rounds: Int) throws -> Data {
        try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
            .withUnsafeBytes { Data($0) }
    }

    /// Checked when a login name does not exist, so that answer takes as long as a wrong password.
    static let decoy = "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}

/// Failed logins per login name: after `limit` failures within `window`, that name is refused until the window
/// has passed since the first of them. Kept in memory (one service instance; a restart forgets).
final class LoginThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// When `login` may try again; nil if it may now.
    func blockedUntil(_ login: String, now: Date = Date()) -> Date? {
        failures.withLock { all in
            let recent = (all[login] ?? []).filter { now.timeIntervalSince($0) < window }
            all[login] = recent.isEmpty ? nil : recent
            return recent.count >= limit ? recent.first!.addingTimeInterval(window) : nil
        }
    }

    func failed(_ login: String, now: Date = Date()) {
        failures.withLock { all in
            all[login, default: []].append(now)
            if all.count > 100_000 { all = all.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        }
    }

    func succeeded(_ login: String) { failures.withLock { _ = $0.removeValue(forKey: login) } }
}
