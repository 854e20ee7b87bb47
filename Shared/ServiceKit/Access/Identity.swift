import AgreementDomain

/// The four kinds of user, as named in signed tokens.
public enum Role: String, Codable, Sendable, CaseIterable {
    case student
    case employer
    case counselor
    case employmentOffice = "office"
}

/// Who is calling, as proven by a verified token.
public struct Identity: Sendable, Equatable {
    public var role: Role
    /// Student ID, employer ID, counselor staff ID or office staff ID.
    public var subject: String
    /// The counselor's college; nil for other roles.
    public var collegeCode: String?

    public init(role: Role, subject: String, collegeCode: String? = nil) {
        self.role = role
        self.subject = subject
        self.collegeCode = collegeCode
    }

    /// The domain's view of this caller, used as the actor of commands.
    public var actor: Actor {
        switch role {
        case .student: .student(studentID: subject)
        case .employer: .employer(employerID: subject)
        case .counselor: .counselor(counselorID: subject, collegeCode: collegeCode ?? "")
        case .employmentOffice: .employmentOffice(staffID: subject)
        }
    }
}

extension Identity {
    /// Whether this caller may see `agreement` at all: a student its own, a counselor its college's, the office
    /// every one. An employer sees only what `EmployerVisibility` shows it, which needs the projection's last
    /// shared state: use `AgreementProjection.visible(_:to:on:)`.
    public func canSee(_ agreement: Agreement) -> Bool {
        switch role {
        case .student: agreement.studentID == subject
        case .employer: false
        case .counselor: agreement.student.collegeCode == collegeCode
        case .employmentOffice: true
        }
    }

    /// Whether this caller may see the agreement with `id` that does not exist yet (a student's first draft).
    public func canSeeMissing(_ id: AgreementID) -> Bool {
        role == .employmentOffice || (role == .student && AgreementID.forStudent(subject) == id)
    }
}
