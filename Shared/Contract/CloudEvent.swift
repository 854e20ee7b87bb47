import Foundation

/// One Kafka record, in plain types, so this module does not depend on any Kafka client.
public struct KafkaRecordParts: Sendable {
    /// The partition key (UTF-8 encoded by the producer).
    public var key: String
    /// The record value: the event's JSON payload.
    public var value: [UInt8]
    /// CloudEvents binary-mode headers, in a fixed order.
    public var headers: [(String, [UInt8])]

    public init(key: String, value: [UInt8], headers: [(String, [UInt8])]) {
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The first header named `name`, as UTF-8 text.
    public func header(_ name: String) -> String? {
        headers.first { $0.0 == name }.map { String(decoding: $0.1, as: UTF8.self) }
    }
}

/// A contract event read from a record, with its envelope attributes.
public struct DecodedEvent: Sendable, Hashable {
    /// `ce_id`: unique per event; consumers drop duplicates by it (delivery is at least once).
    public var id: UUID
    public var source: String
    /// The type as received (possibly an older version that was upcast).
    public var type: EventType
    public var time: Date?
    public var subject: String?
    public var event: ContractEvent
}

/// A CloudEvents 1.0 envelope in Kafka binary mode: attributes in `ce_*` headers, the JSON data as the value.
public struct CloudEvent: Sendable, Hashable {
    public static let specVersion = "1.0"
    public static let jsonContentType = "application/json"

    public var id: String
    /// Who emitted it, e.g. `/wangqian/student`.
    public var source: String
    public var type: String
    public var specversion: String
    public var time: Date?
    public var subject: String?
    public var datacontenttype: String
    public var data: [UInt8]

    public init(id: String, source: String, type: String, specversion: String = CloudEvent.specVersion, time: Date?,
                subject: String?, datacontenttype: String = CloudEvent.jsonContentType, data: [UInt8]) {
        self.id = id
        self.source = source
        self.type = type
        self.specversion = specversion
        self.time = time
        self.subject = subject
        self.datacontenttype = datacontenttype
        self.data = data
    }

    /// The binary-mode headers: `ce_id`, `ce_source`, `ce_specversion`, `ce_type`, `ce_time`, `ce_subject`,
    /// `content-type`.
    public var kafkaHeaders: [(String, [UInt8])] {
        var h: [(String, String)] = [("ce_id", id), ("ce_source", source), ("ce_specversion", specversion), ("ce_type", type)]
        if let time { h.append(("ce_time", RFC3339.format(time))) }
        if let subject { h.append(("ce_subject", subject)) }
        h.append(("content-type", datacontenttype))
        return h.map { ($0.0, Array($0.1.utf8)) }
    }

    /// The record for `event`: key = its subject, value = its JSON payload, headers = the envelope.
    public static func encode(_ event: ContractEvent, id: UUID, source: String, time: Date) -> KafkaRecordParts {
        let envelope = CloudEvent(id: id.uuidString.lowercased(), source: source, type: event.eventType.description,
                                  time: time, subject: event.subject, data: event.json())
        return KafkaRecordParts(key: event.key, value: envelope.data, headers: envelope.kafkaHeaders)
    }

    /// Reads the envelope from binary-mode headers (first occurrence of each), without looking at the data.
    public init(kafkaHeaders headers: [(String, [UInt8])], value: [UInt8]) throws(ContractError) {
        func text(_ name: String) throws(ContractError) -> String? {
            guard let raw = headers.first(where: { $0.0 == name })?.1 else { return nil }
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw .invalidHeader(name: name, value: String(decoding: raw, as: UTF8.self), reason: "not UTF-8")
            }
            return s
        }
        func required(_ name: String) throws(ContractError) -> String {
            guard let s = try text(name) else { throw .missingHeader(name) }
            guard !s.isEmpty else { throw .invalidHeader(name: name, value: s, reason: "empty") }
            return s
        }
        // specversion first: with another spec version the other attributes may mean something else.
        let specversion = try required("ce_specversion")
        guard specversion == Self.specVersion else { throw .unsupportedSpecVersion(specversion) }
        let id = try required("ce_id")
        let source = try required("ce_source")
        let type = try required("ce_type")
        var time: Date?
        if let t = try text("ce_time") {
            guard let parsed = RFC3339.parse(t) else { throw .invalidHeader(name: "ce_time", value: t, reason: "not an RFC 3339 date-time") }
            time = parsed
        }
        let contentType = try text("content-type") ?? Self.jsonContentType
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == Self.jsonContentType else { throw .unsupportedContentType(contentType) }
        self.init(id: id, source: source, type: type, specversion: specversion, time: time,
                  subject: try text("ce_subject"), datacontenttype: contentType, data: value)
    }

    /// Decodes a record: envelope, type, JSON, upcasting to the current version, payload.
    ///
    /// - Throws: a ``ContractError`` saying what is wrong (for the dead-letter topic). Unknown JSON fields are not
    ///   an error.
    public static func decode(headers: [(String, [UInt8])], value: [UInt8], upcasters: [Upcaster] = Upcasters.registered) throws(ContractError) -> DecodedEvent {
        let envelope = try CloudEvent(kafkaHeaders: headers, value: value)
        guard let uuid = UUID(uuidString: envelope.id) else {
            throw .invalidHeader(name: "ce_id", value: envelope.id, reason: "not a UUID")
        }
        guard let type = EventType(envelope.type), EventType.currentVersion(family: type.family, name: type.name) != nil else {
            throw .unknownType(envelope.type)
        }
        // The current version needs no upcasting: decoded straight into its type. Should that fail, the general
        // path below decodes again and says precisely why.
        if EventType.currentVersion(family: type.family, name: type.name) == type.version,
           let event = try? ContractEvent.decode(type, json: value) {
            return try finish(envelope, id: uuid, type: type, event: event)
        }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(value))
        } catch {
            throw .malformedJSON(type: envelope.type, detail: Self.summary(of: error))
        }
        guard case .object = json else {
            throw .invalidPayload(type: envelope.type, field: "", detail: "the payload must be a JSON object")
        }
        let (current, upcast) = try Upcasters.upcast(type, json: json, using: upcasters)
        let bytes = current == type ? value : ContractJSON.encode(upcast)
        return try finish(envelope, id: uuid, type: type, event: try ContractEvent.decode(current, json: bytes))
    }

    private static func finish(_ envelope: CloudEvent, id: UUID, type: EventType, event: ContractEvent) throws(ContractError) -> DecodedEvent {
        if let subject = envelope.subject, subject.lowercased() != event.subject.lowercased() {
            throw .subjectMismatch(header: subject, payload: event.subject)
        }
        return DecodedEvent(id: id, source: envelope.source, type: type, time: envelope.time,
                            subject: envelope.subject, event: event)
    }

    private static func summary(of error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = context.underlyingError.map { ": \($0)" } ?? ""
            return context.debugDescription + underlying
        }
        return "\(error)"
    }
}
