import Crypto
import Foundation

/// The limits every record of the contract keeps, checked by the emitter before an event enters its outbox.
public enum EventLimits {
    /// Key, value and headers of one record, in bytes: well below the 1,000,000-byte default of Kafka brokers
    /// and clients, so a record the contract allows is never refused by the broker.
    public static let maxRecordBytes = 256 * 1024

    /// The encoded size of a record as the limit counts it.
    public static func size(key: String, value: [UInt8], headers: [(String, [UInt8])]) -> Int {
        key.utf8.count + value.count + headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.count }
    }
}

/// Who signed an event: Ed25519 signatures by the emitting service over the record's value and its CloudEvents
/// headers.
///
/// The signed message is the UTF-8 text `wangqian-event-signature-v1` and a newline, then one line
/// `name=value` per header whose name starts with `ce_` (except `ce_signature`) or is `content-type`, sorted by
/// name, then an empty line, then the value bytes. The signature travels base64-encoded in `ce_signature`; the
/// key is that of the service `ce_source` names (`/wangqian/<service>`). A header value containing a line break,
/// or a signed header present twice, makes the record unverifiable.
public enum EventSignature {
    public static let header = "ce_signature"
    static let preamble = "wangqian-event-signature-v1\n"

    /// The bytes that are signed, or nil when the headers cannot be signed unambiguously.
    public static func message(headers: [(String, [UInt8])], value: [UInt8]) -> [UInt8]? {
        let signed = headers.filter { ($0.0.hasPrefix("ce_") && $0.0 != header) || $0.0 == "content-type" }
        guard Set(signed.map(\.0)).count == signed.count else { return nil }
        var bytes = Array(preamble.utf8)
        for (name, raw) in signed.sorted(by: { $0.0 < $1.0 }) {
            guard !raw.contains(0x0A), !raw.contains(0x0D) else { return nil }
            bytes += Array(name.utf8) + [UInt8(ascii: "=")] + raw + [0x0A]
        }
        bytes.append(0x0A)
        return bytes + value
    }

    /// The service a `ce_source` names: `/wangqian/student` → `student`.
    public static func service(ofSource source: String) -> String? {
        let prefix = "/wangqian/"
        guard source.hasPrefix(prefix) else { return nil }
        let name = String(source.dropFirst(prefix.count))
        return name.isEmpty || name.contains("/") ? nil : name
    }
}

/// Why a key ring cannot be built from its configuration.
public struct EventKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// One service's signing key and the public keys of every emitter it trusts.
public struct EventKeyRing: Sendable {
    /// The four services that may emit events.
    public static let emitters = ["student", "employer", "college", "scheduler"]

    /// The service that signs with this ring; empty for a verifying-only ring.
    public let service: String
    private let signingKey: Curve25519.Signing.PrivateKey?
    private let publicKeys: [String: Curve25519.Signing.PublicKey]

    /// - Parameters:
    ///   - privateKeyBase64: this service's Ed25519 private key (32 raw bytes, base64).
    ///   - publicKeys: service name → Ed25519 public key (32 raw bytes, base64), for every emitter.
    public init(service: String, privateKeyBase64: String, publicKeys: [String: String]) throws(EventKeyError) {
        guard let raw = Data(base64Encoded: privateKeyBase64),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw EventKeyError(description: "the signing key is not a base64 Ed25519 private key (32 bytes)")
        }
        let keys = try Self.parse(publicKeys)
        guard keys[service]?.rawRepresentation == key.publicKey.rawRepresentation else {
            throw EventKeyError(description: "the signing key does not match the public key given for \(service)")
        }
        self.init(service: service, signingKey: key, publicKeys: keys)
    }

    /// A ring that only verifies (subscribers, tools).
    public init(verifyingWith publicKeys: [String: String]) throws(EventKeyError) {
        self.init(service: "", signingKey: nil, publicKeys: try Self.parse(publicKeys))
    }

    private static func parse(_ publicKeys: [String: String]) throws(EventKeyError) -> [String: Curve25519.Signing.PublicKey] {
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for (name, text) in publicKeys {
            guard Self.emitters.contains(name) else {
                throw EventKeyError(description: "unknown emitter \(name) in the public keys (expected \(Self.emitters.joined(separator: ", ")))")
            }
            guard let raw = Data(base64Encoded: text), let pub = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                throw EventKeyError(description: "the public key of \(name) is not a base64 Ed25519 public key (32 bytes)")
            }
            keys[name] = pub
        }
        let missing = emitters.filter { keys[$0] == nil }
        guard missing.isEmpty else { throw EventKeyError(description: "public keys missing for \(missing.joined(separator: ", "))") }
        return keys
    }

    private init(service: String, signingKey: Curve25519.Signing.PrivateKey?, publicKeys: [String: Curve25519.Signing.PublicKey]) {
        self.service = service
        self.signingKey = signingKey
        self.publicKeys = publicKeys
    }

    /// Keys derived from public names, for the development profile only: anyone can compute them.
    public static func development(for service: String) -> EventKeyRing {
        let keys = Dictionary(uniqueKeysWithValues: emitters.map { ($0, developmentPrivateKey($0)) })
        return EventKeyRing(service: service, signingKey: developmentPrivateKey(service),
                            publicKeys: keys.mapValues(\.publicKey))
    }

    static func developmentPrivateKey(_ service: String) -> Curve25519.Signing.PrivateKey {
        let seed = SHA256.hash(data: Data("wangqian-development-event-key:\(service)".utf8))
        return try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(seed))
    }

    /// A fresh private key, base64, and its public key, base64 (for `wangqianctl keys`).
    public static func generate() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (key.rawRepresentation.base64EncodedString(), key.publicKey.rawRepresentation.base64EncodedString())
    }

    /// The public key of `emitter`, base64.
    public func publicKeyBase64(of emitter: String) -> String? { publicKeys[emitter]?.rawRepresentation.base64EncodedString() }

    /// The headers with `ce_signature` added.
    public func sign(headers: [(String, [UInt8])], value: [UInt8]) throws(ContractError) -> [(String, [UInt8])] {
        guard let signingKey, let message = EventSignature.message(headers: headers, value: value),
              let signature = try? signingKey.signature(for: message) else {
            throw ContractError.badSignature(source: service, reason: "the headers cannot be signed")
        }
        return headers.filter { $0.0 != EventSignature.header }
            + [(EventSignature.header, Array(signature.base64EncodedString().utf8))]
    }

    /// Checks that the record was signed by the service its `ce_source` names; returns that service.
    @discardableResult
    public func verify(headers: [(String, [UInt8])], value: [UInt8]) throws(ContractError) -> String {
        let signatures = headers.filter { $0.0 == EventSignature.header }
        guard let raw = signatures.first?.1 else { throw .unsigned }
        guard signatures.count == 1 else { throw .badSignature(source: "", reason: "more than one ce_signature header") }
        let sources = headers.filter { $0.0 == "ce_source" }
        guard sources.count == 1, let source = String(validating: sources[0].1, as: UTF8.self) else {
            throw .missingHeader("ce_source")
        }
        guard let emitter = EventSignature.service(ofSource: source), let key = publicKeys[emitter] else {
            throw .badSignature(source: source, reason: "no public key for this source")
        }
        guard let text = String(validating: raw, as: UTF8.self), let signature = Data(base64Encoded: text) else {
            throw .badSignature(source: source, reason: "ce_signature is not base64")
        }
        guard let message = EventSignature.message(headers: headers, value: value) else {
            throw .badSignature(source: source, reason: "duplicate or multi-line signed headers")
        }
        guard key.isValidSignature(signature, for: message) else {
            throw .badSignature(source: source, reason: "the signature does not verify")
        }
        return emitter
    }
}

extension EventKeyRing {
    /// Reads a record as a consumer must: within the size limit, signed by the service its `ce_source` names,
    /// a valid contract event, and one that service may emit with that actor.
    public func open(key: String, headers: [(String, [UInt8])], value: [UInt8]) throws(ContractError) -> DecodedEvent {
        let size = EventLimits.size(key: key, value: value, headers: headers)
        guard size <= EventLimits.maxRecordBytes else { throw .tooLarge(bytes: size, limit: EventLimits.maxRecordBytes) }
        let emitter = try verify(headers: headers, value: value)
        let decoded = try CloudEvent.decode(headers: headers, value: value)
        try EmitterPolicy.check(decoded.event, emitter: emitter)
        return decoded
    }
}
