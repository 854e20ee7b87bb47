import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import Logging
import Testing
import WangqianPostgres
@testable import ServiceKit

/// The two formats besides the event contract (whose golden files are in ContractTests) that carry the domain
/// types' encoding: the projection's jsonb, versioned by `ProjectionFormat`, and the HTTP body of an agreement.
/// A change to either shows here first.
@Suite struct StoredFormatTests {
    /// An agreement with every section filled in: drafted, submitted, signed, confirmed, approved, printed once.
    static let agreement: Agreement = {
        let student = StudentSnapshot(
            studentID: "2026000001", name: "张三", gender: "男", collegeCode: "CS", collegeName: "计算机学院",
            major: "软件工程", degree: "本科", graduationYear: 2026, reviewStatus: .complete)
        let employer = EmployerSnapshot(
            employerID: "E0001", name: "深圳市腾讯计算机系统有限公司", creditCode: "91440300708461136T", type: "民营企业",
            industry: "软件和信息技术服务业", location: "广东省深圳市", contactPerson: "王经理", contactPhone: "0755-86013388",
            address: "深圳市南山区科技中一路腾讯大厦", postalCode: "518057", archiveAddress: "深圳市南山区科技中一路腾讯大厦 人力资源部")
        let form = StudentForm(mobile: "13800138000", email: "zhangsan@example.edu.cn", personalOpinion: "同意",
                               jobTitle: "后端开发工程师", workLocation: "广东省深圳市", remarks: "月薪 20000 元")
        let review = CollegeReview(contactPerson: "刘老师", contactPhone: "010-62751234", postalCode: "100871",
                                   mailingAddress: "北京市海淀区颐和园路5号")
        let me = Actor.student(studentID: student.studentID)
        let steps: [(AgreementCommand, Actor, String)] = [
            (.saveDraft(student: student, employer: employer, form: form), me, "2026-06-01T08:30:00.123Z"),
            (.submit(noticesAcknowledged: true, reviewStatus: .complete), me, "2026-06-01T08:35:00.000Z"),
            (.employerSign(section: EmployerSection(employer: employer, employerOpinion: "同意接收", supervisorOpinion: "同意")),
             .employer(employerID: "E0001"), "2026-06-02T02:00:00.000Z"),
            (.studentConfirm, me, "2026-06-04T09:00:00.000Z"),
            (.collegeApprove(review: review, agreementNumber: AgreementNumber(year: 2026, schoolCode: "10001", serial: 123)),
             .counselor(counselorID: "T001", collegeCode: "CS"), "2026-06-10T03:00:00.000Z"),
            (.printCopy, me, "2026-06-10T03:05:00.000Z"),
        ]
        var state: Agreement?
        for (command, actor, time) in steps {
            for event in try! AgreementDecider.decide(command, by: actor, state: state, now: RFC3339.parse(time)!) {
                state = try! AgreementDecider.evolve(state, event)
            }
        }
        return state!
    }()

    /// `WANGQIAN_REGENERATE_GOLDEN=1` writes the files (pretty, sorted) instead of comparing, as in ContractTests.
    static let regenerate = ProcessInfo.processInfo.environment["WANGQIAN_REGENERATE_GOLDEN"] == "1"

    /// Whether `value` is the golden file `name` (compared as JSON values: key order and spacing do not matter).
    static func matches(_ name: String, _ value: JSONValue) throws -> Bool {
        if regenerate {
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(value) + Data("\n".utf8)).write(to: file)
            return true
        }
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
                               "Tests/ServiceKitTests/Golden/\(name).json is missing")
        return value == (try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)))
    }

    @Test func theProjectionStoresAgreementsInTheFormatItsNumberNames() throws {
        let stored = try #require(try PostgresJSON(Self.agreement).postgresText())
        let now = try JSONDecoder().decode(JSONValue.self, from: Data(stored.utf8))
        let name = "agreement-state.v\(ProjectionFormat.current)"
        #expect(try Self.matches(name, now), """
            the stored form of Agreement changed: bump ProjectionFormat.current (services then rebuild their projection \
            from the log when they start) and add Golden/agreement-state.v<new>.json; keep the old file
            """)
        // And it reads back as the same agreement.
        let back = try PostgresJSON<Agreement>(postgresText: stored, type: .jsonb).value
        #expect(back == Self.agreement)
    }

    @Test func theHTTPBodyOfAnAgreementIsTheDocumentedOne() throws {
        let view = AgreementView(agreement: Self.agreement, timeline: [])
        let body = try JSON.encoder.encode(view)
        let now = try JSONDecoder().decode(JSONValue.self, from: body)
        #expect(try Self.matches("http-agreement-view.v1", now), """
            the HTTP body of an agreement changed: the API (/v1) and its OpenAPI documents change with it; if that is \
            meant, update the documents and this file
            """)
    }
}
