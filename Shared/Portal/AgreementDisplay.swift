import AgreementDomain
import Foundation
import ServiceKit

/// An agreement as the portal templates read it (`portal/agreement`, `portal/status`, `portal/timeline`): plain
/// stored values, dates in China's time, labels in Chinese. It shows what the domain says; it decides nothing.
public struct AgreementDisplay: Sendable {
    public struct Student: Sendable {
        var name, studentID, gender, collegeName, major, degree: String
        var graduationYear: Int
    }
    public struct Form: Sendable {
        var mobile, email, personalOpinion: String
        var jobTitle, workLocation, remarks: String?
    }
    public struct Employer: Sendable {
        var name, creditCode, type, industry, location, contactPerson, contactPhone, address, postalCode: String
        var archiveAddressOrDefault: String
        var section: Section?
    }
    public struct Section: Sendable { var employerOpinion: String; var supervisorOpinionOrNone: String }
    public struct Reason: Sendable { var label, reason, by, at: String }
    public struct Entry: Sendable { var at, label, by: String; var reason: String?; var refused: String? }

    public var id: String
    public var status: String
    public var statusName: String
    public var agreementNumber: String?
    public var student: Student
    public var form: Form
    public var employer: Employer?
    public var review: CollegeReview?
    public var lastReason: Reason?
    public var autoConfirmation: String?
    public var printing: Bool
    public var copiesPrinted: Int
    public var copiesAllowed: Int
    public var timeline: [Entry]
    public var hasTimeline: Bool

    public init(_ agreement: Agreement, timeline: [TimelineEntry]?) {
        id = agreement.id.uuid.wire
        status = agreement.status.rawValue
        statusName = agreement.status.displayName
        agreementNumber = agreement.agreementNumber?.description
        let s = agreement.student
        student = Student(name: s.name, studentID: s.studentID, gender: s.gender, collegeName: s.collegeName, major: s.major,
                          degree: s.degree, graduationYear: s.graduationYear)
        let f = agreement.form
        form = Form(mobile: f.mobile, email: f.email, personalOpinion: f.personalOpinion, jobTitle: f.jobTitle,
                    workLocation: f.workLocation, remarks: f.remarks)
        employer = agreement.employerOnAgreement.map { e in
            Employer(name: e.name, creditCode: e.creditCode, type: e.type, industry: e.industry, location: e.location,
                     contactPerson: e.contactPerson, contactPhone: e.contactPhone, address: e.address, postalCode: e.postalCode,
                     archiveAddressOrDefault: e.archiveAddress ?? "同单位地址",
                     section: agreement.employerSection.map {
                         Section(employerOpinion: $0.employerOpinion, supervisorOpinionOrNone: $0.supervisorOpinion ?? "无")
                     })
        }
        review = agreement.review
        lastReason = agreement.lastReason.map {
            Reason(label: Self.reasonLabel($0.kind), reason: $0.reason, by: Self.describe($0.by), at: Self.time($0.at))
        }
        autoConfirmation = agreement.autoConfirmationDue.map(Self.time)
        printing = agreement.status.isApproved
        copiesPrinted = agreement.copiesPrinted
        copiesAllowed = agreement.copiesAllowed
        self.timeline = (timeline ?? []).reversed().map { entry in
            Entry(at: Self.time(entry.at), label: Self.eventLabel(entry.type), by: Self.describe(entry.actor),
                  reason: entry.reason, refused: entry.outcome == .applied ? nil : (entry.code ?? entry.outcome.rawValue))
        }
        hasTimeline = !self.timeline.isEmpty
    }

    static func reasonLabel(_ kind: RecordedReason.Kind) -> String {
        switch kind {
        case .employerReturned: "用人单位退回原因"
        case .employerTookBack: "用人单位拿回重签原因"
        case .collegeReturned: "学院退回原因"
        case .reprintAuthorised: "重新授权打印原因"
        }
    }

    /// The timeline's event names as users read them.
    public static func eventLabel(_ type: String) -> String {
        switch type {
        case "draftSaved": "保存草稿（确定）"
        case "submitted": "正式提交"
        case "employerSigned": "用人单位确定签约"
        case "employerReturned": "用人单位退回/拒绝签约"
        case "employerTookBack": "用人单位拿回重签"
        case "studentConfirmed": "学生确定签约信息"
        case "autoConfirmed": "系统自动确认"
        case "collegeApproved": "学院审核通过"
        case "collegeReturned": "学院退回"
        case "copyPrinted": "打印协议书"
        case "reprintAuthorised": "重新授权打印"
        case "filed": "备案"
        default: type
        }
    }

    public static func describe(_ actor: Actor) -> String {
        switch actor {
        case .student(let id): "学生 \(id)"
        case .employer(let id): "用人单位 \(id)"
        case .counselor(let id, _): "辅导员 \(id)"
        case .employmentOffice(let id): "就业指导中心 \(id)"
        case .system: "系统"
        }
    }

    /// `2026-12-01 14:05` in China's time.
    public static func time(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(
            format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            timeZone: TimeZone(identifier: "Asia/Shanghai")!, calendar: Calendar(identifier: .gregorian)))
    }
}
