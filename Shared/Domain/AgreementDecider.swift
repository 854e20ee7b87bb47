import Foundation

/// The agreement state machine as two pure functions over closed types (the decider pattern):
/// ``decide(_:by:state:now:)`` turns a command into events, ``evolve(_:_:)`` applies one event to the state.
///
/// "The log is the arbiter": services decide on their own, possibly stale, projection and publish events; every
/// projection then applies the ordered log with `evolve`, which re-checks each transition's guard. An event that
/// lost a race (say, a confirmation that lands after the employer's take-back) is refused the same way
/// everywhere. `decide` builds its event and runs it through that same `evolve`, so each rule lives in one place.
public enum AgreementDecider {
    /// 用人单位审核完成七日后自动进行确认: exactly 7 × 86 400 s, in the milliseconds every comparison uses (see
    /// `Date.wireMilliseconds`). When it ends for an agreement: ``Agreement/autoConfirmationDue``.
    public static let autoConfirmationWindowMilliseconds: Int64 = 7 * 86_400_000
    /// 一式三份.
    public static let standardCopies = 3
    /// How many more copies one re-authorisation may allow.
    public static let extraCopiesRange = 1...3

    // MARK: decide

    /// The events `command` by `actor` produces on `state` at `now`.
    ///
    /// - Returns: `[]` when the command repeats what the state already says (idempotent retry), otherwise the
    ///   events to publish (one, today).
    /// - Throws: the refusal, naming the command and the status it was refused in. Checks run in this order: the
    ///   agreement exists, the actor may act on it, (repeat → `[]`), the transition guard of `evolve`, then the
    ///   command's input validation.
    public static func decide(_ command: AgreementCommand, by actor: Actor, state: Agreement?, now: Date) throws(AgreementRefusal) -> [AgreementEvent] {
        // Stamp events on the contract's millisecond grid, so a projection reading the log compares the very
        // times the decider compared.
        let now = now.truncatedToWireMilliseconds
        do throws(AgreementRefusal) {
            let subject: String? = if case .saveDraft(let student, _, _) = command { student.studentID } else { nil }
            try authorize(command.action, name: command.name, by: actor, state: state, studentID: subject)
            if isRepeat(command, by: actor, state: state) { return [] }
            let event = try makeEvent(command, by: actor, state: state, now: now)
            _ = try evolve(state, event)
            try validateInput(of: command)
            return [event]
        } catch {
            var refusal = error
            refusal.command = command.name
            refusal.status = state?.status
            throw refusal
        }
    }

    /// A repeated command in the state it already produced: nothing to do.
    private static func isRepeat(_ command: AgreementCommand, by actor: Actor, state: Agreement?) -> Bool {
        guard let s = state else { return false }
        func sameReason(_ kind: RecordedReason.Kind, _ reason: String) -> Bool {
            s.lastReason?.kind == kind && s.lastReason?.reason == reason.trimmed && s.lastReason?.by == actor
        }
        switch command {
        case .saveDraft(let student, let employer, let form):
            return s.status == .draft && s.student == student && s.employer == employer.normalized && s.form == form.normalized
        case .submit:
            return s.status == .submitted
        case .employerSign(let section):
            return s.status == .employerSigned && s.employerSection == section.normalized
        case .employerReturn(let reason):
            return s.status == .returned && sameReason(.employerReturned, reason)
        case .employerTakeBack(let reason):
            return s.status == .submitted && sameReason(.employerTookBack, reason)
        case .studentConfirm:
            return s.status == .confirmed && s.confirmedBy == .student
        case .autoConfirm(let round):
            return s.status == .confirmed && s.confirmedBy == .auto && s.signingRound == round
        case .collegeApprove(let review, let number):
            return s.status == .approved && s.review == review.normalized && s.agreementNumber == number
        case .collegeReturn(let reason):
            return s.status == .returned && sameReason(.collegeReturned, reason)
        case .printCopy:
            return false  // every print is a new copy
        case .authoriseReprint(let extra, let reason):
            return s.status == .printed && sameReason(.reprintAuthorised, reason) && s.copiesAllowed - s.copiesPrinted == extra
        case .file:
            return s.status == .filed
        }
    }

    /// The event the command stands for, with inputs normalized (trimmed). Not yet checked.
    private static func makeEvent(_ command: AgreementCommand, by actor: Actor, state: Agreement?, now: Date) throws(AgreementRefusal) -> AgreementEvent {
        if case .saveDraft(let student, let employer, let form) = command {
            return .draftSaved(DraftSaved(
                agreementID: state?.id ?? AgreementID.forStudent(student.studentID), student: student,
                employer: employer.normalized, form: form.normalized, at: now, actor: actor))
        }
        guard let s = state else { throw Guard(command.action, command.name, nil).notFound() }
        let id = s.id, student = s.studentID
        switch command {
        case .saveDraft:
            preconditionFailure("handled above")
        case .submit(let acknowledged, let reviewStatus):
            guard let employer = s.employer else { throw Guard(.submit, command.name, s).invalidState() }
            var snapshot = s.student
            snapshot.reviewStatus = reviewStatus
            return .submitted(Submitted(agreementID: id, student: snapshot, employer: employer, form: s.form,
                                        noticesAcknowledged: acknowledged, at: now, actor: actor))
        case .employerSign(let section):
            return .employerSigned(EmployerSigned(agreementID: id, studentID: student, section: section.normalized,
                                                  signingRound: s.signingRound + 1, at: now, actor: actor))
        case .employerReturn(let reason):
            return .employerReturned(EmployerReturned(agreementID: id, studentID: student, reason: reason.trimmed, at: now, actor: actor))
        case .employerTakeBack(let reason):
            return .employerTookBack(EmployerTookBack(agreementID: id, studentID: student, reason: reason.trimmed,
                                                      signingRound: s.signingRound, at: now, actor: actor))
        case .studentConfirm:
            return .studentConfirmed(StudentConfirmed(agreementID: id, studentID: student, signingRound: s.signingRound, at: now, actor: actor))
        case .autoConfirm(let round):
            return .autoConfirmed(AutoConfirmed(agreementID: id, studentID: student, signingRound: round, at: now, actor: actor))
        case .collegeApprove(let review, let number):
            return .collegeApproved(CollegeApproved(agreementID: id, studentID: student, review: review.normalized,
                                                    agreementNumber: number, at: now, actor: actor))
        case .collegeReturn(let reason):
            return .collegeReturned(CollegeReturned(agreementID: id, studentID: student, reason: reason.trimmed, at: now, actor: actor))
        case .printCopy:
            return .copyPrinted(CopyPrinted(agreementID: id, studentID: student, copyNumber: s.copiesPrinted + 1, at: now, actor: actor))
        case .authoriseReprint(let extra, let reason):
            return .reprintAuthorised(ReprintAuthorised(agreementID: id, studentID: student, extraCopies: extra,
                                                        reason: reason.trimmed, at: now, actor: actor))
        case .file:
            return .filed(Filed(agreementID: id, studentID: student, at: now, actor: actor))
        }
    }

    /// Input checks that only make sense for a command (the log already holds validated input).
    private static func validateInput(of command: AgreementCommand) throws(AgreementRefusal) {
        switch command {
        case .saveDraft(let student, let employer, let form):
            try AgreementValidation.validate(student)
            // The student cannot edit registry data, so only what identifies the employer is required here;
            // the full check runs at registration and when the employer signs.
            if employer.employerID.trimmed.isEmpty { throw AgreementValidation.invalid("employerID", "请选择签约单位") }
            if employer.name.trimmed.isEmpty { throw AgreementValidation.invalid("employerID", "签约单位缺少单位名称") }
            try AgreementValidation.validate(form)
        case .employerSign(let section):
            try AgreementValidation.validate(section)
        case .employerReturn(let reason), .collegeReturn(let reason):
            try AgreementValidation.validate(reason: reason, label: "退回原因")
        case .employerTakeBack(let reason):
            try AgreementValidation.validate(reason: reason, label: "拿回重签原因")
        case .collegeApprove(let review, let number):
            try AgreementValidation.validate(review)
            try AgreementValidation.validate(number)
        case .authoriseReprint(_, let reason):
            try AgreementValidation.validate(reason: reason, label: "补打原因")
        case .submit, .studentConfirm, .autoConfirm, .printCopy, .file:
            break
        }
    }

    // MARK: evolve

    /// The state after `event`, or the refusal if the event is not allowed in `state`.
    ///
    /// Validating and deterministic: it checks the agreement exists (only a save creates it), the actor may act on
    /// it, the status allows the step, and the step's own rule (signing round, seven-day window measured between
    /// the events' own timestamps, copy limit, agreement number…). The refusal depends only on `state` and
    /// `event`, never on how the state came about, so every projection refuses identically.
    public static func evolve(_ state: Agreement?, _ event: AgreementEvent) throws(AgreementRefusal) -> Agreement {
        let rule = Guard(event.action, event.typeName, state)
        if let s = state, event.agreementID != s.id || event.studentID != s.studentID { throw rule.mismatch() }
        try authorize(event.action, name: event.typeName, by: event.actor, state: state, studentID: event.studentID)

        var next: Agreement
        switch event {
        case .draftSaved(let e):
            guard e.student.studentID == e.studentID else { throw rule.mismatch() }
            if var s = state {
                guard s.status.allowsEmployerChange else {
                    throw e.employer.employerID != s.employerID ? rule.employerLocked() : rule.invalidState()
                }
                s.student = e.student
                s.employer = e.employer
                s.employerID = e.employer.employerID
                s.form = e.form
                s.status = .draft
                next = s
            } else {
                next = Agreement(id: e.agreementID, status: .draft, student: e.student, employer: e.employer,
                                 form: e.form, version: 0, updatedAt: e.at)
            }

        case .submitted(let e):
            next = try rule.require(.draft, .returned)
            guard e.student.studentID == next.studentID else { throw rule.mismatch() }
            guard e.student.reviewStatus.permitsSigning else { throw rule.reviewStatusBlocks(e.student.reviewStatus) }
            guard e.noticesAcknowledged else { throw rule.noticesNotAcknowledged() }
            guard e.employer == next.employer, e.form == next.form else { throw rule.staleDraft() }
            next.student = e.student
            next.noticesAcknowledged = true
            next.status = .submitted

        case .employerSigned(let e):
            next = try rule.require(.submitted)
            guard e.signingRound == next.signingRound + 1 else { throw rule.staleRound(current: next.signingRound) }
            guard e.section.employer.employerID == next.employerID else {
                throw rule.refuse(.validationFailed, "单位信息中的单位编号与签约单位不一致", field: "employer.employerID")
            }
            next.employerSection = e.section
            next.signingRound = e.signingRound
            next.lastSignedAt = e.at
            next.confirmedBy = nil
            next.confirmedAt = nil
            next.status = .employerSigned

        case .employerReturned(let e):
            next = try rule.require(.submitted)
            next.employerSection = nil
            next.lastReason = RecordedReason(kind: .employerReturned, reason: e.reason, by: e.actor, at: e.at)
            next.status = .returned

        case .employerTookBack(let e):
            next = try rule.require(.employerSigned, message: "只有单位已签约、学生尚未确认时才能拿回重签")
            guard e.signingRound == next.signingRound else { throw rule.staleRound(current: next.signingRound) }
            next.lastReason = RecordedReason(kind: .employerTookBack, reason: e.reason, by: e.actor, at: e.at)
            next.status = .submitted

        case .studentConfirmed(let e):
            next = try rule.require(.employerSigned)
            guard e.signingRound == next.signingRound else { throw rule.staleRound(current: next.signingRound) }
            next.confirmedBy = .student
            next.confirmedAt = e.at
            next.status = .confirmed

        case .autoConfirmed(let e):
            next = try rule.require(.employerSigned)
            guard e.signingRound == next.signingRound else { throw rule.staleRound(current: next.signingRound) }
            guard let signedAt = next.lastSignedAt,
                  e.at.wireMilliseconds - signedAt.wireMilliseconds >= autoConfirmationWindowMilliseconds else {
                throw rule.refuse(.windowNotElapsed, "用人单位签约未满七日，不能自动确认")
            }
            next.confirmedBy = .auto
            next.confirmedAt = e.at
            next.status = .confirmed

        case .collegeApproved(let e):
            next = try rule.require(.confirmed)
            if let assigned = next.agreementNumber, assigned != e.agreementNumber {
                throw rule.refuse(.numberMismatch, "该协议书已分配协议书号\(assigned.formatted)，不能更改", field: "agreementNumber")
            }
            next.review = e.review
            next.reviewedBy = e.actor.id
            next.approvedAt = e.at
            next.agreementNumber = e.agreementNumber
            next.status = .approved

        case .collegeReturned(let e):
            next = try rule.require(.confirmed)
            // The student fixes and resubmits; the employer then signs again, the college reviews again. The
            // agreement number, once assigned, stays.
            next.employerSection = nil
            next.confirmedBy = nil
            next.confirmedAt = nil
            next.review = nil
            next.reviewedBy = nil
            next.approvedAt = nil
            next.lastReason = RecordedReason(kind: .collegeReturned, reason: e.reason, by: e.actor, at: e.at)
            next.status = .returned

        case .copyPrinted(let e):
            next = try rule.require(.approved, .printed, message: "学院审核通过后才能打印")
            guard next.copiesPrinted < next.copiesAllowed else {
                throw rule.refuse(.copyLimitReached, "协议书已打印\(next.copiesPrinted)份，不可多打；如需补打，请联系学院重新授权")
            }
            guard e.copyNumber == next.copiesPrinted + 1 else {
                throw rule.refuse(.staleCopyNumber, "打印份数已变化（已打印\(next.copiesPrinted)份），请刷新后重试")
            }
            next.copiesPrinted = e.copyNumber
            next.status = .printed

        case .reprintAuthorised(let e):
            next = try rule.require(.printed)
            guard extraCopiesRange.contains(e.extraCopies) else {
                throw rule.refuse(.validationFailed, "补打份数须为1至3份", field: "extraCopies")
            }
            guard next.copiesPrinted >= next.copiesAllowed else {
                throw rule.refuse(.invalidState, "尚有\(next.copiesRemaining)份未打印，无需重新授权")
            }
            next.copiesAllowed += e.extraCopies
            next.lastReason = RecordedReason(kind: .reprintAuthorised, reason: e.reason, by: e.actor, at: e.at)

        case .filed(let e):
            next = try rule.require(.printed, message: "协议书打印后才能备案")
            next.filedAt = e.at
            next.status = .filed
        }
        next.version += 1
        next.updatedAt = event.at
        return next
    }

    // MARK: who may act

    /// The one permission rule for a step, used by decide (before the repeat check) and by evolve.
    ///
    /// Students act on their own agreement; employers on agreements addressed to them; counselors on students
    /// of their college, the office on all; only the system auto-confirms. Printing: the student or the staff.
    private static func authorize(_ action: AgreementAction, name: String, by actor: Actor, state: Agreement?,
                                  studentID: String?) throws(AgreementRefusal) {
        let rule = Guard(action, name, state)
        guard let s = state else {
            guard action == .saveDraft else { throw rule.notFound() }
            guard case .student(let id) = actor, id == studentID else { throw rule.notPermitted(actor) }
            return
        }
        let isOwner = actor == .student(studentID: s.studentID)
        let permitted: Bool = switch action {
        case .saveDraft, .submit, .studentConfirm:
            isOwner
        case .employerSign, .employerReturn, .employerTakeBack:
            s.employerID.map { actor == .employer(employerID: $0) } ?? false
        case .autoConfirm:
            if case .system = actor { true } else { false }
        case .collegeApprove, .collegeReturn, .authoriseReprint, .file:
            actor.isStaff(of: s.student.collegeCode)
        case .printCopy:
            isOwner || actor.isStaff(of: s.student.collegeCode)
        }
        guard permitted else { throw rule.notPermitted(actor) }
    }
}

/// Builds the refusals of one step in one state, so every message is made the same way.
private struct Guard {
    let action: AgreementAction
    let name: String
    let state: Agreement?

    init(_ action: AgreementAction, _ name: String, _ state: Agreement?) {
        self.action = action
        self.name = name
        self.state = state
    }

    func refuse(_ code: RefusalCode, _ message: String, field: String? = nil) -> AgreementRefusal {
        AgreementRefusal(code: code, status: state?.status, command: name, message: message, field: field)
    }

    /// The state, if its status is one of `allowed`.
    func require(_ allowed: AgreementStatus..., message: String? = nil) throws(AgreementRefusal) -> Agreement {
        guard let s = state else { throw notFound() }
        guard allowed.contains(s.status) else { throw invalidState(message) }
        return s
    }

    func invalidState(_ detail: String? = nil) -> AgreementRefusal {
        let status = state?.status.displayName ?? "不存在"
        var message = "协议当前状态为“\(status)”，不能\(action.displayName)"
        if let detail { message += "：\(detail)" }
        return refuse(.invalidState, message)
    }

    func notFound() -> AgreementRefusal {
        refuse(.notFound, "尚未填写签约信息，不能\(action.displayName)")
    }

    func notPermitted(_ actor: Actor) -> AgreementRefusal {
        refuse(.notPermitted, "无权对该协议进行“\(action.displayName)”操作")
    }

    func mismatch() -> AgreementRefusal {
        refuse(.agreementMismatch, "该记录不属于此协议")
    }

    func employerLocked() -> AgreementRefusal {
        refuse(.employerLocked, "已正式提交给用人单位，不能更换签约单位；如需更换，请联系单位退回", field: "employerID")
    }

    func reviewStatusBlocks(_ status: SourceReviewStatus) -> AgreementRefusal {
        refuse(.reviewStatusBlocksSigning,
               "生源信息审核状态为“\(status.rawValue)”，暂不能签约（须为“审核完成”或“待就业处审核”），请联系学院老师")
    }

    func noticesNotAcknowledged() -> AgreementRefusal {
        refuse(.noticesNotAcknowledged, "请先阅读签约须知和违约说明")
    }

    func staleDraft() -> AgreementRefusal {
        refuse(.staleDraft, "签约信息已修改，请刷新后重新提交")
    }

    func staleRound(current: Int) -> AgreementRefusal {
        refuse(.staleSigningRound, "用人单位已重新签约（第\(current)次签约），请刷新后重试")
    }
}
