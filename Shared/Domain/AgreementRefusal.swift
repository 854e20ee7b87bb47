/// A stable, machine-readable reason for a refusal. Extensible: new codes may appear, so match with `default`.
public struct RefusalCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The step is not possible in the agreement's current status.
    public static let invalidState = RefusalCode(rawValue: "invalid_state")
    /// This actor may not do this to this agreement (another student, employer or college).
    public static let notPermitted = RefusalCode(rawValue: "not_permitted")
    /// An input is missing, malformed or too long; `field` names it.
    public static let validationFailed = RefusalCode(rawValue: "validation_failed")
    /// The student's source-information review status (生源信息审核状态) does not permit signing.
    public static let reviewStatusBlocksSigning = RefusalCode(rawValue: "review_status_blocks_signing")
    /// 签约须知 and 违约说明 were not both read.
    public static let noticesNotAcknowledged = RefusalCode(rawValue: "notices_not_acknowledged")
    /// The employer cannot be changed after submission, until the employer returns the agreement.
    public static let employerLocked = RefusalCode(rawValue: "employer_locked")
    /// The draft changed after the submission was decided (a stale submission).
    public static let staleDraft = RefusalCode(rawValue: "stale_draft")
    /// All allowed copies are printed (不可多打).
    public static let copyLimitReached = RefusalCode(rawValue: "copy_limit_reached")
    /// Another copy was recorded meanwhile (a stale print).
    public static let staleCopyNumber = RefusalCode(rawValue: "stale_copy_number")
    /// Seven days have not passed since the latest employer signing.
    public static let windowNotElapsed = RefusalCode(rawValue: "window_not_elapsed")
    /// The confirmation names a signing round that is no longer the current one.
    public static let staleSigningRound = RefusalCode(rawValue: "stale_signing_round")
    /// The agreement already has another number.
    public static let numberMismatch = RefusalCode(rawValue: "number_mismatch")
    /// The agreement does not exist (yet).
    public static let notFound = RefusalCode(rawValue: "not_found")
    /// The event names another agreement or student than the state it is applied to.
    public static let agreementMismatch = RefusalCode(rawValue: "agreement_mismatch")

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// Why a command or an event was refused: thrown by ``AgreementDecider`` and ``AgreementValidation``.
///
/// Deterministic: the same state and the same event give the same refusal in every projection, so it can be
/// stored and compared. JSON: `{"code", "message", "command", "status"?, "field"?}`.
public struct AgreementRefusal: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: RefusalCode
    /// The status the agreement was in; nil when it did not exist, or for pure input validation.
    public var status: AgreementStatus?
    /// The command name (from decide) or the event type name (from evolve).
    public var command: String
    /// zh-CN, for the user.
    public var message: String
    /// The offending input field, for validation failures.
    public var field: String?

    public init(code: RefusalCode, status: AgreementStatus?, command: String, message: String, field: String? = nil) {
        self.code = code
        self.status = status
        self.command = command
        self.message = message
        self.field = field
    }

    public var description: String {
        var s = "\(code.rawValue) (\(command)"
        if let status { s += " in \(status.rawValue)" }
        s += "): \(message)"
        if let field { s += " [field \(field)]" }
        return s
    }
}
