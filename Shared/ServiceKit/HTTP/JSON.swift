import AgreementContract
import Foundation
import Hummingbird

/// The one JSON dialect of every API: ISO 8601 dates with milliseconds, sorted keys.
public enum JSON {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = parseDate(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 date")
            }
            return date
        }
        return d
    }()

    /// The contract's own formatter, so an HTTP timestamp equals the same instant in the Kafka events to the
    /// millisecond (Foundation's ISO 8601 formatter rounds some milliseconds down by one).
    public static func formatDate(_ date: Date) -> String { RFC3339.format(date) }

    public static func parseDate(_ s: String) -> Date? { RFC3339.parse(s) }
}

extension UUID {
    /// The form every API writes identifiers in: lower-case, as agreement IDs and CloudEvents `ce_id`s are.
    public var wire: String { uuidString.lowercased() }
}

extension JSONEncoder {
    /// A JSON response with our headers, outside of a request context.
    public func encodeResponse(_ value: some Encodable) throws -> Response {
        let data = try encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
