import Foundation
import Synchronization

/// The time every decision is made at. Real time plus an offset that only tests and demos change
/// (`WANGQIAN_CLOCK_OFFSET_SECONDS`, or the scheduler's clock control when enabled).
public final class ServiceClock: Sendable {
    private let offset: Mutex<Double>

    public init(offsetSeconds: Double = 0) { offset = Mutex(offsetSeconds) }

    public var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    public var offsetSeconds: Double { offset.withLock { $0 } }
    public func advance(by seconds: Double) { offset.withLock { $0 += seconds } }
}
