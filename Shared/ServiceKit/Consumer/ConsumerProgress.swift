import Foundation
import WangqianKafka

/// What the consumers of a service have applied and what state they are in, for readiness and the status endpoint.
public actor ConsumerProgress {
    /// The state of one consumer.
    public enum State: Sendable, Equatable {
        case starting
        case running
        /// It cannot get past something (the database is down, the broker unreachable) and tries again.
        case retrying(reason: String)
        /// Stored offsets lie beyond the end of their partitions: the broker lost records this service applied.
        case offsetsBeyondLog(details: [String])
        case stopped
    }

    public struct ConsumerStatus: Codable, Sendable {
        /// The state's name on the status page.
        public enum Phase: String, Codable, CaseIterable, Sendable { case starting, running, retrying, offsetsBeyondLog, stopped }
        public var name: String
        public var state: Phase
        public var reason: String?
        public var since: Date
        public var eventsApplied: Int
        public var deadLettered: Int
    }

    private struct Entry {
        var state: State = .starting
        var since = Date()
        var applied = 0
        var deadLettered = 0
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    private var appliedCount = 0

    public init() {}

    func register(_ name: String) {
        if entries[name] == nil { entries[name] = Entry(); order.append(name) }
    }

    func set(_ name: String, _ state: State) {
        register(name)
        if entries[name]!.state != state {
            entries[name]!.state = state
            entries[name]!.since = Date()
        }
    }

    func applied(_ name: String, topic: String, partition: Int32, offset: Int64) {
        nextOffsets[KafkaTopicPartition(topic: topic, partition: partition)] = offset + 1
        appliedCount += 1
        entries[name]?.applied += 1
        if case .retrying = entries[name]?.state { set(name, .running) }
    }

    func deadLettered(_ name: String) { entries[name]?.deadLettered += 1 }

    /// Every consumer has assigned its partitions at least once (it may be retrying since).
    public var hasStarted: Bool { !entries.isEmpty && entries.values.allSatisfy { $0.state != .starting } }
    public var eventsApplied: Int { appliedCount }
    public func nextOffset(topic: String, partition: Int32) -> Int64? {
        nextOffsets[KafkaTopicPartition(topic: topic, partition: partition)]
    }

    /// Why the consumers cannot make progress at all, or nil. A consumer that retries a passing failure does not
    /// count: only a stopped one, or one whose offsets lie beyond the log.
    public var blockingProblem: String? {
        for name in order {
            switch entries[name]!.state {
            case .stopped: return "consumer \(name) stopped"
            case .offsetsBeyondLog(let details): return "consumer \(name): stored offsets beyond the end of the log (\(details.joined(separator: "; ")))"
            default: continue
            }
        }
        return nil
    }

    public var statuses: [ConsumerStatus] {
        order.map { name in
            let e = entries[name]!
            let (state, reason): (ConsumerStatus.Phase, String?) = switch e.state {
            case .starting: (.starting, nil)
            case .running: (.running, nil)
            case .retrying(let reason): (.retrying, reason)
            case .offsetsBeyondLog(let details): (.offsetsBeyondLog, details.joined(separator: "; "))
            case .stopped: (.stopped, nil)
            }
            return ConsumerStatus(name: name, state: state, reason: reason, since: e.since, eventsApplied: e.applied,
                                  deadLettered: e.deadLettered)
        }
    }
}
