import Crypto
import Foundation

/// The identity of one agreement: the partition key of every event about it.
///
/// Derived from the student ID (``forStudent(_:round:)``), so every service computes the same ID without asking
/// anyone, and "one agreement per student" holds by construction: all of a student's events share one key, one
/// partition, one order.
public struct AgreementID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var uuid: UUID

    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses a UUID string (either case).
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    /// The namespace of agreement IDs: uuid5(NAMESPACE_URL, "urn:wangqian:agreement"). Never change it: every
    /// agreement ID ever issued depends on it.
    public static let namespace = UUID(uuid: (0xF0, 0x38, 0xA8, 0x35, 0x51, 0x09, 0x5A, 0x20,
                                              0x93, 0x88, 0xDF, 0xD9, 0xF0, 0x59, 0xE2, 0xD3))

    /// The agreement of `studentID`: a name-based UUID (RFC 4122 version 5) of "studentID#round".
    ///
    /// `round` is 1 for a student's first agreement; a later round (after a termination, 解约) gets a new ID.
    public static func forStudent(_ studentID: String, round: Int = 1) -> AgreementID {
        AgreementID(nameBased(namespace: namespace, name: "\(studentID)#\(round)"))
    }

    /// A version-5 UUID of `name` in `namespace` (RFC 4122 §4.3).
    public static func nameBased(namespace: UUID, name: String) -> UUID {
        let n = namespace.uuid
        let namespaceBytes = [n.0, n.1, n.2, n.3, n.4, n.5, n.6, n.7, n.8, n.9, n.10, n.11, n.12, n.13, n.14, n.15]
        var b = Array(Insecure.SHA1.hash(data: namespaceBytes + Array(name.utf8)))
        b[6] = (b[6] & 0x0F) | 0x50  // version 5
        b[8] = (b[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// Lower-case canonical form: the Kafka key and the JSON form.
    public var description: String { uuid.uuidString.lowercased() }

    public static func < (a: AgreementID, b: AgreementID) -> Bool { a.description < b.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID: \(text)")
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
