import AgreementContract
import AgreementDomain
import Foundation
import Testing

@Suite struct TopicsTests {
    @Test func namesPartitionsAndPrefix() {
        let t = Topics()
        #expect(t.agreementEvents == "wangqian.agreement.events.v1")
        #expect(t.studentRoster == "wangqian.roster.students.v1")
        #expect(t.employerRegistry == "wangqian.registry.employers.v1")
        #expect(t.deadLetter == "wangqian.deadletter.v1")
        #expect(t.all.map(\.partitions) == [8, 4, 4, 1])
        let p = Topics(prefix: "test-42.")
        #expect(p.all.map(\.name) == ["test-42.wangqian.agreement.events.v1", "test-42.wangqian.roster.students.v1",
                                      "test-42.wangqian.registry.employers.v1", "test-42.wangqian.deadletter.v1"])
    }

    @Test func registryStatusesAndSearchability() {
        let approved = RegistryEvent.employerApproved(EmployerApproved(employerID: "E1", approvedBy: "J1", at: Date()))
        let suspended = RegistryEvent.employerSuspended(EmployerSuspended(employerID: "E1", at: Date()))
        let updated = RegistryEvent.employerUpdated(EmployerUpdated(employer: Samples.employer, at: Date()))
        #expect(approved.accountStatus(after: .pending) == .approved)
        #expect(suspended.accountStatus(after: .approved) == .suspended)
        #expect(updated.accountStatus(after: .approved) == .approved)
        #expect(EmployerAccountStatus.allCases.filter(\.isSearchable) == [.approved])
        #expect(EmployerRegistered(employer: Samples.employer, at: Date()).accountStatus == .pending)
    }
}

/// RFC 3339 with milliseconds, in UTC, exactly as the domain truncates times.
@Suite struct TimeFormatTests {
    @Test(arguments: [
        ("2026-06-01T08:30:00.123Z", Int64(1_780_302_600_123)),
        ("1970-01-01T00:00:00.000Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2028-02-29T12:00:00.000Z", 1_835_438_400_000),
        ("2000-03-01T00:00:00.000Z", 951_868_800_000),
    ])
    func formatsAndParses(_ text: String, _ ms: Int64) {
        #expect(RFC3339.format(Date(wireMilliseconds: ms)) == text)
        #expect(RFC3339.parse(text)?.wireMilliseconds == ms)
    }

    @Test func readsOtherRFC3339Forms() {
        #expect(RFC3339.parse("2026-06-01T08:30:00Z")?.wireMilliseconds == 1_780_302_600_000)
        #expect(RFC3339.parse("2026-06-01T16:30:00.123456+08:00")?.wireMilliseconds == 1_780_302_600_123)
        #expect(RFC3339.parse("2026-06-01T08:30:00.1Z")?.wireMilliseconds == 1_780_302_600_100)
        #expect(RFC3339.parse("2026-06-01t08:30:00z") != nil)
    }

    @Test(arguments: ["2026-06-01", "2026-06-01T08:30:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                      "2026-06-01T24:00:00Z", "2026-06-01T08:30:00.Z", "2026-06-01T08:30:00+0800", "x2026-06-01T08:30:00Z",
                      "2026-06-01T08:30:00Zjunk", ""])
    func refusesMalformedTimes(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func subMillisecondTimesAreTruncatedNotRounded() {
        let t = Date(wireMilliseconds: 1_780_302_600_123).addingTimeInterval(0.000_9)
        #expect(RFC3339.format(t) == "2026-06-01T08:30:00.123Z")
    }

    @Test func roundTripsAcrossCenturies() {
        var ms: Int64 = -2_000_000_000_000
        while ms < 5_000_000_000_000 {
            let date = Date(wireMilliseconds: ms)
            #expect(RFC3339.parse(RFC3339.format(date)) == date)
            ms += 86_399_987_654 / 7
        }
    }

    @Test func jsonConventions() throws {
        let e = Samples.all[0].event
        let text = String(decoding: e.json(), as: UTF8.self)
        #expect(text.contains(#""at":"2026-06-01T08:30:00.123Z""#))
        #expect(text.contains("张三"), "Chinese text is not escaped")
        #expect(text.contains(#""reviewStatus":"审核完成""#), "enums are strings")
        #expect(text.contains(#""actor":{"id":"2026000001","role":"student"}"#), "keys are sorted")
        #expect(!text.contains("\\/"))
        #expect(!text.contains("\n"), "the wire form is compact")
    }

    @Test func jsonValuesKeepTheirKinds() throws {
        let text = #"{"b":true,"d":1.5,"i":1,"n":null,"s":"张三","a":[false,0,"0"]}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value == .object(["b": .bool(true), "d": .double(1.5), "i": .integer(1), "n": .null, "s": .string("张三"),
                                  "a": .array([.bool(false), .integer(0), .string("0")])]))
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }
}
