import AgreementDomain
import Foundation

/// Sample data and a small driver that runs commands through decide and evolve, as a service plus its
/// projection would.
enum Fixture {
    static let t0 = Date(wireMilliseconds: 1_780_000_000_000)  // 2026-05-28T20:26:40Z
    static let day: TimeInterval = 86_400

    static let student = StudentSnapshot(
        studentID: "2026000001", name: "张三", gender: "男", collegeCode: "CS", collegeName: "计算机学院",
        major: "软件工程", degree: "本科", graduationYear: 2026, reviewStatus: .complete)
    static let otherStudentSnapshot = StudentSnapshot(
        studentID: "2026000002", name: "李四", gender: "女", collegeCode: "EE", collegeName: "电子工程学院",
        major: "通信工程", degree: "硕士研究生", graduationYear: 2026, reviewStatus: .complete)
    static let employer = EmployerSnapshot(
        employerID: "E0001", name: "深圳市腾讯计算机系统有限公司", creditCode: "91440300708461136T", type: "民营企业",
        industry: "软件和信息技术服务业", location: "广东省深圳市", contactPerson: "王经理", contactPhone: "0755-86013388",
        address: "深圳市南山区科技中一路腾讯大厦", postalCode: "518057", archiveAddress: "深圳市南山区科技中一路腾讯大厦 人力资源部")
    static let employer2 = EmployerSnapshot(
        employerID: "E0002", name: "华为技术有限公司", creditCode: "914403001922038216", type: "民营企业",
        industry: "计算机、通信和其他电子设备制造业", location: "广东省深圳市", contactPerson: "陈经理",
        contactPhone: "13912345678", address: "深圳市龙岗区坂田华为基地", postalCode: "518129")
    static let form = StudentForm(mobile: "13800138000", email: "zhangsan@example.edu.cn", jobTitle: "后端开发工程师",
                                  workLocation: "深圳", remarks: "月薪 20000 元，合同期 3 年")
    static let form2 = StudentForm(mobile: "13900139000", email: "zhangsan@example.edu.cn")
    static let section = EmployerSection(employer: employer, employerOpinion: "同意接收", supervisorOpinion: nil)
    static let section2 = EmployerSection(employer: employer, employerOpinion: "同意接收，岗位已更正")
    static let review = CollegeReview(contactPerson: "刘老师", contactPhone: "010-62751234", postalCode: "100871",
                                      mailingAddress: "北京市海淀区颐和园路5号 计算机学院学生工作办公室")
    static let number = AgreementNumber(year: 2026, schoolCode: "10001", serial: 123)
    static let number2 = AgreementNumber(year: 2026, schoolCode: "10001", serial: 124)

    static let me = Actor.student(studentID: "2026000001")
    static let otherStudent = Actor.student(studentID: "2026000002")
    static let company = Actor.employer(employerID: "E0001")
    static let company2 = Actor.employer(employerID: "E0002")
    static let foreignCompany = Actor.employer(employerID: "E0099")
    static let counselor = Actor.counselor(counselorID: "T001", collegeCode: "CS")
    static let foreignCounselor = Actor.counselor(counselorID: "T900", collegeCode: "EE")
    static let office = Actor.employmentOffice(staffID: "J001")
    static let scheduler = Actor.system("scheduler")
}

/// A running agreement: the state a projection holds, every event applied so far, and the clock.
struct Scenario {
    var state: Agreement?
    var events: [AgreementEvent] = []
    var now: Date = Fixture.t0

    /// Decides `command` at `now + advance`, applies the events, and returns them.
    @discardableResult
    mutating func run(_ command: AgreementCommand, by actor: Actor, after advance: TimeInterval = 60) throws(AgreementRefusal) -> [AgreementEvent] {
        now = now.addingTimeInterval(advance)
        let produced = try AgreementDecider.decide(command, by: actor, state: state, now: now)
        for event in produced {
            state = try AgreementDecider.evolve(state, event)
            events.append(event)
        }
        return produced
    }

    /// Decides without applying (what a service with this projection would publish).
    func decide(_ command: AgreementCommand, by actor: Actor, after advance: TimeInterval = 60) throws(AgreementRefusal) -> [AgreementEvent] {
        try AgreementDecider.decide(command, by: actor, state: state, now: now.addingTimeInterval(advance))
    }

    /// The refusal `command` gets, or nil if it was accepted.
    func refusal(_ command: AgreementCommand, by actor: Actor, after advance: TimeInterval = 60) -> AgreementRefusal? {
        do {
            _ = try decide(command, by: actor, after: advance)
            return nil
        } catch {
            return error
        }
    }

    /// An agreement brought to `status` along the manual's main path (returned: by the employer).
    static func at(_ status: AgreementStatus?) -> Scenario {
        var s = Scenario()
        guard let status else { return s }
        do {
            try s.run(.saveDraft(student: Fixture.student, employer: Fixture.employer, form: Fixture.form), by: Fixture.me)
            if status == .draft { return s }
            try s.run(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: Fixture.me)
            if status == .submitted { return s }
            if status == .returned {
                try s.run(.employerReturn(reason: "学生信息有误，请核对后重新提交"), by: Fixture.company)
                return s
            }
            try s.run(.employerSign(section: Fixture.section), by: Fixture.company)
            if status == .employerSigned { return s }
            try s.run(.studentConfirm, by: Fixture.me)
            if status == .confirmed { return s }
            try s.run(.collegeApprove(review: Fixture.review, agreementNumber: Fixture.number), by: Fixture.counselor)
            if status == .approved { return s }
            try s.run(.printCopy, by: Fixture.me)
            if status == .printed { return s }
            try s.run(.file, by: Fixture.counselor)
            return s
        } catch {
            fatalError("fixture path refused: \(error)")
        }
    }
}
