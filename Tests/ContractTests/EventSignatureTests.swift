import AgreementContract
import AgreementDomain
import Foundation
import Testing

/// Signed events: a consumer applies a record only when the service its `ce_source` names signed it and the
/// contract lets that service emit that type with that actor.
@Suite struct EventSignatureTests {
    typealias Headers = [(String, [UInt8])]
    let student = EventKeyRing.development(for: "student")
    let college = EventKeyRing.development(for: "college")
    let subscriber = EventKeyRing.development(for: "")

    func record(_ event: ContractEvent, source: String, signedBy ring: EventKeyRing) throws -> KafkaRecordParts {
        var parts = CloudEvent.encode(event, id: UUID(), source: source, time: Samples.emittedAt)
        parts.headers = try ring.sign(headers: parts.headers, value: parts.value)
        return parts
    }

    func failure(_ parts: KafkaRecordParts, ring: EventKeyRing? = nil) -> ContractError? {
        do { _ = try (ring ?? subscriber).open(key: parts.key, headers: parts.headers, value: parts.value); return nil } catch { return error }
    }

    var submitted: ContractEvent { .agreement(Samples.agreement[1]) }
    var approved: ContractEvent { .agreement(Samples.agreement[7]) }

    @Test func aRecordSignedByItsEmitterOpensForEveryService() throws {
        let parts = try record(submitted, source: "/wangqian/student", signedBy: student)
        #expect(parts.header("ce_signature") != nil)
        for ring in [student, college, subscriber, EventKeyRing.development(for: "scheduler")] {
            let decoded = try ring.open(key: parts.key, headers: parts.headers, value: parts.value)
            #expect(decoded.event == submitted)
        }
    }

    @Test func anUnsignedRecordIsRefused() {
        let parts = CloudEvent.encode(submitted, id: UUID(), source: "/wangqian/student", time: Samples.emittedAt)
        #expect(failure(parts) == .unsigned)
    }

    @Test func aChangedValueOrHeaderBreaksTheSignature() throws {
        let parts = try record(submitted, source: "/wangqian/student", signedBy: student)
        var value = parts
        value.value[value.value.count / 2] ^= 0x01
        #expect(failure(value)?.code == "bad_signature")
        var header = parts
        header.headers = header.headers.map { $0.0 == "ce_time" ? ($0.0, Array("2027-01-01T00:00:00Z".utf8)) : $0 }
        #expect(failure(header)?.code == "bad_signature")
        var doubled = parts
        doubled.headers.append(("ce_type", Array("cn.edu.wangqian.agreement.filed.v1".utf8)))
        #expect(failure(doubled)?.code == "bad_signature")
    }

    @Test func aRecordSignedWithAnotherServicesKeyIsRefused() throws {
        // Claims to come from the college service, signed by the student service.
        let parts = try record(approved, source: "/wangqian/college", signedBy: student)
        #expect(failure(parts) == .badSignature(source: "/wangqian/college", reason: "the signature does not verify"))
    }

    @Test func aServiceCannotEmitAnotherServicesEvents() throws {
        // Correctly signed by the student service, but a college approval is the college's to emit.
        let parts = try record(approved, source: "/wangqian/student", signedBy: student)
        #expect(failure(parts)?.code == "emitter_not_allowed")
        // The college itself may.
        #expect(failure(try record(approved, source: "/wangqian/college", signedBy: college)) == nil)
        // A registry event from the student service is refused too.
        let registry = Samples.reference[3]
        #expect(failure(try record(registry, source: "/wangqian/student", signedBy: student))?.code == "emitter_not_allowed")
    }

    @Test func theActorMustBeOneTheEmitterMayActFor() throws {
        // copyPrinted is emitted by the student service for students and by the college for staff, not crosswise.
        guard case .copyPrinted(var printed) = Samples.agreement[9] else { Issue.record("sample order changed"); return }
        #expect(failure(try record(.agreement(.copyPrinted(printed)), source: "/wangqian/student", signedBy: student)) == nil)
        #expect(failure(try record(.agreement(.copyPrinted(printed)), source: "/wangqian/college", signedBy: college))?.code == "emitter_not_allowed")
        printed.actor = Samples.counselor
        #expect(failure(try record(.agreement(.copyPrinted(printed)), source: "/wangqian/college", signedBy: college)) == nil)
        #expect(failure(try record(.agreement(.copyPrinted(printed)), source: "/wangqian/student", signedBy: student))?.code == "emitter_not_allowed")
    }

    @Test func everyEventTypeHasAnEmitterRule() {
        for sample in Samples.all {
            let type = sample.event.eventType
            #expect(!EmitterPolicy.rules(family: type.family, name: type.name).isEmpty, "\(type)")
        }
    }

    @Test func aRecordOverTheLimitIsRefusedBeforeAnythingElse() {
        let big = [UInt8](repeating: 0x61, count: EventLimits.maxRecordBytes + 1)
        let error = failure(KafkaRecordParts(key: "k", value: big, headers: []))
        #expect(error?.code == "too_large")
    }

    @Test func keyRingsAreCheckedWhenBuilt() throws {
        let pairs = EventKeyRing.emitters.map { ($0, EventKeyRing.generate()) }
        let publics = Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, $0.1.publicKey) })
        let mine = pairs.first { $0.0 == "employer" }!.1.privateKey
        let ring = try EventKeyRing(service: "employer", privateKeyBase64: mine, publicKeys: publics)
        #expect(ring.publicKeyBase64(of: "employer") == publics["employer"])
        #expect(throws: EventKeyError.self) { try EventKeyRing(service: "student", privateKeyBase64: mine, publicKeys: publics) }
        #expect(throws: EventKeyError.self) { try EventKeyRing(service: "employer", privateKeyBase64: "not base64", publicKeys: publics) }
        var missing = publics
        missing["scheduler"] = nil
        #expect(throws: EventKeyError.self) { try EventKeyRing(service: "employer", privateKeyBase64: mine, publicKeys: missing) }
        var unknown = publics
        unknown["forger"] = publics["student"]
        #expect(throws: EventKeyError.self) { try EventKeyRing(service: "employer", privateKeyBase64: mine, publicKeys: unknown) }
        // A verifying-only ring cannot sign.
        let verifier = try EventKeyRing(verifyingWith: publics)
        #expect(throws: ContractError.self) { try verifier.sign(headers: [("ce_id", Array("x".utf8))], value: []) }
    }

    @Test func theSignedMessageIsTheDocumentedText() throws {
        let headers: Headers = [("ce_type", Array("t".utf8)), ("ce_id", Array("1".utf8)), ("x-other", Array("ignored".utf8)),
                                ("content-type", Array("application/json".utf8)), ("ce_signature", Array("old".utf8))]
        let message = try #require(EventSignature.message(headers: headers, value: Array("{}".utf8)))
        #expect(String(decoding: message, as: UTF8.self)
            == "wangqian-event-signature-v1\nce_id=1\nce_type=t\ncontent-type=application/json\n\n{}")
        #expect(EventSignature.message(headers: [("ce_id", Array("a\nb".utf8))], value: []) == nil)
    }
}
