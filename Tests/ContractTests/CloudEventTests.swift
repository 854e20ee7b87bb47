import AgreementContract
import AgreementDomain
import Foundation
import Testing

/// CloudEvents 1.0 in Kafka binary mode: every event type round-trips; broken records fail with a reason that
/// names the header, type or field.
@Suite struct CloudEventTests {
    typealias Headers = [(String, [UInt8])]

    static func record(_ event: ContractEvent = Samples.all[1].event) -> KafkaRecordParts {
        CloudEvent.encode(event, id: Samples.eventID, source: Samples.source, time: Samples.emittedAt)
    }

    static func replacing(_ headers: Headers, _ name: String, with value: String?) -> Headers {
        var h = headers.filter { $0.0 != name }
        if let value { h.append((name, Array(value.utf8))) }
        return h
    }

    static func error(headers: Headers, value: [UInt8], upcasters: [Upcaster] = Upcasters.registered) -> ContractError? {
        do {
            _ = try CloudEvent.decode(headers: headers, value: value, upcasters: upcasters)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: Samples.all)
    func everyEventTypeRoundTripsThroughKafkaHeaders(_ sample: Sample) throws {
        let record = Self.record(sample.event)
        #expect(record.key == sample.event.subject)
        #expect(record.headers.map(\.0) == ["ce_id", "ce_source", "ce_specversion", "ce_type", "ce_time", "ce_subject", "content-type"])
        #expect(record.header("ce_type") == "cn.edu.wangqian.\(sample.name)")
        #expect(record.header("ce_specversion") == "1.0")
        #expect(record.header("ce_time") == "2026-06-01T08:35:00.456Z")
        #expect(record.header("content-type") == "application/json")
        #expect(record.value == sample.event.json())
        let decoded = try CloudEvent.decode(headers: record.headers, value: record.value)
        #expect(decoded.event == sample.event)
        #expect(decoded.id == Samples.eventID)
        #expect(decoded.source == Samples.source)
        #expect(decoded.time == Samples.emittedAt)
        #expect(decoded.subject == sample.event.subject)
        #expect(decoded.type == sample.event.eventType)
    }

    @Test func keysAreTheAgreementStudentOrEmployerID() {
        #expect(Self.record(Samples.all[0].event).key == "151d681e-0a2b-50ad-8447-9ac4e2cc1164")
        #expect(Self.record(.roster(.studentRecordPublished(StudentRecordPublished(student: Samples.student, at: Samples.emittedAt)))).key == "2026000001")
        #expect(Self.record(.registry(.employerApproved(EmployerApproved(employerID: "E0001", approvedBy: "J001", at: Samples.emittedAt)))).key == "E0001")
    }

    @Test func theTopicFollowsTheEventFamily() {
        let topics = Topics(prefix: "t1.")
        #expect(topics.name(for: Samples.all[0].event) == "t1.wangqian.agreement.events.v1")
        #expect(topics.name(for: Samples.reference[0]) == "t1.wangqian.roster.students.v1")
        #expect(topics.name(for: Samples.reference[2]) == "t1.wangqian.registry.employers.v1")
    }

    @Test(arguments: ["ce_type", "ce_id", "ce_source", "ce_specversion"])
    func aMissingRequiredHeaderIsNamed(_ name: String) {
        let r = Self.record()
        let error = Self.error(headers: Self.replacing(r.headers, name, with: nil), value: r.value)
        #expect(error == .missingHeader(name))
        #expect(error?.description.contains(name) == true)
    }

    @Test func anUnknownTypeIsRefused() {
        let r = Self.record()
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_type", with: "cn.edu.wangqian.agreement.teleported.v1"), value: r.value)
                == .unknownType("cn.edu.wangqian.agreement.teleported.v1"))
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_type", with: "com.example.order.created"), value: r.value)
                == .unknownType("com.example.order.created"))
    }

    @Test func aWrongSpecVersionIsRefused() {
        let r = Self.record()
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_specversion", with: "0.3"), value: r.value) == .unsupportedSpecVersion("0.3"))
    }

    @Test func badJSONIsRefusedAsMalformed() {
        let r = Self.record()
        guard case .malformedJSON(let type, _)? = Self.error(headers: r.headers, value: Array("{\"agreementID\": ".utf8)) else {
            Issue.record("expected malformedJSON")
            return
        }
        #expect(type == "cn.edu.wangqian.agreement.submitted.v1")
        #expect(Self.error(headers: r.headers, value: Array("[1,2]".utf8)) == .invalidPayload(
            type: "cn.edu.wangqian.agreement.submitted.v1", field: "", detail: "the payload must be a JSON object"))
    }

    @Test func aMissingOrMistypedFieldIsNamed() throws {
        let signed = Self.record(Samples.all[2].event)
        var json = try JSONDecoder().decode(JSONValue.self, from: Data(signed.value))
        var section = try #require(json["section"])
        section["employerOpinion"] = nil
        json["section"] = section
        let missing = Self.error(headers: signed.headers, value: Array(try JSONEncoder().encode(json)))
        #expect(missing == .invalidPayload(type: "cn.edu.wangqian.agreement.employerSigned.v1", field: "section.employerOpinion",
                                           detail: "required field is missing"))
        #expect(missing?.description == "invalid_payload: cn.edu.wangqian.agreement.employerSigned.v1 field section.employerOpinion: required field is missing")

        json = try JSONDecoder().decode(JSONValue.self, from: Data(signed.value))
        json["signingRound"] = .string("one")
        guard case .invalidPayload(_, let field, _)? = Self.error(headers: signed.headers, value: Array(try JSONEncoder().encode(json))) else {
            Issue.record("expected invalidPayload")
            return
        }
        #expect(field == "signingRound")
    }

    @Test func anUnknownEnumValueIsNamed() throws {
        let r = Self.record()
        var json = try JSONDecoder().decode(JSONValue.self, from: Data(r.value))
        var student = try #require(json["student"])
        student["reviewStatus"] = .string("不知道")
        json["student"] = student
        guard case .invalidPayload(_, let field, _)? = Self.error(headers: r.headers, value: Array(try JSONEncoder().encode(json))) else {
            Issue.record("expected invalidPayload")
            return
        }
        #expect(field == "student.reviewStatus")
    }

    @Test func badHeadersAreExplained() {
        let r = Self.record()
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_id", with: "not-a-uuid"), value: r.value)
                == .invalidHeader(name: "ce_id", value: "not-a-uuid", reason: "not a UUID"))
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_time", with: "yesterday"), value: r.value)
                == .invalidHeader(name: "ce_time", value: "yesterday", reason: "not an RFC 3339 date-time"))
        #expect(Self.error(headers: Self.replacing(r.headers, "content-type", with: "application/xml"), value: r.value)
                == .unsupportedContentType("application/xml"))
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_subject", with: "someone-else"), value: r.value)
                == .subjectMismatch(header: "someone-else", payload: "151d681e-0a2b-50ad-8447-9ac4e2cc1164"))
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_source", with: ""), value: r.value)
                == .invalidHeader(name: "ce_source", value: "", reason: "empty"))
        var notUTF8 = Self.replacing(r.headers, "ce_source", with: nil)
        notUTF8.append(("ce_source", [0xFF, 0xFE]))
        guard case .invalidHeader(let name, _, let reason)? = Self.error(headers: notUTF8, value: r.value) else {
            Issue.record("expected invalidHeader")
            return
        }
        #expect(name == "ce_source" && reason == "not UTF-8")
    }

    @Test func optionalAttributesMayBeAbsentAndContentTypeMayHaveParameters() throws {
        let r = Self.record()
        var headers = Self.replacing(r.headers, "ce_time", with: nil)
        headers = Self.replacing(headers, "ce_subject", with: nil)
        headers = Self.replacing(headers, "content-type", with: "application/json; charset=utf-8")
        let decoded = try CloudEvent.decode(headers: headers, value: r.value)
        #expect(decoded.time == nil && decoded.subject == nil)
        #expect(decoded.event == Samples.all[1].event)
        #expect(try CloudEvent.decode(headers: Self.replacing(r.headers, "content-type", with: nil), value: r.value).event == Samples.all[1].event)
    }

    @Test func unknownFieldsAreIgnoredForForwardCompatibility() throws {
        let r = Self.record()
        var json = try JSONDecoder().decode(JSONValue.self, from: Data(r.value))
        json["addedInAFutureVersion"] = .object(["nested": .array([.integer(1), .null])])
        var student = try #require(json["student"])
        student["nationality"] = .string("中国")
        json["student"] = student
        let decoded = try CloudEvent.decode(headers: r.headers, value: Array(try JSONEncoder().encode(json)))
        #expect(decoded.event == Samples.all[1].event)
    }

    @Test func absentOptionalFieldsDecodeAsNil() throws {
        let r = Self.record(Samples.reference[1])
        var json = try JSONDecoder().decode(JSONValue.self, from: Data(r.value))
        json["reason"] = nil
        let decoded = try CloudEvent.decode(headers: r.headers, value: Array(try JSONEncoder().encode(json)))
        guard case .roster(.studentRecordRemoved(let e)) = decoded.event else { Issue.record("wrong event"); return }
        #expect(e.reason == nil && e.studentID == "2026000009")
    }

    @Test func aNewerVersionThanKnownIsRefused() {
        let r = Self.record()
        let error = Self.error(headers: Self.replacing(r.headers, "ce_type", with: "cn.edu.wangqian.agreement.submitted.v2"), value: r.value)
        #expect(error == .unsupportedVersion(type: "cn.edu.wangqian.agreement.submitted.v2", version: 2, current: 1))
        #expect(error?.description.contains("upgrade the consumer") == true)
    }

    @Test func anOlderVersionWithoutAnUpcasterIsRefused() {
        let r = Self.record()
        #expect(Self.error(headers: Self.replacing(r.headers, "ce_type", with: "cn.edu.wangqian.agreement.submitted.v0"), value: r.value)
                == .unsupportedVersion(type: "cn.edu.wangqian.agreement.submitted.v0", version: 0, current: 1))
    }

    /// A hypothetical version 0 of employerReturned called the reason `comment` and put the employer in a flat
    /// `employerID` field instead of the actor. Its upcaster reshapes it; consumers then see version 1.
    static let returnedV0 = Upcaster(family: "agreement", name: "employerReturned", fromVersion: 0) { json in
        var v1 = json
        guard case .string(let employerID)? = json["employerID"] else { throw UpcastProblem.missing("employerID") }
        v1["reason"] = json["comment"]
        v1["comment"] = nil
        v1["employerID"] = nil
        v1["actor"] = .object(["role": .string("employer"), "id": .string(employerID)])
        return v1
    }
    enum UpcastProblem: Error { case missing(String) }

    @Test func anOlderPayloadIsUpcastToTheCurrentShape() throws {
        let v0 = """
            {"agreementID":"151d681e-0a2b-50ad-8447-9ac4e2cc1164","studentID":"2026000001","comment":"专业名称与学籍不一致，请核对后重新提交",
             "employerID":"E0001","at":"2026-06-02T02:00:00.000Z"}
            """
        var headers = Self.record(Samples.all[3].event).headers
        headers = Self.replacing(headers, "ce_type", with: "cn.edu.wangqian.agreement.employerReturned.v0")
        let decoded = try CloudEvent.decode(headers: headers, value: Array(v0.utf8), upcasters: [Self.returnedV0])
        #expect(decoded.event == Samples.all[3].event)
        #expect(decoded.type.version == 0, "the received version is reported")

        let broken = #"{"agreementID":"151d681e-0a2b-50ad-8447-9ac4e2cc1164","studentID":"2026000001","comment":"x","at":"2026-06-02T02:00:00.000Z"}"#
        guard case .upcastFailed(_, let from, _)? = Self.error(headers: headers, value: Array(broken.utf8), upcasters: [Self.returnedV0]) else {
            Issue.record("expected upcastFailed")
            return
        }
        #expect(from == 0)
    }

    @Test func theUpcastHookIsTheIdentityForCurrentVersions() throws {
        let json = JSONValue.object(["a": .integer(1)])
        let (type, out) = try Upcasters.upcast(EventType(family: "agreement", name: "filed", version: 1), json: json)
        #expect(type.version == 1 && out == json)
    }

    @Test func eventTypesParse() {
        #expect(EventType("cn.edu.wangqian.agreement.submitted.v1") == EventType(family: "agreement", name: "submitted", version: 1))
        #expect(EventType("cn.edu.wangqian.agreement.submitted") == nil)
        #expect(EventType("cn.edu.wangqian.agreement.submitted.vX") == nil)
        #expect(EventType("org.example.agreement.submitted.v1") == nil)
        #expect(EventType(family: "roster", name: "studentRecordPublished", version: 1).description == "cn.edu.wangqian.roster.studentRecordPublished.v1")
    }
}
