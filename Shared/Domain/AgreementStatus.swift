/// Where an agreement is in the five-step workflow of the manual.
///
/// Raw values are the stable wire and database form; ``displayName`` is what users see.
public enum AgreementStatus: String, Codable, CaseIterable, Sendable, Hashable {
    /// Saved by the student (确定), not yet sent; the employer can still be changed.
    case draft
    /// Formally submitted (正式提交): waiting for the employer (待单位签约).
    case submitted
    /// Back with the student (已退回): by the employer (退回/拒绝签约) or the college; employer changeable again.
    case returned
    /// The employer signed (单位已签约); the student confirms, or the system does seven days later.
    case employerSigned
    /// Confirmed by the student or automatically; waiting for the college review.
    case confirmed
    /// The college approved (学院审核通过); printing is enabled.
    case approved
    /// At least one copy printed.
    case printed
    /// Filed (已备案): the end of the workflow.
    case filed

    /// The zh-CN name shown in every user interface.
    public var displayName: String {
        switch self {
        case .draft: "草稿（未提交）"
        case .submitted: "待单位签约"
        case .returned: "已退回"
        case .employerSigned: "单位已签约"
        case .confirmed: "学生已确认"
        case .approved: "学院审核通过"
        case .printed: "已打印"
        case .filed: "已备案"
        }
    }

    /// Not yet filed: the student's one agreement is still moving.
    public var isInProgress: Bool { self != .filed }

    /// Final: nothing can happen any more.
    public var isFinal: Bool { self == .filed }

    /// The employer has to act (待签约信息).
    public var awaitingEmployer: Bool { self == .submitted }

    /// The student has to act: finish or fix the draft, or confirm the employer's signing.
    public var awaitingStudent: Bool { self == .draft || self == .returned || self == .employerSigned }

    /// The college has to act: review (confirmed), print (approved/printed) or file (printed).
    public var awaitingCollege: Bool { self == .confirmed || self == .approved || self == .printed }

    /// The student may still choose another employer (the employer is fixed from submission until a return).
    public var allowsEmployerChange: Bool { self == .draft || self == .returned }

    /// The employer has signed and the signing still stands (shown under 已签约信息).
    public var isSignedByEmployer: Bool {
        switch self {
        case .employerSigned, .confirmed, .approved, .printed, .filed: true
        case .draft, .submitted, .returned: false
        }
    }

    /// The college has to review it (网上签约审核, 待审核).
    public var awaitingReview: Bool { self == .confirmed }

    /// The college approved it (通过): print buttons are enabled.
    public var isApproved: Bool { self == .approved || self == .printed || self == .filed }
}
