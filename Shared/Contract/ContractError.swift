/// Why a Kafka record is not a valid contract event. Such records belong on the dead-letter topic, so every case
/// says exactly what is wrong (header, type, field).
public enum ContractError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A required CloudEvents header (`ce_id`, `ce_source`, `ce_type`, `ce_specversion`) is absent.
    case missingHeader(String)
    /// A header is present but unusable (not UTF-8, not a UUID, not an RFC 3339 time, empty…).
    case invalidHeader(name: String, value: String, reason: String)
    /// `ce_specversion` is not `1.0`.
    case unsupportedSpecVersion(String)
    /// `ce_type` is not an event type of this contract.
    case unknownType(String)
    /// A known event at a version this consumer cannot read: newer than it knows, or older without an upcaster.
    case unsupportedVersion(type: String, version: Int, current: Int)
    /// `content-type` is not `application/json`.
    case unsupportedContentType(String)
    /// The record value is not JSON at all.
    case malformedJSON(type: String, detail: String)
    /// The JSON does not fit the payload schema: `field` is the path of the offending field (`section.employer.name`).
    case invalidPayload(type: String, field: String, detail: String)
    /// `ce_subject` names another entity than the payload.
    case subjectMismatch(header: String, payload: String)
    /// An upcaster could not transform an older payload.
    case upcastFailed(type: String, fromVersion: Int, detail: String)
    /// The record has no `ce_signature` header.
    case unsigned
    /// The signature does not verify under the public key of the service named by `ce_source`.
    case badSignature(source: String, reason: String)
    /// The contract does not let `source` emit this type, or not with this actor.
    case emitterNotAllowed(type: String, source: String, actor: String)
    /// The encoded record exceeds ``EventLimits/maxRecordBytes``.
    case tooLarge(bytes: Int, limit: Int)

    /// A short stable code, e.g. for a dead-letter header.
    public var code: String {
        switch self {
        case .missingHeader: "missing_header"
        case .invalidHeader: "invalid_header"
        case .unsupportedSpecVersion: "unsupported_specversion"
        case .unknownType: "unknown_type"
        case .unsupportedVersion: "unsupported_version"
        case .unsupportedContentType: "unsupported_content_type"
        case .malformedJSON: "malformed_json"
        case .invalidPayload: "invalid_payload"
        case .subjectMismatch: "subject_mismatch"
        case .upcastFailed: "upcast_failed"
        case .unsigned: "unsigned"
        case .badSignature: "bad_signature"
        case .emitterNotAllowed: "emitter_not_allowed"
        case .tooLarge: "too_large"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name):
            "missing_header: the CloudEvents header \(name) is missing"
        case .invalidHeader(let name, let value, let reason):
            "invalid_header: \(name)=\"\(value.prefix(200))\": \(reason)"
        case .unsupportedSpecVersion(let v):
            "unsupported_specversion: ce_specversion is \"\(v)\", expected \"1.0\""
        case .unknownType(let type):
            "unknown_type: \"\(type)\" is not an event type of the Wangqian contract"
        case .unsupportedVersion(let type, let version, let current):
            "unsupported_version: \(type) is version \(version); this consumer reads version \(current)"
                + (version > current ? " (upgrade the consumer)" : " (no upcaster from that version)")
        case .unsupportedContentType(let ct):
            "unsupported_content_type: content-type is \"\(ct)\", expected application/json"
        case .malformedJSON(let type, let detail):
            "malformed_json: the value of a \(type) record is not valid JSON: \(detail)"
        case .invalidPayload(let type, let field, let detail):
            "invalid_payload: \(type) field \(field.isEmpty ? "(root)" : field): \(detail)"
        case .subjectMismatch(let header, let payload):
            "subject_mismatch: ce_subject is \"\(header)\" but the payload is about \"\(payload)\""
        case .upcastFailed(let type, let from, let detail):
            "upcast_failed: \(type) from version \(from): \(detail)"
        case .unsigned:
            "unsigned: the record has no ce_signature header"
        case .badSignature(let source, let reason):
            "bad_signature: the signature is not that of \(source.prefix(100)): \(reason)"
        case .emitterNotAllowed(let type, let source, let actor):
            "emitter_not_allowed: \(source.prefix(100)) may not emit \(type.prefix(100)) with actor \(actor.prefix(100))"
        case .tooLarge(let bytes, let limit):
            "too_large: the record is \(bytes) bytes, more than the contract's limit of \(limit)"
        }
    }
}
