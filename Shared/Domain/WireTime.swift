import Foundation

/// Event times are kept to whole milliseconds, the precision of the event contract (RFC 3339 with milliseconds).
///
/// Why it matters: the seven-day rule compares two event times. If a service decided with microseconds and the
/// log carried milliseconds, a projection could see 6d23h59m59.9995s where the decider saw seven days, and refuse
/// what the decider accepted. So the decider stamps events with times already on the millisecond grid, and every
/// comparison and every encoder uses the same mapping below.
extension Date {
    /// Whole milliseconds since 1970. Values a hair below a boundary (binary floating-point noise of a time that
    /// was built from whole milliseconds) count as that boundary.
    public var wireMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000 + 0.01).rounded(.down))
    }

    /// The time at `milliseconds` since 1970 (the one canonical construction, so round trips are exact).
    public init(wireMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This time cut to whole milliseconds.
    public var truncatedToWireMilliseconds: Date { Date(wireMilliseconds: wireMilliseconds) }
}
