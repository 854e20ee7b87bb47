/// The Kafka topics of the public contract. Names carry the contract's major version (`.v1`).
///
/// Tests and parallel environments use a prefix (`Topics(prefix: "t123.")`), so every run gets fresh topics.
public struct Topics: Sendable, Hashable {
    public let prefix: String

    /// Agreement events; key = agreement ID, so one agreement's events stay in order on one partition.
    public var agreementEvents: String { prefix + "wangqian.agreement.events.v1" }
    /// The student roster (upserts and removals); key = student ID.
    public var studentRoster: String { prefix + "wangqian.roster.students.v1" }
    /// The employer registry; key = employer ID.
    public var employerRegistry: String { prefix + "wangqian.registry.employers.v1" }
    /// Records a consumer could not decode or apply, with `dlq_*` headers saying why.
    public var deadLetter: String { prefix + "wangqian.deadletter.v1" }

    public static let agreementPartitions = 8
    public static let rosterPartitions = 4
    public static let registryPartitions = 4
    public static let deadLetterPartitions = 1

    public init(prefix: String = "") { self.prefix = prefix }

    /// Every topic and its partition count, for creating them.
    public var all: [(name: String, partitions: Int)] {
        [(agreementEvents, Self.agreementPartitions), (studentRoster, Self.rosterPartitions),
         (employerRegistry, Self.registryPartitions), (deadLetter, Self.deadLetterPartitions)]
    }

    /// The topics events are published on (every one but the dead-letter topic).
    public var published: [String] { [agreementEvents, studentRoster, employerRegistry] }

    /// The topic an event is published on.
    public func name(for event: ContractEvent) -> String {
        switch event {
        case .agreement: agreementEvents
        case .roster: studentRoster
        case .registry: employerRegistry
        }
    }
}
