/// Turns the payload of one older version of an event into the next version's shape.
///
/// Structural changes to a payload (a renamed or restructured field) get a new type version and an upcaster from
/// the old one, so consumers only ever decode the current shape and old records on the log stay readable.
/// Purely additive changes (a new optional field) need neither.
public struct Upcaster: Sendable {
    public var family: String
    public var name: String
    /// The version this upcaster reads; it produces `fromVersion + 1`.
    public var fromVersion: Int
    public var transform: @Sendable (JSONValue) throws -> JSONValue

    public init(family: String, name: String, fromVersion: Int, transform: @escaping @Sendable (JSONValue) throws -> JSONValue) {
        self.family = family
        self.name = name
        self.fromVersion = fromVersion
        self.transform = transform
    }
}

/// The upcasting hook of the decoder.
public enum Upcasters {
    /// The upcasters in force. Empty: version 1 is the first version of every event type.
    public static let registered: [Upcaster] = []

    /// `json` of `type` (at `type.version`) brought to the current version, one version at a time.
    ///
    /// - Throws: `unknownType` for a type the contract does not have, `unsupportedVersion` for a version newer than
    ///   current or one with no path of upcasters, `upcastFailed` when an upcaster throws.
    public static func upcast(_ type: EventType, json: JSONValue, using upcasters: [Upcaster] = registered) throws(ContractError) -> (type: EventType, json: JSONValue) {
        guard let current = EventType.currentVersion(family: type.family, name: type.name) else {
            throw .unknownType(type.description)
        }
        guard type.version <= current else {
            throw .unsupportedVersion(type: type.description, version: type.version, current: current)
        }
        var version = type.version
        var json = json
        while version < current {
            guard let step = upcasters.first(where: { $0.family == type.family && $0.name == type.name && $0.fromVersion == version }) else {
                throw .unsupportedVersion(type: type.description, version: type.version, current: current)
            }
            do {
                json = try step.transform(json)
            } catch {
                throw .upcastFailed(type: type.description, fromVersion: version, detail: "\(error)")
            }
            version += 1
        }
        return (EventType(family: type.family, name: type.name, version: current), json)
    }
}
