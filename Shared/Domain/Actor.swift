/// Who issues a command and so who an event is attributed to.
///
/// JSON: `{"role": "student", "id": "2026000001"}`; a counselor also carries `collegeCode`. Roles are the token
/// roles (`student`, `employer`, `counselor`, `office`) plus `system` for the scheduler.
public enum Actor: Hashable, Sendable, Codable, CustomStringConvertible {
    case student(studentID: String)
    case employer(employerID: String)
    /// A college counselor or coordinator (辅导员/协理员): acts only on students of `collegeCode`.
    case counselor(counselorID: String, collegeCode: String)
    /// University-wide staff of the employment office (就业处): acts on every agreement.
    case employmentOffice(staffID: String)
    /// The system itself, e.g. `"scheduler"` for automatic confirmation.
    case system(String)

    /// The stable role name used in JSON.
    public var role: String {
        switch self {
        case .student: "student"
        case .employer: "employer"
        case .counselor: "counselor"
        case .employmentOffice: "office"
        case .system: "system"
        }
    }

    /// The student ID, employer ID, staff ID or system component name.
    public var id: String {
        switch self {
        case .student(let id), .employer(let id), .counselor(let id, _), .employmentOffice(let id), .system(let id): id
        }
    }

    /// The counselor's college, nil for everyone else.
    public var collegeCode: String? {
        if case .counselor(_, let code) = self { return code }
        return nil
    }

    /// Staff who act for the university on students of `collegeCode`: that college's counselors and the office.
    public func isStaff(of collegeCode: String) -> Bool {
        switch self {
        case .counselor(_, let code): code == collegeCode
        case .employmentOffice: true
        case .student, .employer, .system: false
        }
    }

    public var description: String {
        if let collegeCode { return "\(role):\(id)@\(collegeCode)" }
        return "\(role):\(id)"
    }

    private enum Keys: String, CodingKey { case role, id, collegeCode }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let id = try c.decode(String.self, forKey: .id)
        switch try c.decode(String.self, forKey: .role) {
        case "student": self = .student(studentID: id)
        case "employer": self = .employer(employerID: id)
        case "counselor": self = .counselor(counselorID: id, collegeCode: try c.decode(String.self, forKey: .collegeCode))
        case "office": self = .employmentOffice(staffID: id)
        case "system": self = .system(id)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .role, in: c, debugDescription: "unknown actor role \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(role, forKey: .role)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(collegeCode, forKey: .collegeCode)
    }
}
