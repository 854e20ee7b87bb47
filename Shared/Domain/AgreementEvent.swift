import Foundation

/// A fact about one agreement, as it travels on the log. One case per kind of fact.
///
/// Every payload carries the agreement and student IDs, the time and the actor, so a consumer needs nothing else
/// to route, audit or display it. The JSON of each payload is the public contract (see AgreementContract).
public enum AgreementEvent: Sendable, Hashable, Codable {
    case draftSaved(DraftSaved)
    case submitted(Submitted)
    case employerSigned(EmployerSigned)
    case employerReturned(EmployerReturned)
    case employerTookBack(EmployerTookBack)
    case studentConfirmed(StudentConfirmed)
    case autoConfirmed(AutoConfirmed)
    case collegeApproved(CollegeApproved)
    case collegeReturned(CollegeReturned)
    case copyPrinted(CopyPrinted)
    case reprintAuthorised(ReprintAuthorised)
    case filed(Filed)

    /// The case name (`submitted`, `employerSigned`, …): the event's stable type name.
    public var typeName: String {
        switch self {
        case .draftSaved: "draftSaved"
        case .submitted: "submitted"
        case .employerSigned: "employerSigned"
        case .employerReturned: "employerReturned"
        case .employerTookBack: "employerTookBack"
        case .studentConfirmed: "studentConfirmed"
        case .autoConfirmed: "autoConfirmed"
        case .collegeApproved: "collegeApproved"
        case .collegeReturned: "collegeReturned"
        case .copyPrinted: "copyPrinted"
        case .reprintAuthorised: "reprintAuthorised"
        case .filed: "filed"
        }
    }

    /// Every type name, in workflow order.
    public static let typeNames = [
        "draftSaved", "submitted", "employerSigned", "employerReturned", "employerTookBack", "studentConfirmed",
        "autoConfirmed", "collegeApproved", "collegeReturned", "copyPrinted", "reprintAuthorised", "filed",
    ]

    /// The payload, type-erased.
    public var payload: any AgreementEventPayload {
        switch self {
        case .draftSaved(let p): p
        case .submitted(let p): p
        case .employerSigned(let p): p
        case .employerReturned(let p): p
        case .employerTookBack(let p): p
        case .studentConfirmed(let p): p
        case .autoConfirmed(let p): p
        case .collegeApproved(let p): p
        case .collegeReturned(let p): p
        case .copyPrinted(let p): p
        case .reprintAuthorised(let p): p
        case .filed(let p): p
        }
    }

    public var agreementID: AgreementID { payload.agreementID }
    public var studentID: String { payload.studentID }
    public var at: Date { payload.at }
    public var actor: Actor { payload.actor }

    var action: AgreementAction {
        switch self {
        case .draftSaved: .saveDraft
        case .submitted: .submit
        case .employerSigned: .employerSign
        case .employerReturned: .employerReturn
        case .employerTookBack: .employerTakeBack
        case .studentConfirmed: .studentConfirm
        case .autoConfirmed: .autoConfirm
        case .collegeApproved: .collegeApprove
        case .collegeReturned: .collegeReturn
        case .copyPrinted: .printCopy
        case .reprintAuthorised: .authoriseReprint
        case .filed: .file
        }
    }

    /// Decodes a payload of the type named `typeName` (for storage and the contract's decoder).
    public static func decode(typeName: String, from decoder: any Decoder) throws -> AgreementEvent? {
        switch typeName {
        case "draftSaved": .draftSaved(try DraftSaved(from: decoder))
        case "submitted": .submitted(try Submitted(from: decoder))
        case "employerSigned": .employerSigned(try EmployerSigned(from: decoder))
        case "employerReturned": .employerReturned(try EmployerReturned(from: decoder))
        case "employerTookBack": .employerTookBack(try EmployerTookBack(from: decoder))
        case "studentConfirmed": .studentConfirmed(try StudentConfirmed(from: decoder))
        case "autoConfirmed": .autoConfirmed(try AutoConfirmed(from: decoder))
        case "collegeApproved": .collegeApproved(try CollegeApproved(from: decoder))
        case "collegeReturned": .collegeReturned(try CollegeReturned(from: decoder))
        case "copyPrinted": .copyPrinted(try CopyPrinted(from: decoder))
        case "reprintAuthorised": .reprintAuthorised(try ReprintAuthorised(from: decoder))
        case "filed": .filed(try Filed(from: decoder))
        default: nil
        }
    }

    // Stored form (e.g. in a database): {"type": "submitted", "data": {…payload…}}.
    private enum Keys: String, CodingKey { case type, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        let data = try c.superDecoder(forKey: .data)
        guard let event = try AgreementEvent.decode(typeName: type, from: data) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown agreement event type \(type)")
        }
        self = event
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(typeName, forKey: .type)
        try payload.encode(to: c.superEncoder(forKey: .data))
    }
}

/// What every agreement event payload has.
public protocol AgreementEventPayload: Codable, Sendable, Hashable {
    var agreementID: AgreementID { get }
    var studentID: String { get }
    var at: Date { get }
    var actor: Actor { get }
}

/// The student saved the draft (确定): created or edited, not sent. Carries the whole draft.
public struct DraftSaved: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var student: StudentSnapshot
    public var employer: EmployerSnapshot
    public var form: StudentForm
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, student: StudentSnapshot, employer: EmployerSnapshot, form: StudentForm,
                at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = student.studentID
        self.student = student
        self.employer = employer
        self.form = form
        self.at = at
        self.actor = actor
    }
}

/// The student formally submitted (正式提交) to the employer. Carries the student snapshot (with the review
/// status it was submitted under), the employer and the form, so downstream projections need nothing earlier.
public struct Submitted: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var student: StudentSnapshot
    public var employer: EmployerSnapshot
    public var form: StudentForm
    /// 签约须知 and 违约说明 were read.
    public var noticesAcknowledged: Bool
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, student: StudentSnapshot, employer: EmployerSnapshot, form: StudentForm,
                noticesAcknowledged: Bool, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = student.studentID
        self.student = student
        self.employer = employer
        self.form = form
        self.noticesAcknowledged = noticesAcknowledged
        self.at = at
        self.actor = actor
    }
}

/// The employer signed (确定签约). `signingRound` counts signings: 1 for the first, +1 after each take-back.
public struct EmployerSigned: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var section: EmployerSection
    public var signingRound: Int
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, section: EmployerSection, signingRound: Int, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.section = section
        self.signingRound = signingRound
        self.at = at
        self.actor = actor
    }
}

/// The employer returned it to the student or refused to sign (退回/拒绝签约), with a reason.
public struct EmployerReturned: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var reason: String
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, reason: String, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.reason = reason
        self.at = at
        self.actor = actor
    }
}

/// The employer took its signing back to re-sign (拿回重签), with a reason; the round taken back is named.
public struct EmployerTookBack: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var reason: String
    public var signingRound: Int
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, reason: String, signingRound: Int, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.reason = reason
        self.signingRound = signingRound
        self.at = at
        self.actor = actor
    }
}

/// The student confirmed (确定签约信息) what the employer entered in signing round `signingRound`.
public struct StudentConfirmed: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var signingRound: Int
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, signingRound: Int, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.signingRound = signingRound
        self.at = at
        self.actor = actor
    }
}

/// The system confirmed automatically, seven days after signing round `signingRound`.
public struct AutoConfirmed: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var signingRound: Int
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, signingRound: Int, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.signingRound = signingRound
        self.at = at
        self.actor = actor
    }
}

/// The college approved (通过); the agreement number is assigned (or confirmed, if it already had one).
public struct CollegeApproved: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var review: CollegeReview
    public var agreementNumber: AgreementNumber
    public var at: Date
    /// The approving counselor (or office staff).
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, review: CollegeReview, agreementNumber: AgreementNumber,
                at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.review = review
        self.agreementNumber = agreementNumber
        self.at = at
        self.actor = actor
    }
}

/// The college returned it to the student, with a reason.
public struct CollegeReturned: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var reason: String
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, reason: String, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.reason = reason
        self.at = at
        self.actor = actor
    }
}

/// One copy was printed (duplex); `copyNumber` counts from 1.
public struct CopyPrinted: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var copyNumber: Int
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, copyNumber: Int, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.copyNumber = copyNumber
        self.at = at
        self.actor = actor
    }
}

/// The college allowed `extraCopies` more copies after all allowed copies were printed, with a reason.
public struct ReprintAuthorised: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var extraCopies: Int
    public var reason: String
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, extraCopies: Int, reason: String, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.extraCopies = extraCopies
        self.reason = reason
        self.at = at
        self.actor = actor
    }
}

/// The college filed it (备案): the end of the workflow.
public struct Filed: AgreementEventPayload {
    public var agreementID: AgreementID
    public var studentID: String
    public var at: Date
    public var actor: Actor

    public init(agreementID: AgreementID, studentID: String, at: Date, actor: Actor) {
        self.agreementID = agreementID
        self.studentID = studentID
        self.at = at
        self.actor = actor
    }
}
