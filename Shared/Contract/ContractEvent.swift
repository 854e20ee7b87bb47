import AgreementDomain
import Foundation

/// Every event of the public contract, whatever its topic.
public enum ContractEvent: Sendable, Hashable {
    /// On `wangqian.agreement.events.v1`, key = agreement ID.
    case agreement(AgreementEvent)
    /// On `wangqian.roster.students.v1`, key = student ID.
    case roster(RosterEvent)
    /// On `wangqian.registry.employers.v1`, key = employer ID.
    case registry(RegistryEvent)

    /// The CloudEvents type, at the current version.
    public var eventType: EventType {
        switch self {
        case .agreement(let e): EventType(family: "agreement", name: e.typeName, version: 1)
        case .roster(let e): EventType(family: "roster", name: e.name, version: 1)
        case .registry(let e): EventType(family: "registry", name: e.name, version: 1)
        }
    }

    /// What the event is about: the agreement, student or employer ID. Also the CloudEvents `subject`.
    public var subject: String {
        switch self {
        case .agreement(let e): e.agreementID.description
        case .roster(let e): e.studentID
        case .registry(let e): e.employerID
        }
    }

    /// The Kafka key: the subject, so all events about one entity share a partition and keep their order.
    public var key: String { subject }

    /// When the fact happened (the payload's `at`).
    public var at: Date {
        switch self {
        case .agreement(let e): e.at
        case .roster(let e): e.at
        case .registry(let e): e.at
        }
    }

    /// The payload as contract JSON (sorted keys; compact for the wire, pretty for people and golden files).
    public func json(pretty: Bool = false) -> [UInt8] {
        switch self {
        case .agreement(let e): ContractJSON.encode(e.payload, pretty: pretty)
        case .roster(.studentRecordPublished(let p)): ContractJSON.encode(p, pretty: pretty)
        case .roster(.studentRecordRemoved(let p)): ContractJSON.encode(p, pretty: pretty)
        case .registry(.employerRegistered(let p)): ContractJSON.encode(p, pretty: pretty)
        case .registry(.employerApproved(let p)): ContractJSON.encode(p, pretty: pretty)
        case .registry(.employerUpdated(let p)): ContractJSON.encode(p, pretty: pretty)
        case .registry(.employerSuspended(let p)): ContractJSON.encode(p, pretty: pretty)
        }
    }

    /// Decodes the payload JSON of a current-version `type`. Unknown fields are ignored.
    public static func decode(_ type: EventType, json: [UInt8]) throws(ContractError) -> ContractEvent {
        let data = Data(json)
        let decoder = ContractJSON.decoder()
        do {
            switch (type.family, type.name) {
            case ("agreement", let name):
                decoder.userInfo[AgreementPayload.typeNameKey] = name
                return .agreement(try decoder.decode(AgreementPayload.self, from: data).event)
            case ("roster", "studentRecordPublished"):
                return .roster(.studentRecordPublished(try decoder.decode(StudentRecordPublished.self, from: data)))
            case ("roster", "studentRecordRemoved"):
                return .roster(.studentRecordRemoved(try decoder.decode(StudentRecordRemoved.self, from: data)))
            case ("registry", "employerRegistered"):
                return .registry(.employerRegistered(try decoder.decode(EmployerRegistered.self, from: data)))
            case ("registry", "employerApproved"):
                return .registry(.employerApproved(try decoder.decode(EmployerApproved.self, from: data)))
            case ("registry", "employerUpdated"):
                return .registry(.employerUpdated(try decoder.decode(EmployerUpdated.self, from: data)))
            case ("registry", "employerSuspended"):
                return .registry(.employerSuspended(try decoder.decode(EmployerSuspended.self, from: data)))
            default:
                throw ContractError.unknownType(type.description)
            }
        } catch let error as ContractError {
            throw error
        } catch let error as DecodingError {
            throw Self.describe(error, type: type)
        } catch {
            throw ContractError.malformedJSON(type: type.description, detail: "\(error)")
        }
    }

    /// Turns a DecodingError into the field path and what was wrong with it.
    static func describe(_ error: DecodingError, type: EventType) -> ContractError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        let t = type.description
        switch error {
        case .keyNotFound(let key, let context):
            return .invalidPayload(type: t, field: path(context.codingPath + [key]), detail: "required field is missing")
        case .typeMismatch(let expected, let context):
            return .invalidPayload(type: t, field: path(context.codingPath), detail: "expected \(expected)")
        case .valueNotFound(let expected, let context):
            return .invalidPayload(type: t, field: path(context.codingPath), detail: "null where \(expected) is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .malformedJSON(type: t, detail: context.debugDescription)
            }
            return .invalidPayload(type: t, field: path(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return .invalidPayload(type: t, field: "", detail: "\(error)")
        }
    }
}

/// Decodes the agreement payload named in the decoder's user info.
private struct AgreementPayload: Decodable {
    static let typeNameKey = CodingUserInfoKey(rawValue: "wangqian.agreementEventType")!
    let event: AgreementEvent

    init(from decoder: any Decoder) throws {
        let name = decoder.userInfo[Self.typeNameKey] as? String ?? ""
        guard let event = try AgreementEvent.decode(typeName: name, from: decoder) else {
            throw ContractError.unknownType("\(EventType.prefix)agreement.\(name)")
        }
        self.event = event
    }
}
