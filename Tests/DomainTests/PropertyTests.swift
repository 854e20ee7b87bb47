import AgreementDomain
import Foundation
import PropertyBased
import Testing

/// Random sequences of commands from every role (including a foreign student, a foreign employer and a counselor
/// of another college) with random time advances. After every step the workflow's invariants hold, and replaying
/// the produced events from nothing gives exactly the state the steps produced.
@Suite struct PropertyTests {
    typealias F = Fixture

    /// All the parties: index 0–1 students (1 foreign), 2–4 employers (4 never chosen), 5–6 counselors (6 of
    /// another college), 7 office, 8 scheduler.
    static let actors: [Actor] = [F.me, F.otherStudent, F.company, F.company2, F.foreignCompany, F.counselor,
                                  F.foreignCounselor, F.office, F.scheduler]
    static let advances: [TimeInterval] = [0, 1, 3_600, 86_400, 7 * 86_400 - 60, 7 * 86_400, 3 * 86_400, 0.000_4]

    /// The transitions the manual lists, per event type: (from, to). Written out independently of the decider.
    static let listed: [String: Set<Transition>] = [
        "draftSaved": [.init(nil, .draft), .init(.draft, .draft), .init(.returned, .draft)],
        "submitted": [.init(.draft, .submitted), .init(.returned, .submitted)],
        "employerSigned": [.init(.submitted, .employerSigned)],
        "employerReturned": [.init(.submitted, .returned)],
        "employerTookBack": [.init(.employerSigned, .submitted)],
        "studentConfirmed": [.init(.employerSigned, .confirmed)],
        "autoConfirmed": [.init(.employerSigned, .confirmed)],
        "collegeApproved": [.init(.confirmed, .approved)],
        "collegeReturned": [.init(.confirmed, .returned)],
        "copyPrinted": [.init(.approved, .printed), .init(.printed, .printed)],
        "reprintAuthorised": [.init(.printed, .printed)],
        "filed": [.init(.printed, .filed)],
    ]

    struct Transition: Hashable {
        var from: AgreementStatus?
        var to: AgreementStatus
        init(_ from: AgreementStatus?, _ to: AgreementStatus) {
            self.from = from
            self.to = to
        }
    }

    static let knownCodes: Set<RefusalCode> = [
        .invalidState, .notPermitted, .validationFailed, .reviewStatusBlocksSigning, .noticesNotAcknowledged,
        .employerLocked, .staleDraft, .copyLimitReached, .staleCopyNumber, .windowNotElapsed, .staleSigningRound,
        .numberMismatch, .notFound,
    ]

    /// One random step: which command (0–12 one of the twelve, 13–19 "the next step of the main path"), which
    /// actor (0–5 the rightful one, 6–9 someone picked from everybody), an input variant, a time advance.
    typealias Step = (command: Int, actor: Int, variant: Int, advance: Int)

    static func command(_ step: Step, state: Agreement?) -> (AgreementCommand, Actor) {
        var index = step.command
        if index >= 13 {
            index = switch state?.status {
            case nil, .draft?, .returned?: step.variant == 0 ? 0 : 1
            case .submitted?: step.variant == 3 ? 3 : 2
            case .employerSigned?: [5, 6, 4, 5][step.variant]
            case .confirmed?: step.variant == 3 ? 8 : 7
            case .approved?: 9
            case .printed?: [9, 11, 10, 9][step.variant]
            case .filed?: 11
            }
        }
        let v = step.variant
        let employer = v % 2 == 0 ? F.employer : F.employer2
        let current = state?.employer ?? F.employer
        let reasons = ["信息有误，请核对", "拒绝签约", "  ", "信息有误，请核对"]
        let (command, rightful): (AgreementCommand, Actor) = switch index {
        case 0:
            (.saveDraft(student: F.student, employer: employer,
                        form: v == 3 ? StudentForm(mobile: "123", email: "a@b.cn") : (v == 1 ? F.form2 : F.form)), F.me)
        case 1:
            (.submit(noticesAcknowledged: v != 3, reviewStatus: [.complete, .awaitingEmploymentOffice, .awaitingCollege, .complete][v]), F.me)
        case 2:
            (.employerSign(section: EmployerSection(employer: current, employerOpinion: ["同意接收", "同意", " ", "同意接收"][v])),
             .employer(employerID: current.employerID))
        case 3: (.employerReturn(reason: reasons[v]), .employer(employerID: current.employerID))
        case 4: (.employerTakeBack(reason: reasons[v]), .employer(employerID: current.employerID))
        case 5: (.studentConfirm, F.me)
        case 6: (.autoConfirm(signingRound: (state?.signingRound ?? 1) + [0, 0, -1, 1][v]), F.scheduler)
        case 7:
            (.collegeApprove(review: v == 3 ? CollegeReview(contactPerson: "刘老师", contactPhone: "1", postalCode: "100871", mailingAddress: "北京")
                             : F.review, agreementNumber: v == 2 ? F.number2 : F.number), v == 1 ? F.office : F.counselor)
        case 8: (.collegeReturn(reason: reasons[v]), F.counselor)
        case 9: (.printCopy, [F.me, F.counselor, F.office, F.me][v])
        case 10: (.authoriseReprint(extraCopies: v + 1, reason: "污损补打"), v == 2 ? F.office : F.counselor)
        case 11: (.file, F.counselor)
        default: (.studentConfirm, F.me)
        }
        let actor = step.actor <= 5 ? rightful : actors[(step.actor + step.command + step.variant) % actors.count]
        return (command, actor)
    }

    static let steps = zip(Gen.int(in: 0...19), Gen.int(in: 0...9), Gen.int(in: 0...3), Gen.int(in: 0...7))
        .map { Step(command: $0, actor: $1, variant: $2, advance: $3) }
        .array(of: 1...80)

    @Test func invariantsHoldAndTheLogReplaysToTheSameState() async {
        var reached: Set<AgreementStatus> = []
        var sawAutoConfirm = false, sawCopyLimit = false, sawStaleRound = false
        await propertyCheck(count: 300, input: Self.steps) { steps in
            var state: Agreement?
            var log: [AgreementEvent] = []
            var now = F.t0
            for step in steps {
                now = now.addingTimeInterval(Self.advances[step.advance])
                let (command, actor) = Self.command(step, state: state)
                let produced: [AgreementEvent]
                do throws(AgreementRefusal) {
                    produced = try AgreementDecider.decide(command, by: actor, state: state, now: now)
                } catch {
                    #expect(Self.knownCodes.contains(error.code), "unexpected code \(error.code)")
                    #expect(!error.message.isEmpty && error.command == command.name && error.status == state?.status)
                    if error.code == .copyLimitReached { sawCopyLimit = true }
                    if error.code == .staleSigningRound { sawStaleRound = true }
                    continue
                }
                for event in produced {
                    let before = state
                    let after: Agreement
                    do throws(AgreementRefusal) {
                        after = try AgreementDecider.evolve(before, event)
                    } catch {
                        Issue.record("evolve refused what decide produced: \(command.name) by \(actor): \(error)")
                        return
                    }
                    Self.checkStep(before: before, event: event, after: after)
                    if case .autoConfirmed = event { sawAutoConfirm = true }
                    state = after
                    log.append(event)
                    reached.insert(after.status)
                }
                #expect(state?.version ?? 0 == log.count, "version counts the applied events")
                // A repeated command in the state it produced is a no-op (printing makes a new copy each time).
                if !produced.isEmpty, command != .printCopy {
                    #expect((try? AgreementDecider.decide(command, by: actor, state: state, now: now)) == [],
                            "repeating \(command.name) must change nothing")
                }
            }
            // decide and evolve agree: the log alone rebuilds the state.
            var replayed: Agreement?
            for event in log {
                guard let next = try? AgreementDecider.evolve(replayed, event) else {
                    Issue.record("replay refused \(event.typeName)")
                    return
                }
                replayed = next
            }
            #expect(replayed == state)
        }
        // The generator reaches the whole workflow, so the invariants were exercised everywhere.
        #expect(reached == Set(AgreementStatus.allCases), "statuses reached: \(reached)")
        #expect(sawAutoConfirm && sawCopyLimit && sawStaleRound)
    }

    static func checkStep(before: Agreement?, event: AgreementEvent, after: Agreement) {
        let transition = Transition(before?.status, after.status)
        #expect(listed[event.typeName]?.contains(transition) == true,
                "\(event.typeName): \(before?.status.rawValue ?? "nil") → \(after.status.rawValue) is not a listed transition")
        if let before, !before.status.allowsEmployerChange {
            #expect(after.employerID == before.employerID && after.employer == before.employer, "employer changed in \(before.status)")
        }
        #expect(after.copiesPrinted <= after.copiesAllowed)
        #expect(after.copiesAllowed >= AgreementDecider.standardCopies)
        if after.status == .filed {
            #expect(after.copiesPrinted >= 1)
            #expect(before?.status == .printed || before?.status == .filed)
        }
        if case .autoConfirmed(let e) = event {
            let signedAt = before?.lastSignedAt?.wireMilliseconds ?? .max
            #expect(before?.status == .employerSigned)
            #expect(e.signingRound == before?.signingRound)
            #expect(e.at.wireMilliseconds - signedAt >= 7 * 86_400_000, "auto-confirmed before seven days had passed")
        }
        if case .studentConfirmed(let e) = event {
            #expect(e.actor == F.me && e.signingRound == before?.signingRound)
        }
        if after.status == .approved || after.status == .printed || after.status == .filed {
            #expect(after.agreementNumber != nil && after.review != nil)
        }
        #expect(after.version == (before?.version ?? 0) + 1)
    }
}
