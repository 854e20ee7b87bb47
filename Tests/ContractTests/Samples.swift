import AgreementContract
import AgreementDomain
import Foundation
import Testing

/// Fixed sample events, one per event type: the golden files are these, encoded.
enum Samples {
    static func time(_ text: String) -> Date { RFC3339.parse(text)! }

    static let agreementID = AgreementID.forStudent("2026000001")
    static let student = StudentSnapshot(
        studentID: "2026000001", name: "张三", gender: "男", collegeCode: "CS", collegeName: "计算机学院",
        major: "软件工程", degree: "本科", graduationYear: 2026, reviewStatus: .complete)
    static let employer = EmployerSnapshot(
        employerID: "E0001", name: "深圳市腾讯计算机系统有限公司", creditCode: "91440300708461136T", type: "民营企业",
        industry: "软件和信息技术服务业", location: "广东省深圳市", contactPerson: "王经理", contactPhone: "0755-86013388",
        address: "深圳市南山区科技中一路腾讯大厦", postalCode: "518057", archiveAddress: "深圳市南山区科技中一路腾讯大厦 人力资源部")
    static let form = StudentForm(mobile: "13800138000", email: "zhangsan@example.edu.cn", personalOpinion: "同意",
                                  jobTitle: "后端开发工程师", workLocation: "广东省深圳市", remarks: "月薪 20000 元，合同期 3 年，违约金 5000 元")
    static let section = EmployerSection(employer: employer, employerOpinion: "同意接收", supervisorOpinion: "同意")
    static let review = CollegeReview(contactPerson: "刘老师", contactPhone: "010-62751234", postalCode: "100871",
                                      mailingAddress: "北京市海淀区颐和园路5号 计算机学院学生工作办公室")
    static let number = AgreementNumber(year: 2026, schoolCode: "10001", serial: 123)

    static let me = Actor.student(studentID: "2026000001")
    static let company = Actor.employer(employerID: "E0001")
    static let counselor = Actor.counselor(counselorID: "T001", collegeCode: "CS")
    static let scheduler = Actor.system("scheduler")

    static let agreement: [AgreementEvent] = [
        .draftSaved(DraftSaved(agreementID: agreementID, student: student, employer: employer, form: form,
                               at: time("2026-06-01T08:30:00.123Z"), actor: me)),
        .submitted(Submitted(agreementID: agreementID, student: student, employer: employer, form: form,
                             noticesAcknowledged: true, at: time("2026-06-01T08:35:00.000Z"), actor: me)),
        .employerSigned(EmployerSigned(agreementID: agreementID, studentID: "2026000001", section: section, signingRound: 1,
                                       at: time("2026-06-02T02:00:00.000Z"), actor: company)),
        .employerReturned(EmployerReturned(agreementID: agreementID, studentID: "2026000001", reason: "专业名称与学籍不一致，请核对后重新提交",
                                           at: time("2026-06-02T02:00:00.000Z"), actor: company)),
        .employerTookBack(EmployerTookBack(agreementID: agreementID, studentID: "2026000001", reason: "岗位名称填写错误，拿回重签",
                                           signingRound: 1, at: time("2026-06-03T01:00:00.000Z"), actor: company)),
        .studentConfirmed(StudentConfirmed(agreementID: agreementID, studentID: "2026000001", signingRound: 1,
                                           at: time("2026-06-04T09:00:00.000Z"), actor: me)),
        .autoConfirmed(AutoConfirmed(agreementID: agreementID, studentID: "2026000001", signingRound: 1,
                                     at: time("2026-06-09T02:00:00.000Z"), actor: scheduler)),
        .collegeApproved(CollegeApproved(agreementID: agreementID, studentID: "2026000001", review: review, agreementNumber: number,
                                         at: time("2026-06-10T03:00:00.000Z"), actor: counselor)),
        .collegeReturned(CollegeReturned(agreementID: agreementID, studentID: "2026000001", reason: "备注中的违约金条款需与单位重新商定",
                                         at: time("2026-06-10T03:00:00.000Z"), actor: counselor)),
        .copyPrinted(CopyPrinted(agreementID: agreementID, studentID: "2026000001", copyNumber: 1,
                                 at: time("2026-06-10T03:05:00.000Z"), actor: me)),
        .reprintAuthorised(ReprintAuthorised(agreementID: agreementID, studentID: "2026000001", extraCopies: 1,
                                             reason: "第二份打印时卡纸污损", at: time("2026-06-11T01:00:00.000Z"), actor: counselor)),
        .filed(Filed(agreementID: agreementID, studentID: "2026000001", at: time("2026-06-20T06:00:00.000Z"), actor: counselor)),
    ]

    static let reference: [ContractEvent] = [
        .roster(.studentRecordPublished(StudentRecordPublished(student: student, at: time("2026-05-20T00:00:00.000Z")))),
        .roster(.studentRecordRemoved(StudentRecordRemoved(studentID: "2026000009", reason: "退学", at: time("2026-05-21T00:00:00.000Z")))),
        .registry(.employerRegistered(EmployerRegistered(employer: employer, at: time("2026-05-10T02:00:00.000Z")))),
        .registry(.employerApproved(EmployerApproved(employerID: "E0001", approvedBy: "J001", at: time("2026-05-11T02:00:00.000Z")))),
        .registry(.employerUpdated(EmployerUpdated(employer: employer, at: time("2026-05-12T02:00:00.000Z")))),
        .registry(.employerSuspended(EmployerSuspended(employerID: "E0001", reason: "营业执照过期", suspendedBy: "J001",
                                                       at: time("2026-05-13T02:00:00.000Z")))),
    ]

    /// Every event type once, named by its golden file.
    static let all: [Sample] = (agreement.map(ContractEvent.agreement) + reference).map(Sample.init)

    static let eventID = UUID(uuidString: "0b9e6c1e-3f43-4a8e-9d55-2f1c6b7a8e01")!
    static let source = "/wangqian/student"
    static let emittedAt = time("2026-06-01T08:35:00.456Z")
}

/// A sample with a readable name in test output.
struct Sample: Sendable, CustomTestStringConvertible {
    var event: ContractEvent
    var name: String { event.eventType.shortName }
    var testDescription: String { name }
}
