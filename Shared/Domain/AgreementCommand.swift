/// What a party asks the agreement to do. The actor is passed beside it (``AgreementDecider/decide(_:by:state:now:)``).
public enum AgreementCommand: Codable, Sendable, Hashable {
    /// 确定: create or edit the draft. From nothing, draft or returned only; the employer may change only then.
    case saveDraft(student: StudentSnapshot, employer: EmployerSnapshot, form: StudentForm)
    /// 正式提交: send to the employer. Needs the notices read and a review status that permits signing.
    case submit(noticesAcknowledged: Bool, reviewStatus: SourceReviewStatus)
    /// 确定签约, by the addressed employer, from submitted.
    case employerSign(section: EmployerSection)
    /// 退回/拒绝签约, by the addressed employer, from submitted; reason required.
    case employerReturn(reason: String)
    /// 拿回重签, by the addressed employer, only while the student has not confirmed; reason required.
    case employerTakeBack(reason: String)
    /// 确定签约信息, by the student, after the employer signed.
    case studentConfirm
    /// The scheduler's confirmation, seven days after signing round `signingRound`.
    case autoConfirm(signingRound: Int)
    /// 通过, by a counselor of the student's college or the office; the number is assigned once.
    case collegeApprove(review: CollegeReview, agreementNumber: AgreementNumber)
    /// 退回 by the college to the student, from confirmed; reason required.
    case collegeReturn(reason: String)
    /// Print one copy, after approval, by the student, a counselor of the college or the office.
    case printCopy
    /// Allow 1–3 more copies once all allowed copies are printed; by a counselor of the college or the office.
    case authoriseReprint(extraCopies: Int, reason: String)
    /// 备案, after printing; by a counselor of the college or the office.
    case file

    /// The command's stable name (the case name), used in refusals.
    public var name: String { action.rawValue }

    var action: AgreementAction {
        switch self {
        case .saveDraft: .saveDraft
        case .submit: .submit
        case .employerSign: .employerSign
        case .employerReturn: .employerReturn
        case .employerTakeBack: .employerTakeBack
        case .studentConfirm: .studentConfirm
        case .autoConfirm: .autoConfirm
        case .collegeApprove: .collegeApprove
        case .collegeReturn: .collegeReturn
        case .printCopy: .printCopy
        case .authoriseReprint: .authoriseReprint
        case .file: .file
        }
    }
}

/// The twelve steps, shared by commands and the events they produce, so that one rule serves both.
enum AgreementAction: String, Sendable, CaseIterable {
    case saveDraft, submit, employerSign, employerReturn, employerTakeBack, studentConfirm, autoConfirm
    case collegeApprove, collegeReturn, printCopy, authoriseReprint, file

    /// The zh-CN name of the step, as the buttons say.
    var displayName: String {
        switch self {
        case .saveDraft: "保存签约信息"
        case .submit: "正式提交"
        case .employerSign: "确定签约"
        case .employerReturn: "退回/拒绝签约"
        case .employerTakeBack: "拿回重签"
        case .studentConfirm: "确定签约信息"
        case .autoConfirm: "自动确认"
        case .collegeApprove: "审核通过"
        case .collegeReturn: "退回"
        case .printCopy: "打印协议书"
        case .authoriseReprint: "授权补打"
        case .file: "备案"
        }
    }
}
