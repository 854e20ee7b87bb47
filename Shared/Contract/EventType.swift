import AgreementDomain

/// The CloudEvents `type` of a contract event: `cn.edu.wangqian.<family>.<name>.v<version>`, e.g.
/// `cn.edu.wangqian.agreement.submitted.v1`. The version is part of the type, so a consumer knows the payload's
/// shape before reading it.
public struct EventType: Hashable, Sendable, CustomStringConvertible {
    /// `agreement`, `roster` or `registry`.
    public var family: String
    /// The event name, e.g. `submitted`, `studentRecordPublished`.
    public var name: String
    public var version: Int

    public static let prefix = "cn.edu.wangqian."

    public init(family: String, name: String, version: Int) {
        self.family = family
        self.name = name
        self.version = version
    }

    /// Parses a CloudEvents type of this contract (any version); nil if it is not one.
    public init?(_ type: String) {
        guard type.hasPrefix(Self.prefix) else { return nil }
        let parts = type.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[2].first == "v",
              let version = Int(parts[2].dropFirst()), version >= 0 else { return nil }
        self.init(family: String(parts[0]), name: String(parts[1]), version: version)
    }

    /// The CloudEvents `type` attribute.
    public var description: String { "\(Self.prefix)\(family).\(name).v\(version)" }

    /// `family.name.vN`, the golden file name (without `.json`).
    public var shortName: String { "\(family).\(name).v\(version)" }

    /// Every event type this contract publishes, at its current version.
    public static let current: [EventType] =
        AgreementEvent.typeNames.map { EventType(family: "agreement", name: $0, version: 1) }
        + ["studentRecordPublished", "studentRecordRemoved"].map { EventType(family: "roster", name: $0, version: 1) }
        + ["employerRegistered", "employerApproved", "employerUpdated", "employerSuspended"]
            .map { EventType(family: "registry", name: $0, version: 1) }

    /// The current version of `family.name`, nil if the contract has no such event.
    public static func currentVersion(family: String, name: String) -> Int? {
        current.first { $0.family == family && $0.name == name }?.version
    }
}
