import Foundation

/// How an agreement came to be confirmed (step 3).
public enum Confirmation: String, Codable, CaseIterable, Sendable, Hashable {
    /// The student clicked 确定签约信息.
    case student
    /// Nobody acted for seven days after the employer signed: the system confirmed it.
    case auto
}

/// A reason someone gave when sending the agreement back or changing the rules for it, shown to the other party.
public struct RecordedReason: Codable, Sendable, Hashable {
    /// Which kind of step the reason belongs to.
    public enum Kind: String, Codable, CaseIterable, Sendable, Hashable {
        case employerReturned, employerTookBack, collegeReturned, reprintAuthorised
    }
    public var kind: Kind
    public var reason: String
    public var by: Actor
    public var at: Date

    public init(kind: Kind, reason: String, by: Actor, at: Date) {
        self.kind = kind
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// The state of one agreement: what every projection holds after applying its events in log order.
///
/// `Agreement?` nil means the agreement does not exist yet. Only ``AgreementDecider/evolve(_:_:)`` builds it.
public struct Agreement: Codable, Sendable, Hashable {
    public var id: AgreementID
    public var status: AgreementStatus
    public var studentID: String
    /// The student's basic information, refreshed on every save and on submission.
    public var student: StudentSnapshot
    /// The chosen employer: fixed from submission until a return.
    public var employerID: String?
    public var employer: EmployerSnapshot?
    public var form: StudentForm
    /// 签约须知 and 违约说明 were read before submission.
    public var noticesAcknowledged: Bool
    /// The employer's section of the latest signing (kept after a take-back to pre-fill the re-signing; cleared
    /// when the agreement is returned to the student).
    public var employerSection: EmployerSection?
    /// Incremented on each employer signing: the 1st signing is round 1. Stale confirmations name an older round.
    public var signingRound: Int
    /// When the employer last signed: the seven-day auto-confirmation window runs from here.
    public var lastSignedAt: Date?
    public var confirmedBy: Confirmation?
    public var confirmedAt: Date?
    public var review: CollegeReview?
    /// Staff ID of the counselor (or office staff) who approved.
    public var reviewedBy: String?
    public var approvedAt: Date?
    /// Assigned at the first approval and never changed.
    public var agreementNumber: AgreementNumber?
    public var copiesPrinted: Int
    /// 3 (一式三份), raised when the college re-authorises printing.
    public var copiesAllowed: Int
    public var filedAt: Date?
    /// The last return, take-back or reprint reason, and who gave it.
    public var lastReason: RecordedReason?
    /// The number of events applied: 1 after the first save.
    public var version: Int
    /// The time of the last applied event.
    public var updatedAt: Date

    public init(id: AgreementID, status: AgreementStatus, student: StudentSnapshot, employer: EmployerSnapshot?,
                form: StudentForm, noticesAcknowledged: Bool = false, employerSection: EmployerSection? = nil,
                signingRound: Int = 0, lastSignedAt: Date? = nil, confirmedBy: Confirmation? = nil,
                confirmedAt: Date? = nil, review: CollegeReview? = nil, reviewedBy: String? = nil,
                approvedAt: Date? = nil, agreementNumber: AgreementNumber? = nil, copiesPrinted: Int = 0,
                copiesAllowed: Int = AgreementDecider.standardCopies, filedAt: Date? = nil,
                lastReason: RecordedReason? = nil, version: Int, updatedAt: Date) {
        self.id = id
        self.status = status
        self.studentID = student.studentID
        self.student = student
        self.employerID = employer?.employerID
        self.employer = employer
        self.form = form
        self.noticesAcknowledged = noticesAcknowledged
        self.employerSection = employerSection
        self.signingRound = signingRound
        self.lastSignedAt = lastSignedAt
        self.confirmedBy = confirmedBy
        self.confirmedAt = confirmedAt
        self.review = review
        self.reviewedBy = reviewedBy
        self.approvedAt = approvedAt
        self.agreementNumber = agreementNumber
        self.copiesPrinted = copiesPrinted
        self.copiesAllowed = copiesAllowed
        self.filedAt = filedAt
        self.lastReason = lastReason
        self.version = version
        self.updatedAt = updatedAt
    }

    /// The employer information as it stands on the agreement: the employer's corrected section once signed,
    /// otherwise what the student chose.
    public var employerOnAgreement: EmployerSnapshot? { employerSection?.employer ?? employer }

    /// Copies that may still be printed.
    public var copiesRemaining: Int { max(0, copiesAllowed - copiesPrinted) }

    /// When the system may confirm automatically: seven days after the latest signing, while the employer's
    /// signing awaits the student. nil otherwise.
    public var autoConfirmationDue: Date? {
        guard status == .employerSigned, let lastSignedAt else { return nil }
        return Date(wireMilliseconds: lastSignedAt.wireMilliseconds + AgreementDecider.autoConfirmationWindowMilliseconds)
    }
}
